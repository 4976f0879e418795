import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { FeedRun } from "@prisma/client";
import prisma from "../db.server";
import { enqueueJob } from "../jobs/queue.server";
import { newId } from "../lib/ids";
import { BulkProductAssembler } from "./bulk-products.server";
import {
  buildProductWrite,
  deleteProducts,
  loadRules,
  statusCounts,
  writeProducts,
  type ProductWrite,
  type StatusCounts,
} from "./feed-store.server";
import { legacyId } from "./format";
import { requestPushesAfterChange } from "./push.server";
import { parseFeedRules, type FeedRules } from "./rules";
import { readPlanFor, type ReadPlan, type ReadProduct } from "./shopify-documents.server";
import { bulkOperationState, fetchProduct, fetchShopContext, startBulkExport } from "./shopify-read.server";
import type { ShopContext } from "./shopify-product";

/**
 * Catalog sync jobs (docs/decisions/007-feed-sync.md):
 * - `catalog.full_sync`: bulk export → poll → stream the JSONL into the stored feed → delete what the
 *   export no longer had. One job per shop (singleton key); it re-arms itself while Shopify exports and
 *   after each import time slice, so no worker is blocked for long and a crash resumes from the last
 *   committed batch.
 * - `catalog.product_changed` / `catalog.inventory_changed`: re-read the one product and store it.
 * - `catalog.reconcile`: a full sync for every installed shop not fully synced for `RECONCILE_EVERY_MS`,
 *   to heal missed webhooks.
 */

export const FULL_SYNC_JOB = "catalog.full_sync";
export const RECONCILE_EVERY_MS = 6 * 60 * 60_000;
/** A worker spends at most this long importing before it re-arms the job (and lets other jobs run). */
const SLICE_MS = 20_000;
/** Products per write transaction, and items at most (products with many variants end a batch early). */
const BATCH_PRODUCTS = 200;
const BATCH_ITEMS = 2_000;
/** An export still unfinished after this long is abandoned and started over. */
const RUN_EXPIRES_MS = 24 * 60 * 60_000;
const RUN_RETENTION_MS = 30 * 24 * 60 * 60_000;

export type FullSyncKind = "full" | "reconcile";

/** Asks for a full sync; absorbed when one is already queued or running for the shop. */
export async function requestFullSync(shop: string, kind: FullSyncKind = "full"): Promise<void> {
  await enqueueJob(prisma, {
    kind: FULL_SYNC_JOB,
    shop,
    payload: { kind },
    singletonKey: `${FULL_SYNC_JOB}:${shop}`,
  });
}

/** What a full sync was started with; every slice maps with exactly this, even if settings change meanwhile. */
interface RunContext {
  context: ShopContext;
  plan: ReadPlan;
  rules: FeedRules;
}

function log(level: "info" | "warn", msg: string, fields: Record<string, unknown>) {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "warn") console.warn(line);
  else console.log(line);
}

async function isInstalled(shop: string): Promise<boolean> {
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } });
  return !!row && !row.uninstalledAt;
}

/**
 * One step of a full sync: start the export, check on it, or import the next slice. A failure is
 * thrown so the job retries (a retry resumes the same run); on the job's last attempt the run is
 * marked failed first, so the next sync starts a new export instead of resuming into the same error.
 */
export async function runFullSync(
  shop: string,
  payload: { kind?: FullSyncKind },
  options: { lastAttempt?: boolean } = {},
): Promise<void | { rescheduleAt: Date }> {
  try {
    return await fullSyncStep(shop, payload);
  } catch (error) {
    if (options.lastAttempt) {
      const run = await activeRun(shop);
      if (run) await failRun(run, error instanceof Error ? error.message : String(error));
    }
    throw error;
  }
}

function activeRun(shop: string): Promise<FeedRun | null> {
  return prisma.feedRun.findFirst({
    where: { shop, status: { in: ["exporting", "importing"] } },
    orderBy: { startedAt: "desc" },
  });
}

