import { createHash } from "node:crypto";
import { Prisma } from "@prisma/client";
import prisma, { databaseDriver } from "../db.server";
import {
  insertRecords,
  writeAtomically,
  type SqlStatement,
  type SqlValue,
  type SqlWrite,
} from "../db/bulk-writes.server";
import { toAcpFeedProduct, toFeedItems, toOpenAiFeedRow, type FeedItem } from "./feed-item";
import { legacyId } from "./format";
import { applyRules, parseFeedRules, type FeedRules } from "./rules";
import type { ReadProduct } from "./shopify-documents.server";
import type { ShopContext } from "./shopify-product";
import { validateItem } from "./validate";

/**
 * The stored feed: products in, `FeedItem` / `FeedProduct` rows out. Every write replaces all rows of a
 * product at once (variants come and go), skips products whose rows would come out identical (so a
 * reconcile that finds nothing new leaves the feed's ETag alone), and never lets an older read of a
 * product replace a newer one.
 */

export type ItemStatus = "valid" | "invalid" | "excluded";

/** A stored problem: a validation problem, or why a rule left the product out (`severity: "excluded"`). */
export interface StoredProblem {
  code: string;
  severity: "error" | "warning" | "excluded";
  field?: string;
  message: string;
}

/** A stored item's problems (`FeedItem.problems`, JSON; none when null). */
export function storedProblems(json: string | null): StoredProblem[] {
  return json ? (JSON.parse(json) as StoredProblem[]) : [];
}

/**
 * The title of a stored row (`FeedItem.row`, the OpenAI file-upload row as JSON). Invalid items keep
 * the row they would have had; excluded ones have none.
 */
export function storedRowTitle(row: string | null): string | null {
  if (!row) return null;
  try {
    const title = (JSON.parse(row) as { title?: unknown }).title;
    return typeof title === "string" ? title : null;
  } catch {
    return null;
  }
}

/** Market of the rows of an excluded variant: it is in no market. */
export const NO_MARKET = "*";

export interface StatusCounts {
  valid: number;
  invalid: number;
  excluded: number;
}

/** One `FeedItem` row as built (the shop and `syncedAt` are added when stored). */
export interface BuiltItem {
  itemId: string;
  market: string;
  currency: string | null;
  productId: string;
  inventoryItemId: string | null;
  status: ItemStatus;
  problems: string | null;
  row: string | null;
  contentHash: string;
  productUpdatedAt: Date;
}

/** What the mapper made of one product, ready to store. */
export interface ProductWrite {
  productId: string;
  updatedAt: Date;
  items: BuiltItem[];
  /** Per market: the ACP `Product` JSON and its `contentHash`. */
  acpProducts: { market: string; acp: string; hash: string }[];
  counts: StatusCounts;
}

export async function loadRules(shop: string): Promise<FeedRules> {
  const settings = await prisma.feedSettings.findUnique({ where: { shop }, select: { rules: true } });
  return parseFeedRules(settings ? JSON.parse(settings.rules) : {});
}

/** SHA-256, base64url: stored content hashes (feed rows, ACP products, what a destination accepted). */
export function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

