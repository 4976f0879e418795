import { Readable, Transform } from "node:stream";
import { Prisma, type FeedDestination } from "@prisma/client";
import prisma, { databaseDriver } from "../db.server";
import { insertRecords, writeAtomically } from "../db/bulk-writes.server";
import { enqueueJob } from "../jobs/queue.server";
import { decryptSecret } from "../lib/crypto.server";
import { newId } from "../lib/ids";
import { retryAfterMs, retryDelayMs } from "./push-retry";
import { contentHash } from "./feed-store.server";
import { renderFeedFile } from "./serve.server";

/**
 * Pushing the stored feed to a shop's destinations (docs/decisions/010-feed-push.md):
 * - `file_upload`: PUT the rendered `products.jsonl.gz` / `.csv.gz` (the pull URL's bytes) to a URL.
 * - `feed_api`: the ACP Feed API of 2026-04-17, agent-hosted: `POST /feeds` once (its id is kept),
 *   then `PATCH /feeds/{id}/products` with only the products whose content changed since that
 *   destination last accepted them. The API has no delete ("mark the item unavailable or send a
 *   full replacement file", PRODUCT_FEED.md), so a product that left the feed is sent once more with
 *   every variant `available: false, status: "discontinued"`.
 *
 * One `feed.push` job per destination (singleton key), queued by the schedule, after a sync that
 * changed the feed, or by "push now". The job retries itself: a network error, timeout, 408, 429 or
 * 5xx re-arms it after max(Retry-After, exponential backoff); any other 4xx fails the push for good.
 * Every attempt is a `FeedDelivery` row.
 */

export const FEED_PUSH_JOB = "feed.push";
export const FEED_PUSH_SCHEDULE_JOB = "feed.push_schedule";
export const FEED_API_VERSION = "2026-04-17";
export type PushTrigger = "schedule" | "change" | "manual";

/** Consecutive failed attempts before a push gives up until the next trigger. */
export const MAX_PUSH_ATTEMPTS = 6;
const REQUEST_TIMEOUT_MS = 30_000;
const UPLOAD_TIMEOUT_MS = 10 * 60_000;
/** Products per PATCH request, and how many stored products are compared at once. */
const PATCH_BATCH = 100;
const PAGE = 500;
/** A push holds its destination this long; a crashed worker's lease simply runs out. */
const LEASE_MS = 15 * 60_000;
const DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60_000;

export function pushJobKey(destinationId: string): string {
  return `${FEED_PUSH_JOB}:${destinationId}`;
}

/** Queues a push of one destination; absorbed while one is already queued or running for it. */
export async function requestPush(shop: string, destinationId: string, trigger: PushTrigger): Promise<void> {
  await enqueueJob(prisma, {
    kind: FEED_PUSH_JOB,
    shop,
    payload: { destinationId, trigger },
    singletonKey: pushJobKey(destinationId),
  });
}

/**
 * A whole-file receiver takes a new file at most this often (OpenAI's file upload accepts one every
 * 15 minutes, PRODUCT_FEED.md), and every file is the whole catalog: a burst of product changes must
 * not become a burst of uploads. A shorter interval set on the destination wins.
 */
const FILE_UPLOAD_CHANGE_GAP_MS = 15 * 60_000;

function changeGapMs(destination: { intervalMinutes: number }): number {
  return Math.min(FILE_UPLOAD_CHANGE_GAP_MS, destination.intervalMinutes * 60_000);
}

/**
 * After a sync changed the stored feed. Feed API destinations are pushed now (only what changed is
 * sent). A file-upload destination is brought forward on its schedule instead: its next upload
 * happens once the gap since the last one has passed, and carries every change made until then.
 */
export async function requestPushesAfterChange(shop: string, now = new Date()): Promise<number> {
  const destinations = await prisma.feedDestination.findMany({
    where: { shop, enabled: true },
    select: { id: true, kind: true, lastPushAt: true, nextPushAt: true, intervalMinutes: true },
  });
  for (const destination of destinations) {
    if (destination.kind !== "file_upload") {
      await requestPush(shop, destination.id, "change");
      continue;
    }
    const earliest = new Date(
      Math.max(now.getTime(), (destination.lastPushAt?.getTime() ?? 0) + changeGapMs(destination)),
    );
    await prisma.feedDestination.updateMany({
      where: { id: destination.id, shop, OR: [{ nextPushAt: null }, { nextPushAt: { gt: earliest } }] },
      data: { nextPushAt: earliest },
    });
  }
  return destinations.length;
}

/**
 * Periodic: queues the destinations whose time has come. One brought forward by a change (due
 * before its interval since the last push) is pushed as a "change".
 */