async function fullSyncStep(
  shop: string,
  payload: { kind?: FullSyncKind },
): Promise<void | { rescheduleAt: Date }> {
  if (!(await isInstalled(shop))) return;
  let run = await activeRun(shop);
  if (run && Date.now() - run.startedAt.getTime() > RUN_EXPIRES_MS) {
    await failRun(run, "Abandoned: not finished within 24 hours (Shopify keeps export files 7 days).");
    run = null;
  }
  if (!run) return startFullSync(shop, payload.kind ?? "full");

  if (run.status === "exporting") {
    const state = run.bulkOperationId ? await bulkOperationState(shop, run.bulkOperationId) : null;
    if (state && (state.status === "CREATED" || state.status === "RUNNING")) {
      return { rescheduleAt: new Date(Date.now() + pollDelayMs(run.startedAt)) };
    }
    if (state?.status !== "COMPLETED") {
      const reason = state ? `${state.status}${state.errorCode ? ` (${state.errorCode})` : ""}` : "not found";
      await failRun(run, `Shopify's catalog export ended ${reason}.`);
      // Thrown so the job retries (with backoff) and starts a new export.
      throw new Error(`Catalog export for ${shop} ended ${reason}`);
    }
    run = await prisma.feedRun.update({
      where: { id: run.id },
      // No URL means the export matched nothing: an empty catalog.
      data: { status: "importing", bulkUrl: state.url, total: state.rootObjectCount },
    });
  }
  return importSlice(run, Date.now() + SLICE_MS);
}

async function startFullSync(shop: string, kind: FullSyncKind): Promise<{ rescheduleAt: Date }> {
  const startedAt = new Date();
  const context = await fetchShopContext(shop);
  const rules = await loadRules(shop);
  const plan = readPlanFor(context, rules);
  const bulkOperationId = await startBulkExport(shop, plan);
  const run = await prisma.feedRun.create({
    data: {
      id: newId("frun"),
      shop,
      kind,
      status: "exporting",
      context: JSON.stringify({ context, plan, rules } satisfies RunContext),
      bulkOperationId,
      startedAt,
    },
  });
  log("info", "feed.full_sync_started", { shop, run: run.id, kind, bulkOperationId });
  return { rescheduleAt: new Date(Date.now() + pollDelayMs(startedAt)) };
}

/** Short polls at first (small shops finish in seconds), then at most every 15 s. */
function pollDelayMs(startedAt: Date): number {
  return Math.min(15_000, Math.max(250, (Date.now() - startedAt.getTime()) / 4));
}

async function failRun(run: FeedRun, error: string) {
  await prisma.feedRun.update({
    where: { id: run.id },
    data: { status: "failed", error, finishedAt: new Date() },
  });
  log("warn", "feed.full_sync_failed", { shop: run.shop, run: run.id, error });
}

/** Bytes of `source` after the first `skip` (for a server that ignored our Range header). */
async function* skipBytes(source: AsyncIterable<Uint8Array>, skip: number): AsyncGenerator<Uint8Array> {
  let left = skip;
  for await (const chunk of source) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
}

const MB = 1024 * 1024;

/** Peak resident and heap memory of this process while a slice runs (the run records the RSS). */
class MemoryWatch {
  readonly startRssMb = Math.round(process.memoryUsage.rss() / MB);
  private rss = 0;
  private heap = 0;
  sample() {
    const usage = process.memoryUsage();
    if (usage.rss > this.rss) this.rss = usage.rss;
    if (usage.heapUsed > this.heap) this.heap = usage.heapUsed;
  }
  get peakMb(): number {
    return Math.ceil(this.rss / MB);
  }
  get peakHeapMb(): number {
    return Math.ceil(this.heap / MB);
  }
}

/**
 * Streams the export from the run's byte offset, storing products in batches, until the file ends or
 * `deadline` passes. Each batch commits together with the run's progress and the offset to resume from,
 * so a crash or a slice boundary repeats at most one batch (and repeated writes are no-ops).
 */
