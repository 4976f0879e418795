import { createHash } from "node:crypto";
import type { FeedDelivery } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import { startFeedReceiver, type FeedReceiver } from "../../sandbox/agent/feed-receiver";
import { DEMO_SHOP, EU_SHOP } from "../../sandbox/shopify-admin/fixtures/catalog";
import { TEST_ENCRYPTION_KEYS } from "../support/app-server";
import { catalogJobsSettled, finishedFullSync, startFeedStack, waitFor, type FeedStack } from "./feed-stack";

/**
 * Feed pushes through the app's job worker to the sandbox agent's feed receiver, over real HTTP:
 * the Feed API (create once, then only changed products, discontinued for removed ones), whole-file
 * uploads, retries with Retry-After, permanent failures and shop isolation.
 */

let stack: FeedStack;
let demoAgent: FeedReceiver;
let euAgent: FeedReceiver;
/** Takes whole files of OpenAI rows, the pull URL's format. */
let fileAgent: FeedReceiver;
const keys = parseKeyRing(TEST_ENCRYPTION_KEYS);
let seq = 0;

beforeAll(async () => {
  stack = await startFeedStack();
  demoAgent = await startFeedReceiver();
  euAgent = await startFeedReceiver();
  fileAgent = await startFeedReceiver({ jsonlProfile: "flat" });
  await finishedFullSync(stack.db, DEMO_SHOP);
  await finishedFullSync(stack.db, EU_SHOP);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await demoAgent?.close();
  await euAgent?.close();
  await fileAgent?.close();
});

async function addDestination(
  shop: string,
  fields: { kind: "feed_api" | "file_upload"; url: string; secret: string; market?: string; format?: string },
): Promise<string> {
  const id = `fdst_test${++seq}`;
  await stack.db.feedDestination.create({
    data: {
      id,
      shop,
      name: `Destination ${seq}`,
      kind: fields.kind,
      url: fields.url,
      market: fields.market ?? null,
      format: fields.format ?? null,
      secretEncrypted: encryptSecret(fields.secret, keys),
      secretLast4: fields.secret.slice(-4),
      // Far in the future: only the test's own triggers push.
      nextPushAt: new Date(Date.now() + 24 * 60 * 60_000),
    },
  });
  return id;
}

/** Queues a push the way `requestPush` does. */
async function queuePush(shop: string, destinationId: string, trigger = "manual") {
  const singletonKey = `feed.push:${destinationId}`;
  await stack.db.job.deleteMany({ where: { singletonKey, status: { in: ["done", "dead"] } } });
  await stack.db.job.create({
    data: { kind: "feed.push", shop, payload: JSON.stringify({ destinationId, trigger }), singletonKey },
  });
}

/** Waits for the push job of a destination to be over, then returns its deliveries, oldest first. */
async function settledDeliveries(destinationId: string, atLeast = 1): Promise<FeedDelivery[]> {
  return waitFor(
    `pushes to ${destinationId}`,
    async () => {
      const job = await stack.db.job.findUnique({ where: { singletonKey: `feed.push:${destinationId}` } });
      if (job && job.status !== "done") return null;
      const deliveries = await stack.db.feedDelivery.findMany({
        where: { destinationId },
        orderBy: { startedAt: "asc" },
      });
      const finished = deliveries.filter((d) => d.status !== "running" && d.status !== "retrying");
      return finished.length >= atLeast ? deliveries : null;
    },
    30_000,
  );
}

async function storedProducts(shop: string, market: string) {
  const rows = await stack.db.feedProduct.findMany({ where: { shop, market } });
  return new Map(rows.map((row) => [row.productId, JSON.parse(row.acp) as { id: string }]));
}

function productGid(title: string): string {
  const product = [...stack.shopify.shops.get(DEMO_SHOP)!.products.values()].find((p) => p.title === title);
  if (!product) throw new Error(`No product ${title}`);
  return product.id;
}

const numeric = (gid: string) => gid.split("/").pop()!;