export async function schedulePushes(now = new Date()): Promise<number> {
  const due = await prisma.feedDestination.findMany({
    where: { enabled: true, OR: [{ nextPushAt: null }, { nextPushAt: { lte: now } }] },
    select: { id: true, shop: true, lastPushAt: true, nextPushAt: true, intervalMinutes: true },
  });
  for (const destination of due) {
    const regular =
      !destination.lastPushAt ||
      !destination.nextPushAt ||
      destination.nextPushAt.getTime() >=
        destination.lastPushAt.getTime() + destination.intervalMinutes * 60_000;
    await requestPush(destination.shop, destination.id, regular ? "schedule" : "change");
  }
  await prisma.feedDelivery.deleteMany({
    where: { startedAt: { lt: new Date(now.getTime() - DELIVERY_RETENTION_MS) } },
  });
  return due.length;
}

/** A failed HTTP exchange: `retryable` when the same request may succeed later. */
class PushError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly httpStatus: number | null = null,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The receiver's own words: an ACP `Error.message`, or the start of a non-JSON body. */
async function errorMessageOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { message?: unknown; code?: unknown };
    if (typeof body.message === "string") {
      return `HTTP ${response.status}${typeof body.code === "string" ? ` ${body.code}` : ""}: ${body.message}`;
    }
  } catch {
    // Not JSON: quote the text.
  }
  return `HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ""}`;
}

async function failureOf(response: Response): Promise<PushError> {
  return new PushError(
    await errorMessageOf(response),
    isRetryableStatus(response.status),
    response.status,
    retryAfterMs(response.headers.get("retry-after")),
  );
}

function networkFailure(error: unknown, timeoutMs: number): PushError {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") {
    return new PushError(`No answer within ${timeoutMs / 1000} s`, true);
  }
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return new PushError(
    `Request failed${cause || (error instanceof Error ? `: ${error.message}` : "")}`,
    true,
  );
}

function authHeaders(destination: FeedDestination): Record<string, string> {
  if (!destination.secretEncrypted) return {};
  let secret: string;
  try {
    secret = decryptSecret(destination.secretEncrypted);
  } catch {
    // Sealed with a key no longer configured: retrying cannot help, the merchant must enter it again.
    throw new PushError("The stored secret cannot be decrypted; enter it again in the destination.", false);
  }
  const name = destination.authHeader || "Authorization";
  // A bare secret in Authorization is a bearer token; a value with its own scheme is sent as is.
  const value =
    name.toLowerCase() === "authorization" && !/^\S+ \S/.test(secret) ? `Bearer ${secret}` : secret;
  return { [name]: value };
}

interface PushOutcome {
  status: "succeeded" | "skipped";
  httpStatus: number | null;
  products: number;
  removed: number;
  bytes: number;
  note?: string;
}

interface Progress {
  products: number;
  removed: number;
  bytes: number;
  httpStatus: number | null;
}

/**
 * The `feed.push` job. Returns `{ rescheduleAt }` to retry (or to push again at once when the feed
 * changed while this push ran); returns nothing when the push is over.
 */