async function importSlice(run: FeedRun, deadline: number): Promise<void | { rescheduleAt: Date }> {
  const stored = JSON.parse(run.context ?? "{}") as RunContext;
  const { context, plan } = stored;
  const rules = parseFeedRules(stored.rules);
  const memory = new MemoryWatch();
  memory.sample();
  const assembler = new BulkProductAssembler(plan);
  let stopped = false;

  let batch: ReadProduct[] = [];
  let batchItems = 0;
  /**
   * Stores the batch with the offset to resume from. Stragglers (see `BulkProductAssembler`) are read
   * again first, and left out of the batch, so the complete re-read is what stays stored; doing it
   * before the checkpoint moves means a crash cannot skip them.
   */
  const flush = async (checkpoint: number) => {
    const late = new Set(assembler.late);
    assembler.late.clear();
    for (const productId of late) await syncProduct(run.shop, productId, { context, plan, rules });
    const writes = batch.filter((read) => !late.has(read.product.id));
    await commitBatch(run, writes, context, rules, checkpoint, late.size);
    batch = [];
    batchItems = 0;
    memory.sample();
  };

  if (run.bulkUrl) {
    const start = Number(run.byteOffset);
    const controller = new AbortController();
    const response = await fetch(run.bulkUrl, {
      headers: start > 0 ? { Range: `bytes=${start}-` } : {},
      signal: controller.signal,
    });
    // 416: the previous slice had read to the end and died before finishing; nothing is left to read.
    if (response.status !== 416 && (!response.ok || !response.body)) {
      await failRun(run, `Could not download the catalog export (HTTP ${response.status}).`);
      throw new Error(`Catalog export download failed for ${run.shop}: HTTP ${response.status}`);
    }
    if (response.status === 416 || !response.body) {
      controller.abort();
    } else {
      const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
      const input = start > 0 && response.status !== 206 ? Readable.from(skipBytes(body, start)) : body;
      const lines = createInterface({ input, crlfDelay: Infinity });
      let position = start;
      let lineCount = 0;
      try {
        for await (const line of lines) {
          const lineStart = position;
          position += Buffer.byteLength(line) + 1;
          if (line.length === 0) continue;
          for (const read of assembler.push(JSON.parse(line) as Record<string, unknown>, lineStart)) {
            batch.push(read);
            batchItems += read.product.variants.length * Math.max(1, context.markets.length);
          }
          if (++lineCount % 2_000 === 0) memory.sample();
          if (batch.length >= BATCH_PRODUCTS || batchItems >= BATCH_ITEMS) {
            await flush(assembler.checkpoint(position));
            if (Date.now() > deadline) {
              stopped = true;
              break;
            }
          }
        }
      } finally {
        // Stop the download too; the stream is destroyed first so the abort has nobody to error at.
        lines.close();
        input.destroy();
        controller.abort();
      }
      if (!stopped) {
        batch.push(...assembler.finish());
        await flush(position);
      }
    }
  }
  memory.sample();

  const peakRssMb = Math.max(run.peakRssMb ?? 0, memory.peakMb);
  log("info", "feed.import_slice", {
    shop: run.shop,
    run: run.id,
    stopped,
    startRssMb: memory.startRssMb,
    peakRssMb: memory.peakMb,
    peakHeapMb: memory.peakHeapMb,
  });
  if (stopped) {
    await prisma.feedRun.update({ where: { id: run.id }, data: { peakRssMb } });
    return { rescheduleAt: new Date() };
  }
  await finishFullSync(run, peakRssMb);
}

async function commitBatch(
  run: FeedRun,
  batch: ReadProduct[],
  context: ShopContext,
  rules: FeedRules,
  checkpoint: number,
  reread: number,
): Promise<void> {
  const writes: ProductWrite[] = batch.map((read) => buildProductWrite(read, context, rules));
  const counts: StatusCounts = { valid: 0, invalid: 0, excluded: 0 };
  for (const write of writes) {
    counts.valid += write.counts.valid;
    counts.invalid += write.counts.invalid;
    counts.excluded += write.counts.excluded;
  }
  await writeProducts(run.shop, writes, {
    extra: [
      {
        sql: `UPDATE "FeedRun" SET "byteOffset" = ?, "done" = "done" + ?, "valid" = "valid" + ?,
          "invalid" = "invalid" + ?, "excluded" = "excluded" + ? WHERE "id" = ?`,
        params: [
          BigInt(checkpoint),
          writes.length + reread,
          counts.valid,
          counts.invalid,
          counts.excluded,
          run.id,
        ],
      },
    ],
  });
}

