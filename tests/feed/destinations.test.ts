import { spawnSync } from "node:child_process";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type * as Destinations from "../../app/catalog/destinations.server";
import { decryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import { TEST_API_KEY, TEST_API_SECRET, TEST_ENCRYPTION_KEYS } from "../support/app-server";
import { freshSqliteUrl, testPrisma } from "../support/database";
import { ROOT } from "../support/paths";

/**
 * Destinations as the admin edits them (app/catalog/destinations.server.ts), in this process on its
 * own SQLite file: validation, the write-only secret, retargeting, deletion, and key rotation of the
 * sealed secret by `npm run secrets:reencrypt`.
 */

const SHOP = "destinations.myshopify.com";
const OTHER = "someone-else.myshopify.com";
let url: string;
let db: PrismaClient;
let api: typeof Destinations;

beforeAll(async () => {
  url = freshSqliteUrl();
  Object.assign(process.env, {
    DATABASE_URL: url,
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: "http://127.0.0.1:9",
    APP_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    ACP_SANDBOX: "1",
    // Never called here; sandbox mode only insists on it.
    SANDBOX_SHOPIFY_URL: "http://127.0.0.1:9",
    NODE_ENV: "test",
  });
  db = testPrisma(url);
  api = await import("../../app/catalog/destinations.server");
});

afterAll(async () => {
  await db?.$disconnect();
});

const valid = {
  name: "Agent feed",
  kind: "feed_api" as const,
  url: "https://agent.example.com/acp",
  market: "united-states",
  secret: "tok_live_abcdef123456",
  intervalMinutes: "30",
};

function errorsOf(input: Destinations.DestinationInput): Record<string, string> {
  try {
    api.DestinationInputSchema.parse(input);
    return {};
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    return Object.fromEntries(error.issues.map((issue) => [issue.path.join("."), issue.message]));
  }
}

describe("destination input", () => {
  it("accepts https, and plain http only to this machine in sandbox mode", () => {
    expect(errorsOf(valid)).toEqual({});
    expect(errorsOf({ ...valid, url: "http://127.0.0.1:4000" })).toEqual({});
    expect(errorsOf({ ...valid, url: "http://agent.example.com" })).toEqual({
      url: "The URL must use https://.",
    });
    expect(errorsOf({ ...valid, url: "ftp://agent.example.com" })).toEqual({
      url: "The URL must use https://.",
    });
    expect(errorsOf({ ...valid, url: "https://user:pw@agent.example.com" })).toEqual({
      url: "Put credentials in the secret field, not in the URL.",
    });
    expect(errorsOf({ ...valid, url: "agent" }).url).toMatch(/full URL/);
  });

  it("names each missing or bad field", () => {
    expect(errorsOf({ ...valid, market: undefined })).toEqual({
      market: "Choose the market this feed is for.",
    });
    expect(errorsOf({ ...valid, kind: "file_upload" })).toEqual({ format: "Choose JSONL or CSV." });
    expect(errorsOf({ ...valid, name: " ", intervalMinutes: "2" })).toEqual({
      name: "Give the destination a name.",
      intervalMinutes: "At least 5 minutes.",
    });
    expect(errorsOf({ ...valid, authHeader: "X Api Key" }).authHeader).toMatch(/letters, digits and dashes/);
  });
});

describe("stored destinations", () => {
  let id: string;

  it("seals the secret, shows only its last four characters, and queues a first push", async () => {
    id = await api.createDestination(SHOP, valid);
    const row = await db.feedDestination.findUniqueOrThrow({ where: { id } });
    expect(row.secretEncrypted).not.toContain(valid.secret);
    expect(decryptSecret(row.secretEncrypted!, parseKeyRing(TEST_ENCRYPTION_KEYS))).toBe(valid.secret);
    const [view] = await api.listDestinations(SHOP);
    expect(view).toMatchObject({ id, secretLast4: "3456", market: "united-states", intervalMinutes: 30 });
    expect(JSON.stringify(view)).not.toContain(valid.secret);
    expect(Object.keys(view)).not.toContain("secretEncrypted");
    const job = await db.job.findUniqueOrThrow({ where: { singletonKey: `feed.push:${id}` } });
    expect(JSON.parse(job.payload)).toEqual({ destinationId: id, trigger: "manual" });
    expect(await api.listDestinations(OTHER)).toEqual([]);
  });

  it("keeps the secret on an edit that leaves it blank; a new URL starts the remote feed over", async () => {
    await db.feedDestination.update({
      where: { id },
      data: { remoteFeedId: "feed_1", lastPushedVersion: 4 },
    });
    await db.feedPushedProduct.create({
      data: {
        shop: SHOP,
        destinationId: id,
        productId: "1",
        contentHash: "h",
        tombstone: "{}",
        pushedAt: new Date(),
      },
    });
    const before = await db.feedDestination.findUniqueOrThrow({ where: { id } });

    expect(await api.updateDestination(SHOP, id, { ...valid, name: "Renamed", secret: "" })).toBe(true);
    const renamed = await db.feedDestination.findUniqueOrThrow({ where: { id } });
    expect(renamed).toMatchObject({
      name: "Renamed",
      secretEncrypted: before.secretEncrypted,
      remoteFeedId: "feed_1",
    });
    expect(await db.feedPushedProduct.count({ where: { destinationId: id } })).toBe(1);

    await api.updateDestination(SHOP, id, { ...valid, url: "https://other-agent.example.com" });
    const moved = await db.feedDestination.findUniqueOrThrow({ where: { id } });
    expect(moved).toMatchObject({ remoteFeedId: null, lastPushedVersion: null });
    expect(await db.feedPushedProduct.count({ where: { destinationId: id } })).toBe(0);
  });

  it("another shop can neither edit, push nor delete it", async () => {
    expect(await api.updateDestination(OTHER, id, valid)).toBe(false);
    expect(await api.setDestinationEnabled(OTHER, id, false)).toBe(false);
    expect(await api.pushNow(OTHER, id)).toBe("not_found");
    expect(await api.deleteDestination(OTHER, id)).toBe(false);
    expect(await db.feedDestination.count({ where: { id } })).toBe(1);
  });

  it("a disabled destination is not pushed now; delete removes it with its history", async () => {
    expect(await api.setDestinationEnabled(SHOP, id, false)).toBe(true);
    expect(await api.pushNow(SHOP, id)).toBe("disabled");
    await db.feedDelivery.create({
      data: {
        id: "fdel_1",
        shop: SHOP,
        destinationId: id,
        trigger: "manual",
        status: "succeeded",
        attempt: 1,
        startedAt: new Date(),
      },
    });
    expect(await api.deleteDestination(SHOP, id)).toBe(true);
    expect(await db.feedDestination.count({ where: { id } })).toBe(0);
    expect(await db.feedDelivery.count({ where: { destinationId: id } })).toBe(0);
  });
});

describe("key rotation", () => {
  it("npm run secrets:reencrypt re-seals destination secrets with the new key", async () => {
    const id = await api.createDestination(SHOP, { ...valid, secret: "rotate_me_9876" });
    const NEW = "k2:" + Buffer.alloc(32, 9).toString("base64");
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "app/ops/reencrypt-secrets.cli.ts")],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          NODE_ENV: "production",
          SHOPIFY_API_KEY: TEST_API_KEY,
          SHOPIFY_API_SECRET: TEST_API_SECRET,
          SHOPIFY_APP_URL: "https://app.example.com",
          DATABASE_URL: url,
          APP_ENCRYPTION_KEYS: `${NEW},${TEST_ENCRYPTION_KEYS}`,
        },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const row = await db.feedDestination.findUniqueOrThrow({ where: { id } });
    expect(row.secretEncrypted!.startsWith("v1:k2:")).toBe(true);
    expect(decryptSecret(row.secretEncrypted!, parseKeyRing(NEW))).toBe("rotate_me_9876");
  });
});
