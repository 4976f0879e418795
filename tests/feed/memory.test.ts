import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fetchJsonlFeed,
  finishedFullSync,
  queueFullSync,
  startFeedStack,
  waitFor,
  type FeedStack,
} from "./feed-stack";
import { generatedShop } from "./generated-shop";

/**
 * Sync memory stays flat: 20,000 variants (a 12 MB export, 26 MB of stored rows, far more as parsed
 * objects) go through an app whose V8 old space is capped at 128 MB, about twice what the idle app
 * keeps after a full GC; the sync only finishes if it streams. The recorded peak RSS is checked too.
 * `npm run bench` syncs 10,000 and 100,000 variants and compares their peaks.
 */

const SHOP = "acp-generated.myshopify.com";
const HEAP_MB = Number(process.env.FEED_TEST_HEAP_MB ?? 128);
let stack: FeedStack;

beforeAll(async () => {
  stack = await startFeedStack({
    shops: [generatedShop({ domain: SHOP, products: 2_500, variantsPerProduct: 8 })],
    env: { APP_MAX_HEAP_MB: String(HEAP_MB) },
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe("a full sync of 20,000 variants", () => {
  it(`streams through a ${HEAP_MB} MB heap`, { timeout: 240_000 }, async () => {
    const run = await finishedFullSync(stack.db, SHOP, { timeoutMs: 230_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${stack.app.output().slice(-3000)}`);
    });
    expect(run).toMatchObject({ status: "succeeded", done: 2_500, total: 2_500, valid: 20_000, invalid: 0 });
    expect(run.peakRssMb).toBeGreaterThan(0);
    expect(run.peakRssMb).toBeLessThan(HEAP_MB + 320);
    console.log(
      JSON.stringify({
        variants: 20_000,
        heapLimitMb: HEAP_MB,
        peakRssMb: run.peakRssMb,
        seconds: (run.finishedAt!.getTime() - run.startedAt.getTime()) / 1000,
      }),
    );

    const { rows } = await fetchJsonlFeed(stack.feedUrl(SHOP));
    expect(rows).toHaveLength(20_000);
    expect(new Set(rows.map((row) => row.item_id)).size).toBe(20_000);
  });
});

describe("a full sync cut off mid-import", () => {
  it(
    "resumes from its last committed batch on another instance and loses no product",
    { timeout: 240_000 },
    async () => {
      // New prices everywhere, so the second sync rewrites every product.
      for (const product of stack.shopify.shops.get(SHOP)!.products.values()) {
        for (const variant of product.variants) variant.price = (Number(variant.price) + 1).toFixed(2);
        product.updatedAt = new Date().toISOString();
      }
      const after = await queueFullSync(stack.db, SHOP);
      const partial = await waitFor(
        "an import under way",
        async () => {
          const run = await stack.db.feedRun.findFirst({ where: { shop: SHOP, startedAt: { gte: after } } });
          return run && run.status === "importing" && run.done > 0 && run.done < 2_000 ? run : null;
        },
        60_000,
      );
      // The instance goes away mid-batch; its job lease is made to run out rather than waited for.
      await stack.app.stop();
      await stack.db.job.updateMany({
        where: { kind: "catalog.full_sync", status: "running" },
        data: { lockedUntil: new Date(Date.now() - 1000) },
      });
      const stoppedAt = await stack.db.feedRun.findUniqueOrThrow({ where: { id: partial.id } });
      expect(stoppedAt.status).toBe("importing");
      expect(Number(stoppedAt.byteOffset)).toBeGreaterThan(0);

      await stack.startInstance();
      const run = await finishedFullSync(stack.db, SHOP, { after, timeoutMs: 200_000 });
      expect(run).toMatchObject({ id: partial.id, status: "succeeded", valid: 20_000, deleted: 0 });
      // Batches commit with their checkpoint, so nothing was imported twice.
      expect(run.done).toBe(2_500);
      const { rows } = await fetchJsonlFeed(
        `${stack.instances[stack.instances.length - 1].url}/feeds/${stack.tokens.get(SHOP)}/products.jsonl.gz`,
      );
      expect(rows).toHaveLength(20_000);
      const prices = new Map<string, string>();
      for (const product of stack.shopify.shops.get(SHOP)!.products.values()) {
        for (const variant of product.variants)
          prices.set(variant.id.split("/").pop()!, `${variant.price} USD`);
      }
      // Every row has the new price (as the sale price when the variant has a higher compare-at price).
      expect(rows.filter((row) => (row.sale_price ?? row.price) !== prices.get(row.item_id))).toEqual([]);
    },
  );
});