export async function runPush(
  shop: string,
  payload: { destinationId: string; trigger?: PushTrigger },
): Promise<void | { rescheduleAt: Date }> {
  const trigger: PushTrigger = payload.trigger ?? "schedule";
  const now = new Date();
  const destination = await prisma.feedDestination.findFirst({ where: { id: payload.destinationId, shop } });
  if (!destination || !destination.enabled) return;
  const shopRow = await prisma.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } });
  if (!shopRow || shopRow.uninstalledAt) return;

  // One push per destination at a time, whichever instance runs the job.
  const claimed = await prisma.feedDestination.updateMany({
    where: { id: destination.id, shop, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    data: { leaseUntil: new Date(now.getTime() + LEASE_MS) },
  });
  if (claimed.count !== 1) return { rescheduleAt: new Date(now.getTime() + 5_000) };

  const release = (data: Parameters<typeof prisma.feedDestination.update>[0]["data"]) =>
    prisma.feedDestination.update({ where: { id: destination.id }, data: { ...data, leaseUntil: null } });

  const settings = await prisma.feedSettings.findUnique({
    where: { shop },
    select: { version: true, lastBuiltAt: true },
  });
  if (!settings?.lastBuiltAt) {
    // Nothing to push before the first sync; its end queues a push.
    await release({ nextPushAt: new Date(now.getTime() + destination.intervalMinutes * 60_000) });
    return;
  }

  const attempt = destination.failures + 1;
  const delivery = await prisma.feedDelivery.create({
    data: {
      id: newId("fdel"),
      shop,
      destinationId: destination.id,
      trigger,
      status: "running",
      attempt,
      startedAt: now,
    },
  });
  const progress: Progress = { products: 0, removed: 0, bytes: 0, httpStatus: null };

  try {
    const outcome =
      destination.kind === "feed_api"
        ? await pushToFeedApi(destination, delivery.id, progress)
        : await uploadFile(destination, settings.version, trigger, progress);
    const finishedAt = new Date();
    await prisma.feedDelivery.update({
      where: { id: delivery.id },
      data: {
        status: outcome.status,
        httpStatus: outcome.httpStatus,
        products: outcome.products,
        removed: outcome.removed,
        bytes: outcome.bytes,
        error: outcome.note ?? null,
        finishedAt,
      },
    });
    await release({
      failures: 0,
      lastStatus: "succeeded",
      lastPushAt: finishedAt,
      lastPushedVersion: settings.version,
      nextPushAt: new Date(finishedAt.getTime() + destination.intervalMinutes * 60_000),
    });
    const current = await prisma.feedSettings.findUnique({ where: { shop }, select: { version: true } });
    // A change stored while this push ran may not be in it: push again (its webhook's push was
    // absorbed); a whole file only after the gap between uploads.
    if (current && current.version !== settings.version) {
      const wait = destination.kind === "file_upload" ? changeGapMs(destination) : 0;
      return { rescheduleAt: new Date(finishedAt.getTime() + wait) };
    }
    return;
  } catch (caught) {
    const error =
      caught instanceof PushError
        ? caught
        : new PushError(caught instanceof Error ? caught.message : String(caught), true);
    const finishedAt = new Date();
    const retry = error.retryable && attempt < MAX_PUSH_ATTEMPTS;
    await prisma.feedDelivery.update({
      where: { id: delivery.id },
      data: {
        status: retry ? "retrying" : "failed",
        httpStatus: error.httpStatus ?? progress.httpStatus,
        products: progress.products,
        removed: progress.removed,
        bytes: progress.bytes,
        error: error.message.slice(0, 2000),
        finishedAt,
      },
    });
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "feed.push_failed",
        shop,
        destination: destination.id,
        attempt,
        retry,
        httpStatus: error.httpStatus,
        error: error.message.slice(0, 300),
      }),
    );
    if (retry) {
      const wait = retryDelayMs(attempt, error.retryAfter);
      await release({ failures: attempt, lastStatus: "retrying" });
      return { rescheduleAt: new Date(finishedAt.getTime() + wait) };
    }
    await release({
      failures: 0,
      lastStatus: "failed",
      nextPushAt: new Date(finishedAt.getTime() + destination.intervalMinutes * 60_000),
    });
    return;
  }
}

// ---------------------------------------------------------------------------------------------------
// Whole-file upload

async function uploadFile(
  destination: FeedDestination,
  version: number,
  trigger: PushTrigger,
  progress: Progress,
): Promise<PushOutcome> {
  if (trigger !== "manual" && destination.lastPushedVersion === version) {
    return {
      status: "skipped",
      httpStatus: null,
      products: 0,
      removed: 0,
      bytes: 0,
      note: "Feed unchanged.",
    };
  }
  const format = destination.format === "csv" ? "csv" : "jsonl";
  const items = await prisma.feedItem.count({ where: { shop: destination.shop, status: "valid" } });
  let bytes = 0;
  const counted = renderFeedFile(destination.shop, format).pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    }),
  );
  let response: Response;
  try {
    response = await fetch(destination.url, {
      method: "PUT",
      headers: { "Content-Type": "application/gzip", ...authHeaders(destination) },
      body: Readable.toWeb(counted) as unknown as ReadableStream<Uint8Array>,
      duplex: "half",
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    } as RequestInit);
  } catch (error) {
    throw networkFailure(error, UPLOAD_TIMEOUT_MS);
  }
  progress.bytes = bytes;
  progress.httpStatus = response.status;
  if (!response.ok) throw await failureOf(response);
  await response.body?.cancel();
  progress.products = items;
  return { status: "succeeded", httpStatus: response.status, products: items, removed: 0, bytes };
}

// ---------------------------------------------------------------------------------------------------
// ACP Feed API

