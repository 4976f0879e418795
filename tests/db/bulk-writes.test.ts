import { Prisma, type PrismaClient } from "@prisma/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  closeBulkWriter,
  insertRecords,
  writeAtomically,
  type DatabaseDriver,
  type SqlValue,
  type SqlWrite,
} from "../../app/db/bulk-writes.server";
import { freshSqliteUrl, testPrisma } from "../support/database";
import { freshPostgresDatabase } from "../support/postgres-db";

/**
 * The driver-level writes (app/db/bulk-writes.server.ts) store what Prisma reads back unchanged, on
 * SQLite and PostgreSQL: dates to the millisecond, BigInt, nulls, and dates Prisma compares with
 * its own. They are all or nothing, and on SQLite they wait for a Prisma transaction holding the
 * database without blocking the event loop that transaction needs.
 */

const SHOP = "bulk-writes.myshopify.com";
type ItemRecord = Record<Prisma.FeedItemScalarFieldEnum, SqlValue>;

function item(itemId: string, syncedAt: Date, overrides: Partial<ItemRecord> = {}): ItemRecord {
  return {
    shop: SHOP,
    itemId,
    market: "us",
    currency: "USD",
    productId: `p${itemId}`,
    inventoryItemId: null,
    status: "valid",
    problems: null,
    row: JSON.stringify({ item_id: itemId, title: "Ünïcode ✓ 'quoted' ?" }),
    contentHash: `hash-${itemId}`,
    productUpdatedAt: new Date("2026-11-20T10:11:12.345Z"),
    syncedAt,
    ...overrides,
  };
}

const items = (...records: ItemRecord[]) =>
  insertRecords("FeedItem", Prisma.FeedItemScalarFieldEnum, records);