describe("ACP Feed API destination", () => {
  let destination: string;
  let feedId: string;

  it("the first push creates the feed and sends every product of the market", async () => {
    destination = await addDestination(DEMO_SHOP, {
      kind: "feed_api",
      url: demoAgent.origin,
      secret: demoAgent.token,
      market: "united-states",
    });
    await queuePush(DEMO_SHOP, destination);
    const [delivery] = await settledDeliveries(destination);
    const expected = await storedProducts(DEMO_SHOP, "united-states");
    expect(expected.size).toBeGreaterThan(3);

    expect(demoAgent.feeds()).toHaveLength(1);
    feedId = demoAgent.feeds()[0].id;
    expect(demoAgent.feeds()[0].target_country).toBe("US");
    const row = await stack.db.feedDestination.findUnique({ where: { id: destination } });
    expect(row?.remoteFeedId).toBe(feedId);

    const received = demoAgent.products(feedId)!;
    expect(new Set(received.map((p) => p.id))).toEqual(new Set([...expected.values()].map((p) => p.id)));
    // Exactly what the app stored, and every request passed the receiver's schema and auth checks.
    for (const product of received) expect(product).toEqual(expected.get(product.id));
    const calls = demoAgent.requests();
    expect(calls.every((call) => call.status === 200 || call.status === 201)).toBe(true);
    expect(calls.filter((call) => call.method === "POST")).toHaveLength(1);
    expect(calls.every((call) => call.headers["api-version"] === "2026-04-17")).toBe(true);

    expect(delivery).toMatchObject({
      status: "succeeded",
      trigger: "manual",
      attempt: 1,
      httpStatus: 200,
      products: expected.size,
      removed: 0,
    });
    expect(delivery.bytes).toBeGreaterThan(0);
    expect(await stack.db.feedPushedProduct.count({ where: { destinationId: destination } })).toBe(
      expected.size,
    );
    // What the destination accepted is recorded with the hash the stored product carries.
    const stored = await stack.db.feedProduct.findMany({
      where: { shop: DEMO_SHOP, market: "united-states" },
    });
    const accepted = await stack.db.feedPushedProduct.findMany({ where: { destinationId: destination } });
    const hashes = new Map(accepted.map((row) => [row.productId, row.contentHash]));
    for (const row of stored) {
      expect(row.contentHash).toBe(createHash("sha256").update(row.acp).digest("base64url"));
      expect(hashes.get(row.productId)).toBe(row.contentHash);
    }
  });

  it("a second push with nothing changed sends nothing", async () => {
    // Rows stored before `FeedProduct.contentHash` existed have it empty: hashed when read, not resent.
    const blanked = await stack.db.feedProduct.updateMany({
      where: { shop: DEMO_SHOP, market: "united-states" },
      data: { contentHash: "" },
    });
    expect(blanked.count).toBeGreaterThan(3);
    const before = demoAgent.requests().length;
    await queuePush(DEMO_SHOP, destination);
    const deliveries = await settledDeliveries(destination, 2);
    expect(deliveries.at(-1)).toMatchObject({ status: "skipped", products: 0 });
    expect(demoAgent.requests()).toHaveLength(before);
  });

  it("a product changed in Shopify is pushed on change, alone", async () => {
    const tote = productGid("Canvas Tote Bag");
    const upsertsBefore = demoAgent.upserts().length;
    stack.shopify.control.updateProduct(tote, { title: "Canvas Tote Bag XL", price: "21.00" });
    const upsert = await waitFor("the change pushed", async () => demoAgent.upserts()[upsertsBefore]);
    expect(upsert.productIds).toEqual([numeric(tote)]);
    const pushed = demoAgent.products(feedId)!.find((p) => p.id === numeric(tote))!;
    expect(pushed.title).toBe("Canvas Tote Bag XL");
    expect(demoAgent.unchangedUpserts()).toEqual([]);
    const deliveries = await settledDeliveries(destination, 3);
    expect(deliveries.at(-1)).toMatchObject({
      status: "succeeded",
      trigger: "change",
      products: 1,
      removed: 0,
    });
  });

  it("a deleted product is sent once more with every variant discontinued (the Feed API has no delete)", async () => {
    const trail = productGid("Trail Running Shoes");
    const id = numeric(trail);
    const before = demoAgent.products(feedId)!.find((p) => p.id === id)!;
    expect(before.variants.length).toBeGreaterThan(0);
    const upsertsBefore = demoAgent.upserts().length;
    stack.shopify.control.deleteProduct(trail);
    const upsert = await waitFor("the removal pushed", async () => demoAgent.upserts()[upsertsBefore]);
    expect(upsert.productIds).toEqual([id]);
    const after = demoAgent.products(feedId)!.find((p) => p.id === id)!;
    expect(after.variants).toHaveLength(before.variants.length);
    for (const variant of after.variants as { availability: unknown }[]) {
      expect(variant.availability).toEqual({ available: false, status: "discontinued" });
    }
    const deliveries = await settledDeliveries(destination, 4);
    expect(deliveries.at(-1)).toMatchObject({ status: "succeeded", products: 0, removed: 1 });
    const row = await stack.db.feedPushedProduct.findUnique({
      where: { destinationId_productId: { destinationId: destination, productId: id } },
    });
    expect(row?.removed).toBe(true);

    // Not sent again while it stays gone.
    await catalogJobsSettled(stack.db, DEMO_SHOP);
    const count = demoAgent.upserts().length;
    await queuePush(DEMO_SHOP, destination);
    const later = await settledDeliveries(destination, 5);
    expect(later.at(-1)).toMatchObject({ status: "skipped" });
    expect(demoAgent.upserts()).toHaveLength(count);
  });

  it("a feed the agent lost is created again, once, and every product sent to it", async () => {
    await catalogJobsSettled(stack.db, DEMO_SHOP);
    expect(demoAgent.dropFeed(feedId)).toBe(true);
    const before = demoAgent.requests().length;
    stack.shopify.control.updateProduct(productGid("Canvas Tote Bag XL"), { price: "22.00" });
    const deliveries = await settledDeliveries(destination, 6);
    const expected = await storedProducts(DEMO_SHOP, "united-states");
    const delivery = deliveries.at(-1)!;
    expect(delivery).toMatchObject({ status: "succeeded", attempt: 1, products: expected.size, removed: 0 });
    expect(delivery.error).toMatch(/no longer had feed/);

    const [replacement] = demoAgent.feeds();
    expect(demoAgent.feeds()).toHaveLength(1);
    expect(replacement.id).not.toBe(feedId);
    expect(await stack.db.feedDestination.findUnique({ where: { id: destination } })).toMatchObject({
      remoteFeedId: replacement.id,
      failures: 0,
    });
    const received = demoAgent.products(replacement.id)!;
    expect(new Set(received.map((p) => p.id))).toEqual(new Set(expected.keys()));
    for (const product of received) expect(product).toEqual(expected.get(product.id));
    // One failed PATCH to the lost feed, one POST /feeds, then PATCHes to the new feed only.
    const calls = demoAgent.requests().slice(before);
    expect(calls.filter((call) => call.status === 404)).toHaveLength(1);
    expect(calls.filter((call) => call.method === "POST")).toHaveLength(1);
    expect(
      calls.filter((call) => call.status === 200).every((call) => call.path.includes(replacement.id)),
    ).toBe(true);
    feedId = replacement.id;
  });

  it("a feed lost again right after its replacement fails the push instead of looping", async () => {
    await catalogJobsSettled(stack.db, DEMO_SHOP);
    // Every PATCH answers 404: the stored feed, then its replacement.
    demoAgent.faults.add({ status: 404, times: 2, match: { method: "PATCH" } });
    const before = demoAgent.requests().length;
    stack.shopify.control.updateProduct(productGid("Canvas Tote Bag XL"), { price: "23.00" });
    const deliveries = await settledDeliveries(destination, 7);
    expect(deliveries.at(-1)).toMatchObject({ status: "failed", httpStatus: 404, attempt: 1 });
    const calls = demoAgent.requests().slice(before);
    expect(calls.map((call) => `${call.method} ${call.status}`)).toEqual([
      "PATCH 404",
      "POST 201",
      "PATCH 404",
    ]);
    expect(demoAgent.faults.pending).toBe(0);
  });
});

