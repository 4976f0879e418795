import type { PrismaClient } from "@prisma/client";
import type * as PushModule from "../../app/catalog/push.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEY, TEST_API_SECRET, TEST_ENCRYPTION_KEYS } from "../support/app-server";
import { freshSqliteUrl, testPrisma } from "../support/database";

/**
 * What queues catalog work, run in this process against its own migrated SQLite file:
 * - the `afterAuth` step that queues a shop's first full sync (app/catalog/first-sync.server.ts);
 *   the sandbox Shopify has no token exchange, so the hook's body is called as `afterAuth` calls it;
 * - the push schedule and the push after a change (app/catalog/push.server.ts), coalesced per
 *   destination.
 */

const SHOP = "first-install.myshopify.com";
let db: PrismaClient;
let queueFirstSync: (shop: string, scopes?: string) => Promise<boolean>;
let push: typeof PushModule;

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
  push = await import("../../app/catalog/push.server");
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

describe("push triggers", () => {
  const OTHER = "other-shop.myshopify.com";
  const hourAgo = () => new Date(Date.now() - 60 * 60_000);
  const destination = (id: string, shop: string, fields: { enabled?: boolean; nextPushAt?: Date | null }) =>
    db.feedDestination.create({
      data: { id, shop, name: id, kind: "feed_api", url: "https://agent.example", market: "us", ...fields },
    });
  const pushJobs = () => db.job.findMany({ where: { kind: "feed.push" }, orderBy: { singletonKey: "asc" } });

  it("the schedule queues the enabled destinations that are due, once each", async () => {
    await destination("fdst_due", SHOP, { nextPushAt: hourAgo() });
    await destination("fdst_new", OTHER, { nextPushAt: null });
    await destination("fdst_later", SHOP, { nextPushAt: new Date(Date.now() + 60 * 60_000) });
    await destination("fdst_off", SHOP, { enabled: false, nextPushAt: hourAgo() });

    expect(await push.schedulePushes()).toBe(2);
    expect(await push.schedulePushes()).toBe(2);
    const jobs = await pushJobs();
    expect(jobs.map((job) => [job.singletonKey, job.shop, JSON.parse(job.payload)])).toEqual([
      ["feed.push:fdst_due", SHOP, { destinationId: "fdst_due", trigger: "schedule" }],
      ["feed.push:fdst_new", OTHER, { destinationId: "fdst_new", trigger: "schedule" }],
    ]);
  });

  it("a change queues every enabled destination of that shop only, coalesced with a pending push", async () => {
    expect(await push.requestPushesAfterChange(SHOP)).toBe(2);
    const jobs = await pushJobs();
    expect(jobs.map((job) => job.singletonKey)).toEqual([
      "feed.push:fdst_due",
      "feed.push:fdst_later",
      "feed.push:fdst_new",
    ]);
    // The pending scheduled push of fdst_due absorbed the change; fdst_later got its own.
    expect(JSON.parse(jobs[0].payload)).toMatchObject({ trigger: "schedule" });
    expect(JSON.parse(jobs[1].payload)).toEqual({ destinationId: "fdst_later", trigger: "change" });
    expect(jobs.every((job) => job.status === "queued")).toBe(true);
  });

  it("a change brings a whole-file destination forward to 15 minutes after its last upload, without uploading now", async () => {
    const SHOP_FILES = "files-shop.myshopify.com";
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    const upload = (id: string, fields: { lastPushAt: Date | null; intervalMinutes?: number }) =>
      db.feedDestination.create({
        data: {
          id,
          shop: SHOP_FILES,
          name: id,
          kind: "file_upload",
          url: "https://agent.example/upload",
          intervalMinutes: fields.intervalMinutes ?? 60,
          lastPushAt: fields.lastPushAt,
          nextPushAt: fields.lastPushAt
            ? new Date(fields.lastPushAt.getTime() + (fields.intervalMinutes ?? 60) * 60_000)
            : null,
        },
      });
    const recent = minutesAgo(2);
    await upload("fdst_file_recent", { lastPushAt: recent });
    await upload("fdst_file_old", { lastPushAt: minutesAgo(40) });
    await upload("fdst_file_fast", { lastPushAt: recent, intervalMinutes: 5 });

    const now = new Date();
    expect(await push.requestPushesAfterChange(SHOP_FILES, now)).toBe(3);
    expect(await db.job.count({ where: { kind: "feed.push", shop: SHOP_FILES } })).toBe(0);
    const next = async (id: string) =>
      (await db.feedDestination.findUniqueOrThrow({ where: { id } })).nextPushAt;
    expect(await next("fdst_file_recent")).toEqual(new Date(recent.getTime() + 15 * 60_000));
    expect(await next("fdst_file_old")).toEqual(now);
    // Its own interval is shorter than the gap: the interval wins.
    expect(await next("fdst_file_fast")).toEqual(new Date(recent.getTime() + 5 * 60_000));

    // The schedule pushes the one that is due now, as a change; a repeated change moves nothing later.
    await push.requestPushesAfterChange(SHOP_FILES, new Date(now.getTime() + 1000));
    expect(await next("fdst_file_old")).toEqual(now);
    await push.schedulePushes(new Date(now.getTime() + 1000));
    const jobs = await db.job.findMany({ where: { kind: "feed.push", shop: SHOP_FILES } });
    expect(jobs.map((job) => JSON.parse(job.payload))).toEqual([
      { destinationId: "fdst_file_old", trigger: "change" },
    ]);
  });
});
