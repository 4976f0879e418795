import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_SHOP, EU_SHOP } from "../../sandbox/shopify-admin/fixtures/catalog";
import { freshPostgresDatabase } from "../support/postgres-db";
import { fetchJsonlFeed, finishedFullSync, startFeedStack, waitFor, type FeedStack } from "./feed-stack";

/**
 * The feed on PostgreSQL with two app instances sharing it: one full sync per shop however many
 * workers poll, the same feed from either instance, webhook updates, and shards (keyset paging under
 * PostgreSQL's collation).
 */
let stack: FeedStack;

beforeAll(async () => {
  stack = await startFeedStack({
    database: await freshPostgresDatabase(inject("postgresUrl")),
    instances: 2,
  });
  await finishedFullSync(stack.db, DEMO_SHOP, { timeoutMs: 60_000 });
  await finishedFullSync(stack.db, EU_SHOP, { timeoutMs: 60_000 });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("feed on PostgreSQL, two instances", () => {
  it("syncs each shop once and serves the same feed from both instances", async () => {
    const runs = await stack.db.feedRun.findMany({ where: { kind: { in: ["full", "reconcile"] } } });
    expect(runs.map((run) => [run.shop, run.status]).sort()).toEqual([
      [DEMO_SHOP, "succeeded"],
      [EU_SHOP, "succeeded"],
    ]);
    expect(runs.find((run) => run.shop === DEMO_SHOP)).toMatchObject({ valid: 129, invalid: 6, excluded: 7 });

    const token = stack.tokens.get(DEMO_SHOP)!;
    const feeds = await Promise.all(
      stack.instances.map((instance) => fetchJsonlFeed(`${instance.url}/feeds/${token}/products.jsonl.gz`)),
    );
    expect(feeds.map(({ rows }) => rows.length)).toEqual([129, 129]);
    expect(feeds[1].rows).toEqual(feeds[0].rows);
    expect(feeds[0].response.headers.get("etag")).toBe(feeds[1].response.headers.get("etag"));
  });

  it("applies a product webhook", async () => {
    const tote = [...stack.shopify.shops.get(DEMO_SHOP)!.products.values()].find(
      (product) => product.title === "Canvas Tote Bag",
    )!;
    stack.shopify.control.updateProduct(tote.id, { price: "19.50" });
    await waitFor("the new price", async () => {
      const { rows } = await fetchJsonlFeed(stack.feedUrl(DEMO_SHOP));
      return rows.some((row) => row.title === "Canvas Tote Bag" && row.price === "19.50 USD");
    });
  });

  it("shards in a stable order", async () => {
    await stack.db.feedSettings.update({ where: { shop: DEMO_SHOP }, data: { shardSize: 40 } });
    const keys: string[] = [];
    for (let shard = 0; shard < 4; shard++) {
      const { response, rows } = await fetchJsonlFeed(`${stack.feedUrl(DEMO_SHOP)}?shard=${shard}`);
      expect(response.status).toBe(200);
      expect(rows).toHaveLength(shard < 3 ? 40 : 9);
      keys.push(...rows.map((row) => `${row.item_id}|${row.target_countries}`));
    }
    expect(new Set(keys).size).toBe(129);
  });
});
