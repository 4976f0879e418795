import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchJsonlFeed, finishedFullSync, startFeedStack, type FeedStack } from "./feed-stack";
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
    env: { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` },
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
