import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { buildRequests, createAcpClient, paymentHandlerIdFrom } from "../../sandbox/agent/buyer";
import { seedAgent, seedShopInstall, seedStripeSettings } from "../../sandbox/app-seed/seed";
import {
  APP_SCOPES,
  DEMO_ACCESS_TOKEN,
  DEMO_SHOP,
  demoShop,
} from "../../sandbox/shopify-admin/fixtures/catalog";
import { startShopifySandbox, type ShopifySandbox } from "../../sandbox/shopify-admin/server";
import { DEMO_ACCOUNT_ID, DEMO_RESTRICTED_KEY } from "../../sandbox/stripe/accounts";
import { startStripeSandbox, type StripeSandbox } from "../../sandbox/stripe/server";
import { startWebhookReceiver, type WebhookReceiver } from "../../sandbox/agent/webhook-receiver";
import { createHash, randomUUID } from "node:crypto";
import { encryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import { APP_WEBHOOKS } from "../support/acp-stack";
import { startAppServer, TEST_API_SECRET, TEST_ENCRYPTION_KEYS, type AppServer } from "../support/app-server";
import { itemId } from "../support/catalog";
import { sendShopifyWebhook } from "../support/shopify-webhook";
import { freshPostgresDatabase } from "../support/postgres-db";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Two app instances on one real PostgreSQL behave as one: sessions, idempotency keys, completion
 * leases and background jobs (graphile-worker) are all in the database. Killing one instance in
 * the middle of completes, or while it runs a job, loses no completion or order event and
 * duplicates none (checked in the sandboxes and at the agent's webhook, not in our tables).
 */
let shopify: ShopifySandbox;
let stripe: StripeSandbox;
let agentWebhook: WebhookReceiver;
let db: PrismaClient;
let databaseUrl: string;
let instances: AppServer[];
let apiKey: string;
let env: Record<string, string>;
/** The instance still alive after the kill tests. */
let survivor = 1;
const version = "2026-04-17" as const;
const build = buildRequests(version);
const buyer = { first_name: "Alan", last_name: "Turing", email: "alan@example.com" };
const address = {
  name: "Alan Turing",
  line_one: "2 Bletchley Rd",
  city: "Austin",
  state: "TX",
  country: "US",
  postal_code: "78701",
};

beforeAll(async () => {
  const shop = demoShop();
  shop.plan.partnerDevelopment = false;
  shopify = await startShopifySandbox({ shops: [shop], webhookRetry: { retries: 3, baseDelayMs: 50 } });
  stripe = await startStripeSandbox();
  const database = await freshPostgresDatabase(inject("postgresUrl"));
  db = database.db;
  await seedShopInstall(db, { shop: DEMO_SHOP, accessToken: DEMO_ACCESS_TOKEN, scopes: APP_SCOPES });
  await seedStripeSettings(db, {
    shop: DEMO_SHOP,
    accountId: DEMO_ACCOUNT_ID,
    sealedKey: encryptSecret(DEMO_RESTRICTED_KEY, parseKeyRing(TEST_ENCRYPTION_KEYS)),
    last4: DEMO_RESTRICTED_KEY.slice(-4),
  });
  agentWebhook = await startWebhookReceiver({ version, secret: "whsec_multi_agent" });
  const agent = await seedAgent(db, {
    shop: DEMO_SHOP,
    name: "Load agent",
    settings: {
      webhookUrl: agentWebhook.url,
      webhookSecretEncrypted: encryptSecret(agentWebhook.secret, parseKeyRing(TEST_ENCRYPTION_KEYS)),
    },
  });
  apiKey = agent.apiKey;
  databaseUrl = database.url;
  env = {
    NODE_ENV: "test",
    ACP_SANDBOX: "1",
    SANDBOX_SHOPIFY_URL: shopify.url,
    SANDBOX_STRIPE_URL: stripe.url,
    JOB_POLL_MS: "100",
    COMPLETION_LEASE_SECONDS: "5",
    RECOVERY_INTERVAL_SECONDS: "1",
  };
  instances = [
    await startAppServer({ databaseUrl: database.url, env }),
    await startAppServer({ databaseUrl: database.url, env }),
  ];
  shopify.control.install({
    shop: DEMO_SHOP,
    accessToken: DEMO_ACCESS_TOKEN,
    scopes: APP_SCOPES,
    appUrl: instances[0].url,
    apiSecret: TEST_API_SECRET,
    webhookSubscriptions: APP_WEBHOOKS,
  });
}, 240_000);

afterAll(async () => {
  await Promise.allSettled((instances ?? []).map((instance) => instance.stop()));
  await db?.$disconnect();
  await shopify?.stop();
  await stripe?.stop();
  await agentWebhook?.close();
});

const client = (index: number) =>
  createAcpClient({ baseUrl: instances[index].url, apiKey, apiVersion: version });

async function readyOnBoth(first = 0, second = 1): Promise<Json> {
  const tote = itemId(shopify, DEMO_SHOP, "Canvas Tote Bag");
  const created = (
    await client(first).createCheckout(build.create({ items: [{ id: tote, quantity: 1 }], buyer, address }))
  ).body as Json;
  const option = (created.fulfillment_options as Json[])[0];
  const ready = await client(second).updateCheckout(
    created.id,
    build.update({ fulfillmentOptionId: option.id, itemIds: [tote] }),
  );
  expect((ready.body as Json).status).toBe("ready_for_payment");
  return ready.body as Json;
}

const total = (session: Json) =>
  (session.totals as Json[]).find((line) => line.type === "total")!.amount as number;
const orders = (sessionId: string) =>
  [...shopify.shops.get(DEMO_SHOP)!.orders.values()].filter((order) => order.sourceIdentifier === sessionId);
const captured = (sessionId: string) =>
  stripe
    .paymentIntents(DEMO_ACCOUNT_ID)
    .filter((intent) => intent.metadata?.checkout_session_id === sessionId && intent.status === "succeeded");

describe("two instances on one PostgreSQL", () => {
  it("share sessions and idempotency keys: a replay on the other instance is a replay", async () => {
    const tote = itemId(shopify, DEMO_SHOP, "Canvas Tote Bag");
    const body = build.create({ items: [{ id: tote, quantity: 1 }] });
    const first = await client(0).createCheckout(body, { idempotencyKey: "shared-key" });
    const second = await client(1).createCheckout(body, { idempotencyKey: "shared-key" });
    expect(first.status).toBe(201);
    expect(second.headers["idempotent-replayed"]).toBe("true");
    expect(second.body).toEqual(first.body);
    const fetched = await client(1).getCheckout((first.body as Json).id);
    expect(fetched.status).toBe(200);
  }, 60_000);

  it("complete sent to both instances at once charges once and makes one order", async () => {
    for (let round = 0; round < 3; round++) {
      const session = await readyOnBoth();
      const token = stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, {
        maxAmount: total(session),
        currency: "usd",
      });
      const body = build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) });
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          client(index % 2).completeCheckout(session.id, body, { idempotencyKey: `k-${round}-${index % 3}` }),
        ),
      );
      for (const response of responses) expect([200, 409]).toContain(response.status);
      expect(orders(session.id)).toHaveLength(1);
      expect(captured(session.id)).toHaveLength(1);
    }
  }, 120_000);

  it("killing an instance in the middle of completes loses no completion and duplicates none", async () => {
    const sessions = [await readyOnBoth(), await readyOnBoth(), await readyOnBoth()];
    // Shopify answers order creation slowly, so instance 0 dies with payments authorized and orders pending.
    const slow = shopify.faults.add({ rootField: "orderCreate", delayMs: 1500, times: Infinity });
    const pending = sessions.map((session) => {
      const token = stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, {
        maxAmount: total(session),
        currency: "usd",
      });
      return client(0)
        .completeCheckout(
          session.id,
          build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) }),
        )
        .catch(() => null);
    });
    // Kill instance 0 once every payment is authorized and it is waiting on Shopify for the orders.
    const ids = sessions.map((session) => session.id);
    const killAt = Date.now() + 60_000;
    while (
      (await db.completion.count({ where: { sessionId: { in: ids }, step: "authorized" } })) <
        sessions.length &&
      Date.now() < killAt
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await instances[0].kill!();
    await Promise.all(pending);
    slow.remove();

    // Instance 1's recovery worker finds the stalled completions once their lease expires.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const open = await db.completion.count({
        where: {
          sessionId: { in: sessions.map((s) => s.id) },
          step: { notIn: ["completed", "declined", "voided"] },
        },
      });
      if (open === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    for (const session of sessions) {
      const state = (await client(1).getCheckout(session.id)).body as Json;
      // The invariants, read from Shopify and Stripe themselves.
      expect(orders(session.id).length).toBeLessThanOrEqual(1);
      expect(captured(session.id).length).toBe(orders(session.id).length);
      if (state.status === "completed") {
        expect(orders(session.id)).toHaveLength(1);
        expect(orders(session.id)[0].displayFinancialStatus).toBe("PAID");
      } else {
        const authorized = stripe
          .paymentIntents(DEMO_ACCOUNT_ID)
          .filter(
            (intent) =>
              intent.metadata?.checkout_session_id === session.id && intent.status === "requires_capture",
          );
        expect(authorized).toHaveLength(0);
      }
    }
    const completed = sessions.filter((session) => orders(session.id).length === 1);
    expect(completed.length).toBe(3);
  }, 180_000);

  it("a job held by a killed instance runs on the other one: the order event reaches the agent once", async () => {
    // Instance 0 died in the test above; two live instances again.
    instances.push(await startAppServer({ databaseUrl, env }));
    const [a, b] = [1, 2];
    const session = await readyOnBoth(a, b);
    // The agent's endpoint holds the first delivery, then drops it unanswered: whichever instance
    // took the delivery job is stuck in it when we kill it.
    agentWebhook.faults.add({ delayMs: 8_000, dropConnection: true, times: 1 });
    const token = stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, {
      maxAmount: total(session),
      currency: "usd",
    });
    const completed = await client(a).completeCheckout(
      session.id,
      build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) }),
    );
    expect((completed.body as Json).status).toBe("completed");
    const event = await db.agentEvent.findFirstOrThrow({ where: { sessionId: session.id } });
    const held = await waitUntil(async () => {
      const [job] = await db.$queryRaw<{ locked_by: string | null }[]>`
        SELECT locked_by FROM graphile_worker.jobs
        WHERE task_identifier = 'agent_event.deliver' AND locked_by IS NOT NULL`;
      return job?.locked_by ?? null;
    });
    const holder = instances.findIndex((instance, index) => index > 0 && instance.output().includes(held));
    expect([a, b]).toContain(holder);
    await instances[holder].kill!();
    survivor = holder === a ? b : a;

    // The survivor frees the dead worker's job (graphile-worker alone would wait four hours) and delivers.
    const delivered = await agentWebhook.waitFor(
      (delivery) => delivery.accepted && delivery.requestId === event.id,
      90_000,
    );
    expect(delivered.accepted).toBe(true);
    expect(acceptedDeliveries(event.id)).toHaveLength(1);
    expect(instances[survivor].output()).toContain('"msg":"job.orphans_unlocked"');
    expect(orders(session.id)).toHaveLength(1);
    expect(captured(session.id)).toHaveLength(1);
  }, 150_000);

  it("every order event of every test reached the agent exactly once", async () => {
    const events = await db.agentEvent.findMany({ select: { id: true, type: true } });
    expect(events.length).toBeGreaterThanOrEqual(7); // one order_created per order above
    await waitUntil(
      async () => (await db.agentEvent.count({ where: { status: { not: "delivered" } } })) === 0,
      60_000,
    );
    for (const event of events) {
      expect(acceptedDeliveries(event.id), `${event.type} ${event.id}`).toHaveLength(1);
    }
    expect(agentWebhook.duplicates()).toEqual([]);
    // No delivery is left in graphile-worker's queue, and nothing gave up (the dead letter is empty).
    const leftovers = await db.$queryRaw<
      { task_identifier: string; attempts: number; max_attempts: number }[]
    >`
      SELECT task_identifier, attempts, max_attempts FROM graphile_worker.jobs
      WHERE task_identifier = 'agent_event.deliver' OR attempts >= max_attempts`;
    expect(leftovers).toEqual([]);
    // /metrics and /readyz read graphile-worker's queue: the periodic jobs are there, none dead.
    const metrics = await (await fetch(`${instances[survivor].url}/metrics`)).text();
    expect(metrics).toMatch(
      /^acp_jobs\{kind="maintenance\.recover_completions",status="(queued|running)"\} 1$/m,
    );
    expect(metrics).not.toMatch(/^acp_jobs\{[^}]*status="dead"\}/m);
    const ready = await fetch(`${instances[survivor].url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", database: "ok" });
  }, 90_000);

  it("uninstall drops the shop's waiting jobs from graphile-worker's queue; shop/redact leaves none", async () => {
    const url = instances[survivor].url;
    // Work for the shop due in an hour, queued as the product webhook queues it.
    const [queued] = await db.$queryRaw<{ id: bigint }[]>`SELECT id FROM graphile_worker.add_job(
      'catalog.product_changed',
      payload => ${JSON.stringify({ shop: DEMO_SHOP, payload: { productId: "gid://shopify/Product/1" } })}::json,
      run_at => now() + interval '1 hour')`;
    const stillQueued = async () =>
      (await db.$queryRaw<{ id: bigint }[]>`SELECT id FROM graphile_worker.jobs WHERE id = ${queued.id}`)
        .length > 0;
    const shopJobs = () =>
      db.$queryRaw<{ task_identifier: string }[]>`
        SELECT j.task_identifier FROM graphile_worker.jobs j
        JOIN graphile_worker._private_jobs p ON p.id = j.id
        WHERE p.payload->>'shop' = ${DEMO_SHOP}`;
    expect(await stillQueued()).toBe(true);

    const uninstalled = await sendShopifyWebhook(url, {
      path: "/webhooks/app/uninstalled",
      topic: "app/uninstalled",
      shop: DEMO_SHOP,
      payload: { id: 1, domain: DEMO_SHOP },
      secret: TEST_API_SECRET,
    });
    expect(uninstalled.status).toBe(200);
    // shop.uninstalled ran (graphile-worker deletes a job once it succeeds) and dropped the queued work.
    // (A full sync step already under way may still re-arm once; its next step sees the uninstall.)
    await waitUntil(
      async () =>
        !(await stillQueued()) &&
        (await shopJobs()).every((job) => job.task_identifier === "catalog.full_sync"),
      60_000,
    );
    expect(
      (await db.agentApiKey.findMany({ where: { shop: DEMO_SHOP } })).every((key) => key.revokedAt),
    ).toBe(true);

    const webhookId = randomUUID();
    const redact = await sendShopifyWebhook(url, {
      path: "/webhooks/compliance",
      topic: "shop/redact",
      shop: DEMO_SHOP,
      payload: { shop_id: 1, shop_domain: DEMO_SHOP },
      secret: TEST_API_SECRET,
      webhookId,
    });
    expect(redact.status).toBe(200);
    const record = await waitUntil(
      async () => (await db.privacyRequest.findUnique({ where: { id: webhookId } })) ?? null,
      60_000,
    );
    expect(record).toMatchObject({
      topic: "shop/redact",
      status: "done",
      shop: `sha256:${createHash("sha256").update(DEMO_SHOP).digest("hex")}`,
    });
    // Nothing in the queue names the shop any more.
    await waitUntil(async () => (await shopJobs()).length === 0, 60_000);
    expect(await db.checkoutSession.count({ where: { shop: DEMO_SHOP } })).toBe(0);
    expect(await db.shop.count({ where: { domain: DEMO_SHOP } })).toBe(0);
  }, 150_000);
});

/** The app sends each order event's id as Request-Id. */
const acceptedDeliveries = (eventId: string) =>
  agentWebhook.deliveries().filter((delivery) => delivery.accepted && delivery.requestId === eventId);

async function waitUntil<T>(check: () => Promise<T | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