/** Maps, validates and serializes one product (pure apart from hashing). */
export function buildProductWrite(read: ReadProduct, context: ShopContext, rules: FeedRules): ProductWrite {
  const { product, inventoryItems } = read;
  const productId = legacyId(product.id);
  const updatedAt = new Date(product.updatedAt);
  const counts: StatusCounts = { valid: 0, invalid: 0, excluded: 0 };
  const items: ProductWrite["items"] = [];

  const decision = applyRules(product, rules);
  const feedItems = decision.excluded ? [] : toFeedItems(product, context, rules);
  if (feedItems.length === 0) {
    const problem: StoredProblem = decision.excluded
      ? { code: decision.reason, severity: "excluded", message: decision.message }
      : {
          code: "no_market",
          severity: "excluded",
          message: "None of the shop's active markets is published by the feed settings.",
        };
    const problems = JSON.stringify([problem]);
    for (const variant of product.variants) {
      counts.excluded += 1;
      items.push({
        itemId: legacyId(variant.id),
        market: NO_MARKET,
        currency: null,
        productId,
        inventoryItemId: inventoryItems.get(variant.id) ?? null,
        status: "excluded",
        problems,
        row: null,
        contentHash: contentHash(`excluded\n${problems}`),
        productUpdatedAt: updatedAt,
      });
    }
    return { productId, updatedAt, items, acpProducts: [], counts };
  }

  const validByMarket = new Map<string, FeedItem[]>();
  const rowsByItem: { item: FeedItem; status: ItemStatus; problems: string | null; row: string }[] = [];
  for (const item of feedItems) {
    const problems = validateItem(item);
    const status: ItemStatus = problems.some((p) => p.severity === "error") ? "invalid" : "valid";
    counts[status] += 1;
    if (status === "valid") {
      const list = validByMarket.get(item.market.handle);
      if (list) list.push(item);
      else validByMarket.set(item.market.handle, [item]);
    }
    rowsByItem.push({
      item,
      status,
      problems: problems.length > 0 ? JSON.stringify(problems) : null,
      row: JSON.stringify(toOpenAiFeedRow(item)),
    });
  }

  // The ACP product's hash goes into each of its items' hashes: a change seen only there (alt text)
  // still counts as a change.
  const acpProducts: ProductWrite["acpProducts"] = [];
  const acpHashes = new Map<string, string>();
  for (const [market, valid] of validByMarket) {
    const acp = toAcpFeedProduct(valid);
    if (!acp) continue;
    const text = JSON.stringify(acp);
    const hash = contentHash(text);
    acpProducts.push({ market, acp: text, hash });
    acpHashes.set(market, hash);
  }

  for (const { item, status, problems, row } of rowsByItem) {
    items.push({
      itemId: item.id,
      market: item.market.handle,
      currency: item.market.currency,
      productId,
      inventoryItemId: inventoryItems.get(item.variantGid) ?? null,
      status,
      problems,
      row,
      contentHash: contentHash(
        `${status}\n${problems ?? ""}\n${row}\n${acpHashes.get(item.market.handle) ?? ""}`,
      ),
      productUpdatedAt: updatedAt,
    });
  }
  return { productId, updatedAt, items, acpProducts, counts };
}

export interface WriteResult {
  /** Products whose stored rows changed. */
  changed: number;
  /** Products already stored as built, or stored from a newer read. */
  unchanged: number;
}

const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");

/** Deletes the shop's rows of these products from one feed table. */
function deleteRowsOf(table: "FeedItem" | "FeedProduct", shop: string, productIds: string[]): SqlStatement {
  return {
    sql: `DELETE FROM "${table}" WHERE "shop" = ? AND "productId" IN (${placeholders(productIds.length)})`,
    params: [shop, ...productIds],
  };
}

/**
 * Stores a batch of products in one transaction: changed products are replaced, unchanged ones only get
 * `syncedAt` (so a full sync knows it saw them). A product stored from a read newer than this one is left
 * as it is: webhooks and the bulk export race, and the newest read of Shopify wins.
 * `extra` runs in the same transaction (the full sync's progress, so its checkpoint matches what is stored).
 * The rows go through the database driver, not Prisma (docs/decisions/014-bulk-writes-on-the-driver.md).
 */
