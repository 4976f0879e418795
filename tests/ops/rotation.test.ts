import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { decryptSecret, encryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import { buildRequests, createAcpClient, paymentHandlerIdFrom } from "../../sandbox/agent/buyer";
import { DEMO_ACCOUNT_ID, DEMO_RESTRICTED_KEY } from "../../sandbox/stripe/accounts";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import {
  startAppServer,
  TEST_API_KEY,
  TEST_API_SECRET,
  TEST_ENCRYPTION_KEYS,
  type AppServer,
} from "../support/app-server";
import { itemId } from "../support/catalog";
import { freshSqliteUrl, testPrisma } from "../support/database";
import { ROOT } from "../support/paths";
import { jobDone } from "./helpers";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Rotating APP_ENCRYPTION_KEYS without downtime: deploy with the new key first and the old one
 * still listed, run `npm run secrets:reencrypt` (app/ops/reencrypt-secrets.cli.ts), then drop the
 * old key.
 */
const OLD = TEST_ENCRYPTION_KEYS; // k1
const NEW = "k2:" + Buffer.alloc(32, 9).toString("base64");
const GONE = "k0:" + Buffer.alloc(32, 3).toString("base64");

interface CliRun {
  status: number | null;
  result: Json;
}

/** What an operator runs: the CLI under tsx, with the app's environment. */
function runReencrypt(databaseUrl: string, keys: string, ...args: string[]): CliRun {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "app/ops/reencrypt-secrets.cli.ts"), ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        SHOPIFY_API_KEY: TEST_API_KEY,
        SHOPIFY_API_SECRET: TEST_API_SECRET,
        SHOPIFY_APP_URL: "https://app.example.com",
        DATABASE_URL: databaseUrl,
        APP_ENCRYPTION_KEYS: keys,
      },
    },
  );
  const line = run.stdout.split("\n").find((entry) => entry.includes('"ops.secrets_reencrypted"'));
  if (!line) throw new Error(`no result from the CLI:\n${run.stdout}\n${run.stderr}`);
  return { status: run.status, result: JSON.parse(line) as Json };
}

describe("npm run secrets:reencrypt", () => {
  let url: string;
  let db: PrismaClient;
  const plaintexts = new Map<string, string>();
  const old = parseKeyRing(OLD);

  beforeAll(async () => {
    url = freshSqliteUrl();
    db = testPrisma(url);
    for (let index = 0; index < 3; index++) {
      const secret = `rk_test_${randomUUID()}`;
      plaintexts.set(`shop-${index}`, secret);
      await db.shopSettings.create({
        data: { shop: `shop-${index}.myshopify.com`, stripeKeyEncrypted: encryptSecret(secret, old) },
      });
    }
    for (let index = 0; index < 12; index++) {
      const webhook = `whsec_${randomUUID()}`;
      const signing = index % 3 === 0 ? `sign_${randomUUID()}` : null;
      plaintexts.set(`agt_${index}`, webhook);
      if (signing) plaintexts.set(`agt_${index}:signing`, signing);
      await db.agent.create({
        data: {
          id: `agt_${String(index).padStart(2, "0")}`,
          shop: "shop-0.myshopify.com",
          name: `Agent ${index}`,
          webhookSecretEncrypted: encryptSecret(webhook, old),
          signingKeyEncrypted: signing ? encryptSecret(signing, old) : null,
        },
      });
    }
    for (let index = 0; index < 8; index++) {
      const token = `spt_${randomUUID()}`;
      plaintexts.set(`cmp_${index}`, token);
      await db.completion.create({
        data: {
          id: `cmp_${index}`,
          shop: "shop-0.myshopify.com",
          sessionId: `cs_${index}`,
          agentId: "agt_00",
          step: "completed",
          amount: 1000,
          currency: "usd",
          // One token was already erased after its completion ended (app/privacy).
          paymentTokenEncrypted: index === 7 ? "" : encryptSecret(token, old),
        },
      });
    }
  });

  afterAll(() => db?.$disconnect());

  async function sealedValues(): Promise<string[]> {
    const [settings, agents, completions] = await Promise.all([
      db.shopSettings.findMany(),
      db.agent.findMany(),
      db.completion.findMany(),
    ]);
    return [
      ...settings.map((row) => row.stripeKeyEncrypted),
      ...agents.flatMap((row) => [row.webhookSecretEncrypted, row.signingKeyEncrypted]),
      ...completions.map((row) => row.paymentTokenEncrypted),
    ].filter((value): value is string => !!value);
  }

  it("re-seals every stored secret with the new key, in batches, keeping its value", async () => {
    const run = runReencrypt(url, `${NEW},${OLD}`, "--batch-size=5");
    expect(run.status).toBe(0);
    // 3 Stripe keys, 12 webhook secrets, 4 signing keys, 7 payment tokens.
    expect(run.result).toMatchObject({ found: 26, reencrypted: 26, raced: 0, unreadable: [] });
    const values = await sealedValues();
    expect(values).toHaveLength(26);
    expect(values.every((value) => value.startsWith("v1:k2:"))).toBe(true);

    // Readable with the new key alone: the old one can go.
    const fresh = parseKeyRing(NEW);
    const settings = await db.shopSettings.findUniqueOrThrow({ where: { shop: "shop-1.myshopify.com" } });
    expect(decryptSecret(settings.stripeKeyEncrypted!, fresh)).toBe(plaintexts.get("shop-1"));
    const agent = await db.agent.findUniqueOrThrow({ where: { id: "agt_03" } });
    expect(decryptSecret(agent.webhookSecretEncrypted!, fresh)).toBe(plaintexts.get("agt_3"));
    expect(decryptSecret(agent.signingKeyEncrypted!, fresh)).toBe(plaintexts.get("agt_3:signing"));
    const completion = await db.completion.findUniqueOrThrow({ where: { id: "cmp_4" } });
    expect(decryptSecret(completion.paymentTokenEncrypted, fresh)).toBe(plaintexts.get("cmp_4"));
    expect((await db.completion.findUniqueOrThrow({ where: { id: "cmp_7" } })).paymentTokenEncrypted).toBe(
      "",
    );
  });

  it("is idempotent: a second run finds nothing to do and changes nothing", async () => {
    const before = await sealedValues();
    const run = runReencrypt(url, `${NEW},${OLD}`);
    expect(run.status).toBe(0);
    expect(run.result).toMatchObject({ found: 0, reencrypted: 0 });
    expect(await sealedValues()).toEqual(before);
  });

  it("names secrets sealed with a key that is no longer configured and exits 1", async () => {
    await db.agent.create({
      data: {
        id: "agt_lost",
        shop: "shop-0.myshopify.com",
        name: "Lost",
        webhookSecretEncrypted: encryptSecret("whsec_lost", parseKeyRing(GONE)),
      },
    });
    const run = runReencrypt(url, `${NEW},${OLD}`);
    expect(run.status).toBe(1);
    expect(run.result.unreadable).toEqual([{ column: "agent.webhookSecretEncrypted", id: "agt_lost" }]);
  });
});