describe("file upload destination", () => {
  it("uploads the same bytes the pull URL serves, JSONL and CSV", async () => {
    await catalogJobsSettled(stack.db, DEMO_SHOP);
    for (const format of ["jsonl", "csv"] as const) {
      const destination = await addDestination(DEMO_SHOP, {
        kind: "file_upload",
        url: fileAgent.uploadUrl(`products.${format}.gz`),
        secret: fileAgent.token,
        format,
      });
      await queuePush(DEMO_SHOP, destination);
      const [delivery] = await settledDeliveries(destination);
      const upload = fileAgent.uploads().at(-1)!;
      expect(upload.status).toBe(201);
      expect(upload.errors).toEqual([]);
      const pulled = Buffer.from(
        await (await fetch(stack.feedUrl(DEMO_SHOP, `products.${format}.gz`))).arrayBuffer(),
      );
      expect(upload.gzip.equals(pulled)).toBe(true);
      expect(delivery).toMatchObject({ status: "succeeded", httpStatus: 201, bytes: pulled.length });
      const valid = await stack.db.feedItem.count({ where: { shop: DEMO_SHOP, status: "valid" } });
      expect(delivery.products).toBe(valid);
    }
  });

  it("retries a 503 after its Retry-After and records both attempts", async () => {
    const destination = await addDestination(DEMO_SHOP, {
      kind: "file_upload",
      url: fileAgent.uploadUrl("retry.jsonl.gz"),
      secret: fileAgent.token,
      format: "jsonl",
    });
    fileAgent.faults.add({ status: 503, retryAfter: 2, match: { path: "/uploads/retry.jsonl.gz" } });
    await queuePush(DEMO_SHOP, destination);
    const deliveries = await settledDeliveries(destination);
    expect(deliveries).toHaveLength(2);
    const [first, second] = deliveries;
    expect(first).toMatchObject({ status: "retrying", httpStatus: 503, attempt: 1 });
    expect(first.error).toMatch(/503/);
    expect(second).toMatchObject({ status: "succeeded", httpStatus: 201, attempt: 2 });
    // Retry-After (2 s) outweighs the first backoff step (1 s).
    expect(second.startedAt.getTime() - first.finishedAt!.getTime()).toBeGreaterThanOrEqual(2_000);
    const row = await stack.db.feedDestination.findUnique({ where: { id: destination } });
    expect(row).toMatchObject({ failures: 0, lastStatus: "succeeded" });
  });

  it("records a 401 as a permanent failure with the receiver's message, without retrying", async () => {
    const destination = await addDestination(DEMO_SHOP, {
      kind: "file_upload",
      url: fileAgent.uploadUrl("denied.jsonl.gz"),
      secret: "feed_tok_wrong",
      format: "jsonl",
    });
    await queuePush(DEMO_SHOP, destination);
    const deliveries = await settledDeliveries(destination);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: "failed", httpStatus: 401, attempt: 1 });
    expect(deliveries[0].error).toBe("HTTP 401 unauthorized: Missing or invalid bearer token.");
    const row = await stack.db.feedDestination.findUnique({ where: { id: destination } });
    expect(row).toMatchObject({ failures: 0, lastStatus: "failed" });
    const job = await stack.db.job.findUnique({ where: { singletonKey: `feed.push:${destination}` } });
    expect(job?.status).toBe("done");
    // The secret went out only as the header; it is nowhere in what the app recorded.
    expect(JSON.stringify(row)).not.toContain("feed_tok_wrong");
  });
});