async function feedApiCall(
  destination: FeedDestination,
  method: "POST" | "PATCH",
  path: string,
  body: unknown,
  idempotencyKey: string,
): Promise<{ response: Response; json: unknown; bytes: number }> {
  const text = JSON.stringify(body);
  let response: Response;
  try {
    response = await fetch(`${destination.url.replace(/\/+$/, "")}${path}`, {
      method,
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "API-Version": FEED_API_VERSION,
        "Idempotency-Key": idempotencyKey,
        ...authHeaders(destination),
      },
      body: text,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw networkFailure(error, REQUEST_TIMEOUT_MS);
  }
  if (!response.ok) throw await failureOf(response);
  const json = await response.json().catch(() => null);
  return { response, json, bytes: Buffer.byteLength(text) };
}

/** `target_country` of a market: the first country its stored items list. */
async function targetCountryOf(shop: string, market: string): Promise<string | undefined> {
  const item = await prisma.feedItem.findFirst({
    where: { shop, market, status: "valid" },
    select: { row: true },
  });
  if (!item?.row) return undefined;
  const countries = (JSON.parse(item.row) as { target_countries?: string }).target_countries ?? "";
  const first = countries.split(",")[0]?.trim().toUpperCase();
  return first && /^[A-Z]{2}$/.test(first) ? first : undefined;
}

/**
 * `POST /feeds`. The key is stable per feed we mean to create, so a retry after a lost 201 gets the
 * same feed back instead of a second one.
 */
async function createRemoteFeed(destination: FeedDestination, progress: Progress, idempotencyKey: string) {
  const country = await targetCountryOf(destination.shop, destination.market ?? "");
  const { response, json, bytes } = await feedApiCall(
    destination,
    "POST",
    "/feeds",
    country ? { target_country: country } : {},
    idempotencyKey,
  );
  progress.httpStatus = response.status;
  progress.bytes += bytes;
  const id = (json as { id?: unknown } | null)?.id;
  if (typeof id !== "string" || id === "") {
    throw new PushError(`POST /feeds answered ${response.status} without a feed id`, false, response.status);
  }
  return id;
}

async function ensureRemoteFeed(destination: FeedDestination, progress: Progress): Promise<string> {
  if (destination.remoteFeedId) return destination.remoteFeedId;
  const id = await createRemoteFeed(destination, progress, `${destination.id}:create`);
  await prisma.feedDestination.update({ where: { id: destination.id }, data: { remoteFeedId: id } });
  return id;
}

/**
 * The agent answered 404 for the feed we created (it expired or was deleted on its side). A new feed
 * replaces it, and since the new one holds nothing, what this destination "last accepted" is
 * forgotten in the same transaction: the push then sends every product. Keyed by the lost feed's
 * id, so a retry of this step gets the same replacement.
 */
async function replaceLostFeed(destination: FeedDestination, lostFeedId: string, progress: Progress) {
  const id = await createRemoteFeed(
    destination,
    progress,
    `${destination.id}:create:replacing:${lostFeedId}`,
  );
  await prisma.$transaction([
    prisma.feedDestination.updateMany({
      where: { id: destination.id, remoteFeedId: lostFeedId },
      data: { remoteFeedId: id },
    }),
    prisma.feedPushedProduct.deleteMany({ where: { destinationId: destination.id } }),
  ]);
  console.warn(
    JSON.stringify({
      level: "warn",
      msg: "feed.push_remote_feed_replaced",
      shop: destination.shop,
      destination: destination.id,
      lostFeedId,
      feedId: id,
    }),
  );
  return id;
}

interface Outgoing {
  productId: string;
  product: unknown;
  hash: string;
  tombstone: string;
  removed: boolean;
}

/** The discontinued form of a product: what is sent when it leaves the feed. */
function tombstoneOf(product: {
  id: string;
  title?: string;
  variants: { id: string; title: string }[];
}): string {
  return JSON.stringify({
    id: product.id,
    ...(product.title ? { title: product.title } : {}),
    variants: product.variants.map((variant) => ({
      id: variant.id,
      title: variant.title,
      availability: { available: false, status: "discontinued" },
    })),
  });
}

async function pushToFeedApi(
  destination: FeedDestination,
  deliveryId: string,
  progress: Progress,
): Promise<PushOutcome> {
  const feedId = await ensureRemoteFeed(destination, progress);
  try {
    return await pushChangedProducts(destination, feedId, deliveryId, progress);
  } catch (error) {
    // Only a feed created by an earlier push can have been lost; a 404 for the one just created
    // (or a second 404 after replacing it) is the receiver's problem, and fails the push.
    const lost =
      error instanceof PushError && error.httpStatus === 404 && destination.remoteFeedId === feedId;
    if (!lost) throw error;
    const replacement = await replaceLostFeed(destination, feedId, progress);
    // Batches the lost feed accepted before it went away do not count.
    progress.products = 0;
    progress.removed = 0;
    const outcome = await pushChangedProducts(
      destination,
      replacement,
      `${deliveryId}:replacement`,
      progress,
    );
    return {
      ...outcome,
      note: `The agent no longer had feed ${feedId}; created feed ${replacement} and sent every product.`,
    };
  }
}

/** `PATCH /feeds/{id}/products` with what changed since the destination last accepted it. */
async function pushChangedProducts(
  destination: FeedDestination,
  feedId: string,
  deliveryId: string,
  progress: Progress,
): Promise<PushOutcome> {
  const market = destination.market ?? "";
  let batch: Outgoing[] = [];
  let batchNo = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const sending = batch;
    batch = [];
    batchNo += 1;
    const { response, bytes } = await feedApiCall(
      destination,
      "PATCH",
      `/feeds/${encodeURIComponent(feedId)}/products`,
      { products: sending.map((entry) => entry.product) },
      `${deliveryId}:${batchNo}`,
    );
    progress.httpStatus = response.status;
    progress.bytes += bytes;
    // Recorded per accepted batch: a retry after a later failure resends nothing already accepted.
    const pushedAt = new Date();
    await writeAtomically(databaseDriver(), [
      insertRecords(
        "FeedPushedProduct",
        Prisma.FeedPushedProductScalarFieldEnum,
        sending.map((entry) => ({
          shop: destination.shop,
          destinationId: destination.id,
          productId: entry.productId,
          contentHash: entry.hash,
          tombstone: entry.tombstone,
          removed: entry.removed,
          pushedAt,
        })),
        { upsertOn: ["destinationId", "productId"] },
      ),
    ]);
    for (const entry of sending) {
      if (entry.removed) progress.removed += 1;
      else progress.products += 1;
    }
  };

  // Changed or new products: those whose stored hash differs from what this destination last
  // accepted, found by the database (an anti-join on the two hashes), so a push after one change reads
  // one product, not the whole feed. Rows stored before hashes existed ("") are hashed here.
  const shop = destination.shop;
  let after = "";
  for (;;) {
    const page = await prisma.$queryRaw<
      { productId: string; acp: string; contentHash: string; pushedHash: string | null }[]
    >`
      SELECT p."productId", p."acp", p."contentHash",
        CASE WHEN x."removed" = ${true} THEN NULL ELSE x."contentHash" END AS "pushedHash"
      FROM "FeedProduct" p
      LEFT JOIN "FeedPushedProduct" x ON x."destinationId" = ${destination.id} AND x."productId" = p."productId"
      WHERE p."shop" = ${shop} AND p."market" = ${market} AND p."productId" > ${after}
        AND (x."productId" IS NULL OR x."removed" = ${true} OR p."contentHash" = '' OR x."contentHash" <> p."contentHash")
      ORDER BY p."productId"
      LIMIT ${PAGE}`;
    if (page.length === 0) break;
    after = page[page.length - 1].productId;
    for (const row of page) {
      const hash = row.contentHash || contentHash(row.acp);
      if (row.pushedHash === hash) continue;
      const product = JSON.parse(row.acp) as Parameters<typeof tombstoneOf>[0];
      batch.push({
        productId: row.productId,
        product,
        hash,
        tombstone: tombstoneOf(product),
        removed: false,
      });
      if (batch.length >= PATCH_BATCH) await flush();
    }
    if (page.length < PAGE) break;
  }
  await flush();

  // Products this destination holds that the stored feed no longer has (deleted, excluded, invalid).
  after = "";
  for (;;) {
    const page = await prisma.$queryRaw<{ productId: string; tombstone: string }[]>`
      SELECT x."productId", x."tombstone"
      FROM "FeedPushedProduct" x
      LEFT JOIN "FeedProduct" p ON p."shop" = ${shop} AND p."market" = ${market} AND p."productId" = x."productId"
      WHERE x."destinationId" = ${destination.id} AND x."removed" = ${false} AND x."productId" > ${after}
        AND p."productId" IS NULL
      ORDER BY x."productId"
      LIMIT ${PAGE}`;
    if (page.length === 0) break;
    after = page[page.length - 1].productId;
    for (const row of page) {
      batch.push({
        productId: row.productId,
        product: JSON.parse(row.tombstone),
        hash: contentHash(row.tombstone),
        tombstone: row.tombstone,
        removed: true,
      });
      if (batch.length >= PATCH_BATCH) await flush();
    }
    if (page.length < PAGE) break;
  }
  await flush();

  if (progress.products === 0 && progress.removed === 0) {
    return {
      status: "skipped",
      httpStatus: progress.httpStatus,
      products: 0,
      removed: 0,
      bytes: progress.bytes,
      note: "No product changed since the last push.",
    };
  }
  return { status: "succeeded", ...progress };
}