describe("rotation on a running shop", () => {
  let stack: AcpStack;
  let newOnly: AppServer | undefined;
  const version = "2026-04-17" as const;
  const build = buildRequests(version);

  beforeAll(async () => {
    // Step 1 is done: every instance runs with the new key first, the old one still listed.
    stack = await startAcpStack({ env: { APP_ENCRYPTION_KEYS: `${NEW},${OLD}` } });
  }, 120_000);

  afterAll(async () => {
    await newOnly?.stop();
    await stack?.stop();
  });

  async function purchase(baseUrl: string): Promise<Json> {
    const client = createAcpClient({ baseUrl, apiKey: stack.agent.apiKey, apiVersion: version });
    const tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
    const address = {
      name: "Key Rotation",
      line_one: "1 Main St",
      city: "Austin",
      state: "TX",
      country: "US",
      postal_code: "78701",
    };
    const created = (
      await client.createCheckout(
        build.create({
          items: [{ id: tote, quantity: 1 }],
          buyer: { first_name: "Key", last_name: "Rotation", email: "rotation@example.com" },
          address,
        }),
      )
    ).body as Json;
    const option = (created.fulfillment_options as Json[])[0];
    const ready = (
      await client.updateCheckout(
        created.id,
        build.update({ fulfillmentOptionId: option.id, itemIds: [tote] }),
      )
    ).body as Json;
    const total = (ready.totals as Json[]).find((line) => line.type === "total")!.amount as number;
    const token = stack.stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, {
      maxAmount: total,
      currency: "usd",
    });
    return (
      await client.completeCheckout(
        created.id,
        build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(ready) ?? undefined }),
      )
    ).body as Json;
  }

  it("keeps selling while secrets are re-sealed, and after the old key is dropped", async () => {
    // Still on the old key: the merchant's Stripe key was sealed before the rotation started.
    const settings = await stack.db.shopSettings.findUniqueOrThrow({ where: { shop: stack.shop } });
    expect(settings.stripeKeyEncrypted).toMatch(/^v1:k1:/);
    expect((await purchase(stack.app.url)).status).toBe("completed");

    // Step 2, while the server runs: the CLI, and the same work as a job.
    const run = runReencrypt(stack.app.databaseUrl, `${NEW},${OLD}`);
    expect(run.status).toBe(0);
    expect(run.result.reencrypted).toBeGreaterThanOrEqual(1);
    await stack.db.agent.update({
      where: { id: stack.agent.agentId },
      data: { webhookSecretEncrypted: encryptSecret("whsec_rotating", parseKeyRing(OLD)) },
    });
    await stack.db.job.create({ data: { kind: "ops.reencrypt_secrets", payload: "{}" } });
    await jobDone(stack.db, "ops.reencrypt_secrets");
    const agent = await stack.db.agent.findUniqueOrThrow({ where: { id: stack.agent.agentId } });
    expect(decryptSecret(agent.webhookSecretEncrypted!, parseKeyRing(NEW))).toBe("whsec_rotating");
    const stripeKey = (await stack.db.shopSettings.findUniqueOrThrow({ where: { shop: stack.shop } }))
      .stripeKeyEncrypted!;
    expect(decryptSecret(stripeKey, parseKeyRing(NEW))).toBe(DEMO_RESTRICTED_KEY);
    expect((await purchase(stack.app.url)).status).toBe("completed");

    // Step 3: an instance that knows only the new key serves the same shop.
    newOnly = await startAppServer({
      databaseUrl: stack.app.databaseUrl,
      env: {
        NODE_ENV: "test",
        ACP_SANDBOX: "1",
        SANDBOX_SHOPIFY_URL: stack.shopify.url,
        SANDBOX_STRIPE_URL: stack.stripe.url,
        APP_ENCRYPTION_KEYS: NEW,
        JOB_WORKER: "0",
      },
    });
    expect((await purchase(newOnly.url)).status).toBe("completed");
  }, 120_000);
});
