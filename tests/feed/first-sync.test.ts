import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEY, TEST_API_SECRET, TEST_ENCRYPTION_KEYS } from "../support/app-server";
import { freshSqliteUrl, testPrisma } from "../support/database";

/**
 * The `afterAuth` step that queues a shop's first full sync (app/catalog/first-sync.server.ts),
 * run in this process against its own migrated SQLite file. The sandbox Shopify has no token
 * exchange, so the hook's body is called the way `afterAuth` calls it.
 */

const SHOP = "first-install.myshopify.com";
let db: PrismaClient;
let queueFirstSync: (shop: string, scopes?: string) => Promise<boolean>;

beforeAll(async () => {
  const url = freshSqliteUrl();
  Object.assign(process.env, {
    DATABASE_URL: url,
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: "http://127.0.0.1:9",
    APP_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    NODE_ENV: "test",
  });
  db = testPrisma(url);
  ({ queueFirstSync } = await import("../../app/catalog/first-sync.server"));
});

afterAll(async () => {
  await db?.$disconnect();
});

const syncJobs = () => db.job.findMany({ where: { kind: "catalog.full_sync", shop: SHOP } });

describe("first sync at install", () => {
  it("records the install and queues one full sync, however often auth runs while it is pending", async () => {
    expect(await queueFirstSync(SHOP, "read_products")).toBe(true);
    expect(await queueFirstSync(SHOP, "read_products")).toBe(true);
    const jobs = await syncJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: "queued", singletonKey: `catalog.full_sync:${SHOP}` });
    expect(JSON.parse(jobs[0].payload)).toEqual({ kind: "full" });
    expect(await db.shop.findUnique({ where: { domain: SHOP } })).toMatchObject({
      scopes: "read_products",
      uninstalledAt: null,
    });

    // Still one while the sync runs.
    await db.job.update({ where: { id: jobs[0].id }, data: { status: "running" } });
    await queueFirstSync(SHOP);
    expect(await syncJobs()).toHaveLength(1);
  });

  it("queues nothing once the shop has a feed, and a reinstall marks the shop installed again", async () => {
    await db.job.updateMany({ where: { shop: SHOP }, data: { status: "done" } });
    await db.feedSettings.create({ data: { shop: SHOP, lastFullSyncAt: new Date() } });
    await db.shop.update({ where: { domain: SHOP }, data: { uninstalledAt: new Date() } });

    expect(await queueFirstSync(SHOP, "read_products,write_orders")).toBe(false);
    const jobs = await syncJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0].status).toBe("done");
    expect(await db.shop.findUnique({ where: { domain: SHOP } })).toMatchObject({
      scopes: "read_products,write_orders",
      uninstalledAt: null,
    });
  });
});