function sharedBehaviour(open: () => Promise<{ driver: DatabaseDriver; db: PrismaClient }>) {
  let driver: DatabaseDriver;
  let db: PrismaClient;

  beforeAll(async () => {
    ({ driver, db } = await open());
  });

  it("stores rows Prisma reads back unchanged", async () => {
    const syncedAt = new Date("2026-11-24T07:00:00.007Z");
    const changes = await writeAtomically(driver, [
      items(item("1", syncedAt), item("2", syncedAt, { currency: null })),
      {
        sql: `INSERT INTO "FeedRun" ("id", "shop", "kind", "status", "startedAt") VALUES (?, ?, ?, ?, ?)`,
        params: ["frun_1", SHOP, "full", "importing", syncedAt],
      },
      {
        sql: `UPDATE "FeedRun" SET "byteOffset" = ?, "done" = "done" + ? WHERE "id" = ?`,
        params: [9_007_199_254_740_993n, 2, "frun_1"],
      },
    ]);
    expect(changes).toEqual([2, 1, 1]);

    const stored = await db.feedItem.findMany({ where: { shop: SHOP }, orderBy: { itemId: "asc" } });
    expect(stored).toEqual([
      {
        shop: SHOP,
        itemId: "1",
        market: "us",
        currency: "USD",
        productId: "p1",
        inventoryItemId: null,
        status: "valid",
        problems: null,
        row: '{"item_id":"1","title":"Ünïcode ✓ \'quoted\' ?"}',
        contentHash: "hash-1",
        productUpdatedAt: new Date("2026-11-20T10:11:12.345Z"),
        syncedAt,
      },
      expect.objectContaining({ itemId: "2", currency: null }),
    ]);
    const run = await db.feedRun.findUniqueOrThrow({ where: { id: "frun_1" } });
    expect(run).toMatchObject({ byteOffset: 9_007_199_254_740_993n, done: 2, startedAt: syncedAt });

    // Dates compare with Prisma's own: a full sync deletes rows synced before its start.
    expect(
      await db.feedItem.count({ where: { shop: SHOP, syncedAt: { lt: new Date(syncedAt.getTime() + 1) } } }),
    ).toBe(2);
    expect(await db.feedItem.count({ where: { shop: SHOP, syncedAt: { lt: syncedAt } } })).toBe(0);
    await db.feedItem.create({
      data: item("3", syncedAt) as never,
    });
    expect(await db.feedItem.count({ where: { shop: SHOP, syncedAt } })).toBe(3);
  });

  it("stores nothing when one write fails", async () => {
    const before = await db.feedItem.count({ where: { shop: SHOP } });
    const now = new Date();
    const writes: SqlWrite[] = [
      items(item("10", now), item("11", now)),
      { sql: `UPDATE "FeedItem" SET "status" = ? WHERE "shop" = ?`, params: ["excluded", SHOP] },
      // The primary key of item 1 exists: this insert fails, so the two above must be undone.
      items(item("1", now)),
    ];
    await expect(writeAtomically(driver, writes)).rejects.toThrow(/unique|UNIQUE|duplicate/);
    expect(await db.feedItem.count({ where: { shop: SHOP } })).toBe(before);
    expect(await db.feedItem.count({ where: { shop: SHOP, status: "excluded" } })).toBe(0);
    // The connection is usable afterwards.
    expect(await writeAtomically(driver, [items(item("12", now))])).toEqual([1]);
  });

  it("upserts on a key, booleans included", async () => {
    const at = new Date("2026-11-24T08:00:00.000Z");
    const pushed = (productId: string, contentHash: string, removed: boolean) => ({
      shop: SHOP,
      destinationId: "fdst_1",
      productId,
      contentHash,
      tombstone: "{}",
      removed,
      pushedAt: at,
    });
    const upsert = (...records: ReturnType<typeof pushed>[]) =>
      insertRecords("FeedPushedProduct", Prisma.FeedPushedProductScalarFieldEnum, records, {
        upsertOn: ["destinationId", "productId"],
      });
    await writeAtomically(driver, [upsert(pushed("a", "h1", false), pushed("b", "h1", false))]);
    await writeAtomically(driver, [upsert(pushed("b", "h2", true), pushed("c", "h1", false))]);
    const rows = await db.feedPushedProduct.findMany({
      where: { destinationId: "fdst_1" },
      orderBy: { productId: "asc" },
    });
    expect(rows.map((r) => [r.productId, r.contentHash, r.removed, r.pushedAt])).toEqual([
      ["a", "h1", false, at],
      ["b", "h2", true, at],
      ["c", "h1", false, at],
    ]);
  });

  it("inserts more rows than one PostgreSQL statement takes", async () => {
    const now = new Date();
    const many = Array.from({ length: 1_234 }, (_, i) => item(`many-${i}`, now));
    expect(await writeAtomically(driver, [items(...many)])).toEqual([1_234]);
    expect(await db.feedItem.count({ where: { shop: SHOP, itemId: { startsWith: "many-" } } })).toBe(1_234);
  });
}

describe("bulk writes on SQLite", () => {
  let db: PrismaClient;
  let file: string;

  afterAll(async () => {
    closeBulkWriter();
    await db?.$disconnect();
  });

  sharedBehaviour(async () => {
    const url = freshSqliteUrl();
    file = url.replace(/^file:/, "");
    db = testPrisma(url);
    return { driver: { kind: "sqlite", file }, db };
  });

  it("waits for a Prisma transaction holding the database, without blocking the event loop", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const transaction = db.$transaction(
      async (tx) => {
        await tx.feedItem.deleteMany({ where: { shop: SHOP, itemId: "1" } });
        wrote();
        await held;
      },
      { timeout: 10_000 },
    );
    await written;

    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    const write = writeAtomically({ kind: "sqlite", file }, [items(item("1", new Date()))]);
    let settled = false;
    void write.finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    clearInterval(ticker);
    expect(settled).toBe(false);
    expect(ticks).toBeGreaterThan(5);

    release();
    await transaction;
    // The insert of item 1 only succeeds after the delete committed.
    await expect(write).resolves.toEqual([1]);
    expect(await db.feedItem.count({ where: { shop: SHOP, itemId: "1" } })).toBe(1);
  });
});

describe("bulk writes on PostgreSQL", () => {
  let db: PrismaClient;
  let pool: pg.Pool;

  afterAll(async () => {
    await pool?.end();
    await db?.$disconnect();
  });

  sharedBehaviour(async () => {
    const database = await freshPostgresDatabase(inject("postgresUrl"));
    db = database.db;
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    return { driver: { kind: "postgresql", pool }, db };
  });
});