/** Deletes what the export did not contain, then records the run's outcome. */
async function finishFullSync(run: FeedRun, peakRssMb: number): Promise<void> {
  const now = new Date();
  // Rows not written since the export started belong to products Shopify no longer has. A product
  // changed by a webhook meanwhile was written after `startedAt`, so it stays.
  const gone = await prisma.feedItem.findMany({
    where: { shop: run.shop, syncedAt: { lt: run.startedAt } },
    select: { productId: true },
    distinct: ["productId"],
  });
  let deleted = 0;
  for (let i = 0; i < gone.length; i += 500) {
    deleted += await deleteProducts(
      run.shop,
      gone.slice(i, i + 500).map((row) => row.productId),
      now,
    );
  }
  const counts = await statusCounts(run.shop);
  const settings = await prisma.feedSettings.upsert({
    where: { shop: run.shop },
    create: { shop: run.shop, lastFullSyncAt: now, lastBuiltAt: now },
    update: { lastFullSyncAt: now },
  });
  // The first build of an empty catalog changes no rows but still makes the feed servable.
  if (!settings.lastBuiltAt) {
    await prisma.feedSettings.update({ where: { shop: run.shop }, data: { lastBuiltAt: now } });
  }
  await prisma.feedRun.update({
    where: { id: run.id },
    data: { status: "succeeded", finishedAt: now, deleted, peakRssMb, ...counts },
  });
  await prisma.feedRun.deleteMany({
    where: { shop: run.shop, startedAt: { lt: new Date(now.getTime() - RUN_RETENTION_MS) } },
  });
  // Destinations skip a push when nothing changed since their last one. The run has succeeded: a
  // failure to queue must not fail the job (a retry would start a whole new export); the schedule
  // pushes later instead.
  try {
    await requestPushesAfterChange(run.shop);
  } catch (error) {
    log("warn", "feed.push_enqueue_failed", { shop: run.shop, error: String(error) });
  }
  log("info", "feed.full_sync_finished", {
    shop: run.shop,
    run: run.id,
    ms: now.getTime() - run.startedAt.getTime(),
    products: run.total,
    deleted,
    peakRssMb,
    ...counts,
  });
}

// ---------------------------------------------------------------------------------------------------
// Incremental

// Shop facts change rarely and every full sync reads them afresh; webhooks between reuse them briefly.
const CONTEXT_TTL_MS = 5 * 60_000;
const contexts = new Map<string, { at: number; context: ShopContext }>();

async function currentContext(shop: string): Promise<ShopContext> {
  const cached = contexts.get(shop);
  if (cached && Date.now() - cached.at < CONTEXT_TTL_MS) return cached.context;
  const context = await fetchShopContext(shop);
  contexts.set(shop, { at: Date.now(), context });
  return context;
}

/** Re-reads one product and stores what Shopify has now; deletes its rows when it is gone. */
async function syncProduct(
  shop: string,
  productGid: string,
  env?: { context: ShopContext; plan: ReadPlan; rules: FeedRules },
): Promise<{ counts: StatusCounts; deleted: number; changed: boolean }> {
  const rules = env?.rules ?? (await loadRules(shop));
  const context = env?.context ?? (await currentContext(shop));
  const plan = env?.plan ?? readPlanFor(context, rules);
  const read = await fetchProduct(shop, productGid, plan);
  if (!read) {
    const deleted = await deleteProducts(shop, [legacyId(productGid)]);
    return { counts: { valid: 0, invalid: 0, excluded: 0 }, deleted, changed: deleted > 0 };
  }
  const write = buildProductWrite(read, context, rules);
  const result = await writeProducts(shop, [write]);
  return { counts: write.counts, deleted: 0, changed: result.changed > 0 };
}

async function recordIncremental(
  shop: string,
  status: "succeeded" | "skipped",
  startedAt: Date,
  outcome: { counts?: StatusCounts; deleted?: number; note?: string },
) {
  await prisma.feedRun.create({
    data: {
      id: newId("frun"),
      shop,
      kind: "incremental",
      status,
      done: 1,
      total: 1,
      ...outcome.counts,
      deleted: outcome.deleted ?? 0,
      error: outcome.note ?? null,
      startedAt,
      finishedAt: new Date(),
    },
  });
}