describe("shop isolation", () => {
  it("each shop's destination gets its own shop's products only", async () => {
    const euDestination = await addDestination(EU_SHOP, {
      kind: "feed_api",
      url: euAgent.origin,
      secret: euAgent.token,
      market: "germany",
    });
    await queuePush(EU_SHOP, euDestination);
    await settledDeliveries(euDestination);

    const euIds = new Set(
      (await stack.db.feedProduct.findMany({ where: { shop: EU_SHOP } })).map((r) => r.productId),
    );
    const demoIds = new Set(
      (await stack.db.feedProduct.findMany({ where: { shop: DEMO_SHOP } })).map((r) => r.productId),
    );
    expect(euIds.size).toBeGreaterThan(0);
    const [euFeed] = euAgent.feeds();
    expect(euFeed.target_country).toBe("DE");
    const euReceived = euAgent.products(euFeed.id)!.map((p) => p.id);
    expect(new Set(euReceived)).toEqual(euIds);
    for (const id of euReceived) expect(demoIds.has(id)).toBe(false);
    // The demo shop's agent saw no EU product, and the EU agent only this one destination's calls.
    const demoReceived = demoAgent.upserts().flatMap((u) => u.productIds);
    for (const id of demoReceived) expect(euIds.has(id)).toBe(false);
    expect(euAgent.feeds()).toHaveLength(1);
    expect(euAgent.uploads()).toHaveLength(0);
    expect(demoAgent.uploads()).toHaveLength(0);
  });
});
