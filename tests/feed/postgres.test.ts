import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { encryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import { startFeedReceiver } from "../../sandbox/agent/feed-receiver";
import { DEMO_SHOP, EU_SHOP } from "../../sandbox/shopify-admin/fixtures/catalog";
import { TEST_ENCRYPTION_KEYS } from "../support/app-server";
import { freshPostgresDatabase } from "../support/postgres-db";
import { fetchJsonlFeed, finishedFullSync, startFeedStack, waitFor, type FeedStack } from "./feed-stack";

/**
 * The feed on PostgreSQL with two app instances sharing it: one full sync per shop however many
 * workers poll, the same feed from either instance, webhook updates, and shards (keyset paging under
 * PostgreSQL's collation), and a Feed API push queued on graphile-worker by a change.
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

  it("pushes a change to a Feed API destination through the PostgreSQL queue, creating one feed", async () => {
    const agent = await startFeedReceiver();
    try {
      await stack.db.feedDestination.create({
        data: {
          id: "fdst_pg",
          shop: DEMO_SHOP,
          name: "Agent",
          kind: "feed_api",
          url: agent.origin,
          market: "united-states",
          secretEncrypted: encryptSecret(agent.token, parseKeyRing(TEST_ENCRYPTION_KEYS)),
          nextPushAt: new Date(Date.now() + 24 * 60 * 60_000),
        },
      });
      const pourOver = [...stack.shopify.shops.get(DEMO_SHOP)!.products.values()].find(
        (product) => product.title === "Ceramic Pour-Over Set",
      )!;
      stack.shopify.control.updateProduct(pourOver.id, { title: "Ceramic Pour-Over Set (PG)" });
      const delivery = await waitFor(
        "the push after the change",
        async () =>
          stack.db.feedDelivery.findFirst({ where: { destinationId: "fdst_pg", status: "succeeded" } }),
        60_000,
      );
      expect(delivery.trigger).toBe("change");
      expect(agent.feeds()).toHaveLength(1);
      const expected = await stack.db.feedProduct.findMany({
        where: { shop: DEMO_SHOP, market: "united-states" },
      });
      const received = agent.products(agent.feeds()[0].id)!;
      expect(new Set(received.map((p) => p.id))).toEqual(new Set(expected.map((row) => row.productId)));
      expect(received.find((p) => p.title === "Ceramic Pour-Over Set (PG)")).toBeDefined();
    } finally {
      await agent.close();
    }
  });
});