export async function writeProducts(
  shop: string,
  writes: ProductWrite[],
  options: { now?: Date; extra?: SqlStatement[] } = {},
): Promise<WriteResult> {
  const now = options.now ?? new Date();
  const ids = writes.map((w) => w.productId);
  const stored =
    ids.length === 0
      ? []
      : await prisma.feedItem.findMany({
          where: { shop, productId: { in: ids } },
          select: { productId: true, itemId: true, market: true, contentHash: true, productUpdatedAt: true },
        });
  const byProduct = new Map<string, typeof stored>();
  for (const row of stored) {
    const list = byProduct.get(row.productId);
    if (list) list.push(row);
    else byProduct.set(row.productId, [row]);
  }

  const changed: ProductWrite[] = [];
  const unchanged: string[] = [];
  for (const write of writes) {
    const rows = byProduct.get(write.productId) ?? [];
    const newer = rows.some((row) => row.productUpdatedAt.getTime() > write.updatedAt.getTime());
    if (newer || sameRows(rows, write)) unchanged.push(write.productId);
    else changed.push(write);
  }

  // Only products stored before have rows to remove (a first sync has none).
  const replacedIds = changed.filter((w) => byProduct.has(w.productId)).map((w) => w.productId);
  const operations: SqlWrite[] = [];
  if (replacedIds.length > 0) {
    operations.push(
      deleteRowsOf("FeedItem", shop, replacedIds),
      deleteRowsOf("FeedProduct", shop, replacedIds),
    );
  }
  if (changed.length > 0) {
    const items: Record<Prisma.FeedItemScalarFieldEnum, SqlValue>[] = [];
    const products: Record<Prisma.FeedProductScalarFieldEnum, SqlValue>[] = [];
    for (const write of changed) {
      for (const item of write.items) items.push({ ...item, shop, syncedAt: now });
      for (const product of write.acpProducts) {
        products.push({
          shop,
          productId: write.productId,
          market: product.market,
          acp: product.acp,
          contentHash: product.hash,
          updatedAt: now,
        });
      }
    }
    operations.push(insertRecords("FeedItem", Prisma.FeedItemScalarFieldEnum, items));
    if (products.length > 0) {
      operations.push(insertRecords("FeedProduct", Prisma.FeedProductScalarFieldEnum, products));
    }
    operations.push(bumpVersion(shop, now));
  }
  if (unchanged.length > 0) {
    operations.push({
      sql: `UPDATE "FeedItem" SET "syncedAt" = ? WHERE "shop" = ? AND "productId" IN (${placeholders(unchanged.length)})`,
      params: [now, shop, ...unchanged],
    });
  }
  operations.push(...(options.extra ?? []));
  await writeAtomically(databaseDriver(), operations);
  return { changed: changed.length, unchanged: unchanged.length };
}

function sameRows(
  rows: { itemId: string; market: string; contentHash: string }[],
  write: ProductWrite,
): boolean {
  if (rows.length !== write.items.length) return false;
  const hashes = new Map(rows.map((row) => [`${row.itemId}|${row.market}`, row.contentHash]));
  return write.items.every((item) => hashes.get(`${item.itemId}|${item.market}`) === item.contentHash);
}

/** Removes a product's rows (deleted in Shopify, or gone from a full export). Returns rows removed. */
export async function deleteProducts(shop: string, productIds: string[], now = new Date()): Promise<number> {
  if (productIds.length === 0) return 0;
  const [items] = await writeAtomically(databaseDriver(), [
    deleteRowsOf("FeedItem", shop, productIds),
    deleteRowsOf("FeedProduct", shop, productIds),
  ]);
  if (items > 0) await writeAtomically(databaseDriver(), [bumpVersion(shop, now)]);
  return items;
}

/** The served content changed: new ETag and Last-Modified. */
function bumpVersion(shop: string, now: Date): SqlStatement {
  return {
    sql: `INSERT INTO "FeedSettings" ("shop", "version", "lastBuiltAt", "updatedAt") VALUES (?, 1, ?, ?)
      ON CONFLICT ("shop") DO UPDATE SET "version" = "FeedSettings"."version" + 1,
        "lastBuiltAt" = excluded."lastBuiltAt", "updatedAt" = excluded."updatedAt"`,
    params: [shop, now, now],
  };
}

/** Item counts by status for the whole stored feed of a shop. */
export async function statusCounts(shop: string): Promise<StatusCounts> {
  const groups = await prisma.feedItem.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } });
  const counts: StatusCounts = { valid: 0, invalid: 0, excluded: 0 };
  for (const group of groups) {
    if (group.status in counts) counts[group.status as ItemStatus] = group._count._all;
  }
  return counts;
}