export interface ProductChangedPayload {
  productId: string;
  deleted: boolean;
  updatedAt: string | null;
}

/**
 * products/create|update|delete. The payload only says which product; its current state is read again,
 * so repeats and reordering are harmless. An event older than what is stored is dropped unread. Equal
 * times are read again: Shopify's timestamps have one-second resolution and two edits can share one.
 */
export async function onProductChanged(shop: string, payload: ProductChangedPayload): Promise<void> {
  // Webhooks can still arrive after an uninstall; there is no token to read with any more.
  if (!(await isInstalled(shop))) return;
  const startedAt = new Date();
  const productId = legacyId(payload.productId);
  if (payload.deleted) {
    const deleted = await deleteProducts(shop, [productId]);
    await recordIncremental(shop, "succeeded", startedAt, { deleted });
    if (deleted > 0) await requestPushesAfterChange(shop);
    return;
  }
  if (payload.updatedAt) {
    const eventAt = new Date(payload.updatedAt);
    const stored = await prisma.feedItem.findFirst({
      where: { shop, productId },
      select: { productUpdatedAt: true },
      orderBy: { productUpdatedAt: "desc" },
    });
    if (stored && !Number.isNaN(eventAt.getTime()) && eventAt < stored.productUpdatedAt) {
      await recordIncremental(shop, "skipped", startedAt, {
        note: `Event of ${eventAt.toISOString()} is older than the stored ${stored.productUpdatedAt.toISOString()}.`,
      });
      return;
    }
  }
  const outcome = await syncProduct(shop, payload.productId);
  await recordIncremental(shop, "succeeded", startedAt, outcome);
  if (outcome.changed) await requestPushesAfterChange(shop);
}

export interface InventoryChangedPayload {
  inventoryItemId: string;
}

/**
 * inventory_levels/update: find the variant by its inventory item and read its product again
 * (availability depends on the summed stock and the variant's policy, both re-read).
 */
export async function onInventoryChanged(shop: string, payload: InventoryChangedPayload): Promise<void> {
  if (!(await isInstalled(shop))) return;
  const startedAt = new Date();
  const item = await prisma.feedItem.findFirst({
    where: { shop, inventoryItemId: payload.inventoryItemId },
    select: { productId: true },
  });
  if (!item) {
    // Not in the feed yet: the product's own webhook or the next full sync brings it in.
    await recordIncremental(shop, "skipped", startedAt, {
      note: `No feed item has inventory item ${payload.inventoryItemId}.`,
    });
    return;
  }
  const outcome = await syncProduct(shop, `gid://shopify/Product/${item.productId}`);
  await recordIncremental(shop, "succeeded", startedAt, outcome);
  if (outcome.changed) await requestPushesAfterChange(shop);
}

/**
 * Stores the shop's feed rules (validated with `FeedRulesSchema`; a `ZodError` names each bad path)
 * and queues a full sync, since any product may be in or out under the new rules.
 */
export async function updateFeedRules(shop: string, input: unknown): Promise<FeedRules> {
  const rules = parseFeedRules(input);
  const json = JSON.stringify(rules);
  await prisma.feedSettings.upsert({
    where: { shop },
    create: { shop, rules: json },
    update: { rules: json },
  });
  await requestFullSync(shop, "full");
  return rules;
}

/** Queues a full sync for every installed shop whose last one is older than `RECONCILE_EVERY_MS`. */
export async function reconcileFeeds(now = new Date()): Promise<number> {
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null }, select: { domain: true } });
  const settings = await prisma.feedSettings.findMany({
    where: { shop: { in: shops.map((s) => s.domain) } },
    select: { shop: true, lastFullSyncAt: true },
  });
  const last = new Map(settings.map((s) => [s.shop, s.lastFullSyncAt]));
  let queued = 0;
  for (const { domain } of shops) {
    const at = last.get(domain);
    if (at && now.getTime() - at.getTime() < RECONCILE_EVERY_MS) continue;
    await requestFullSync(domain, "reconcile");
    queued += 1;
  }
  return queued;
}
