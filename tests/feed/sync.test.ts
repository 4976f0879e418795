import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP, EU_SHOP } from "../../sandbox/shopify-admin/fixtures/catalog";
import { invalidateIndex } from "../../sandbox/shopify-admin/store";
import { variant } from "../support/catalog";
import { TEST_API_SECRET } from "../support/app-server";
import { sendShopifyWebhook } from "../support/shopify-webhook";
import {
  catalogJobsSettled,
  fetchJsonlFeed,
  finishedFullSync,
  queueFullSync,
  startFeedStack,
  waitFor,
  type FeedStack,
} from "./feed-stack";

let stack: FeedStack;

beforeAll(async () => {
  stack = await startFeedStack();
  await finishedFullSync(stack.db, DEMO_SHOP).catch((error: Error) => {
    throw new Error(`${error.message}\n${stack.app.output()}`);
  });
  await finishedFullSync(stack.db, EU_SHOP);
});

afterAll(async () => {
  await stack?.stop();
});

function productGid(title: string): string {
  const product = [...stack.shopify.shops.get(DEMO_SHOP)!.products.values()].find((p) => p.title === title);
  if (!product) throw new Error(`No product ${title}`);
  return product.id;
}

function numeric(gid: string): string {
  return gid.split("/").pop()!;
}

async function served(shop = DEMO_SHOP) {
  const { response, rows } = await fetchJsonlFeed(stack.feedUrl(shop));
  expect(response.status).toBe(200);
  return new Map(rows.map((row) => [`${row.item_id}|${row.target_countries.split(",")[0]}`, row]));
}

describe("full sync of the demo catalog", () => {
  it("stores every variant in every market as valid, invalid or excluded, with the reasons", async () => {
    const run = await finishedFullSync(stack.db, DEMO_SHOP);
    expect(run).toMatchObject({ status: "succeeded", kind: "reconcile", done: 15, total: 15, deleted: 0 });
    // 43 published variants × 3 markets (US, EU, UK) are valid; 2 products × 3 markets are not.
    expect({ valid: run.valid, invalid: run.invalid, excluded: run.excluded }).toEqual({
      valid: 129,
      invalid: 6,
      excluded: 7,
    });
    expect(run.peakRssMb).toBeGreaterThan(0);

    const problemsOf = async (title: string) => {
      const rows = await stack.db.feedItem.findMany({
        where: { shop: DEMO_SHOP, productId: numeric(productGid(title)) },
      });
      return rows.map((row) => ({
        status: row.status,
        market: row.market,
        codes: (JSON.parse(row.problems ?? "[]") as { code: string }[]).map((p) => p.code),
      }));
    };
    // Excluded by the default rules: gift cards, drafts, archived products (one row per variant).
    expect(await problemsOf("ACP Gift Card")).toEqual(
      Array(3).fill({ status: "excluded", market: "*", codes: ["gift_card"] }),
    );
    expect(await problemsOf("Prototype Desk Lamp")).toEqual([
      { status: "excluded", market: "*", codes: ["status"] },
    ]);
    expect((await problemsOf("Vintage Denim Jacket (2019)")).map((p) => p.codes)).toEqual([
      ["status"],
      ["status"],
      ["status"],
    ]);
    // Invalid: what the merchant has to fix.
    for (const row of await problemsOf("Bamboo Toothbrush 4-Pack")) {
      expect(row.status).toBe("invalid");
      expect(row.codes).toEqual(expect.arrayContaining(["missing_description", "missing_image"]));
    }
    for (const row of await problemsOf("Wholesale Sample Kit")) {
      expect(row.status).toBe("invalid");
      expect(row.codes).toEqual(expect.arrayContaining(["missing_url", "missing_image"]));
    }
    // Valid with a warning: the Filter grind's barcode has a wrong check digit.
    const beans = await problemsOf("Espresso Beans 1kg");
    expect(beans.filter((row) => row.codes.includes("invalid_gtin"))).toHaveLength(3);
    expect(beans.every((row) => row.status === "valid")).toBe(true);

    // ACP Feed API products: one per product and market, with only the valid variants.
    const tee = await stack.db.feedProduct.findUnique({
      where: {
        shop_productId_market: {
          shop: DEMO_SHOP,
          productId: numeric(productGid("Classic Organic Tee")),
          market: "eu",
        },
      },
    });
    const acp = JSON.parse(tee!.acp) as { variants: { price: { amount: number; currency: string } }[] };
    expect(acp.variants).toHaveLength(9);
    expect(acp.variants.every((v) => v.price.currency === "EUR")).toBe(true);
  });

  it("keeps shops apart", async () => {
    const run = await finishedFullSync(stack.db, EU_SHOP);
    expect(run).toMatchObject({ status: "succeeded", valid: 1, invalid: 4, excluded: 0 });
    const eu = await served(EU_SHOP);
    expect([...eu.values()].map((row) => row.seller_name)).toEqual(["ACP Europa"]);
  });

  it("serves market prices from Shopify's contextual pricing", async () => {
    const feed = await served();
    const white = numeric(variant(stack.shopify, DEMO_SHOP, "Classic Organic Tee", "White", "M").id);
    expect(feed.get(`${white}|US`)?.price).toBe("25.00 USD");
    // A fixed EUR price on the price list, and GBP converted by the market's rate.
    expect(feed.get(`${white}|AT`)?.price).toBe("24.00 EUR");
    expect(feed.get(`${white}|GB`)?.price).toBe("19.75 GBP");
    expect(feed.size).toBe(129);
  });
});

describe("incremental updates", () => {
  it("a product edited in Shopify changes the served feed (webhook → job → re-read)", async () => {
    const before = await fetch(stack.feedUrl(DEMO_SHOP));
    const etag = before.headers.get("etag");
    const tote = productGid("Canvas Tote Bag");
    stack.shopify.control.updateProduct(tote, { title: "Canvas Tote Bag XL", price: "21.00" });
    const row = await waitFor("the new title in the feed", async () => {
      const feed = await served();
      return [...feed.values()].find((r) => r.title === "Canvas Tote Bag XL" && r.target_countries === "US");
    });
    expect(row.price).toBe("21.00 USD");
    const after = await fetch(stack.feedUrl(DEMO_SHOP), { method: "HEAD" });
    expect(after.headers.get("etag")).not.toBe(etag);
    const runs = await stack.db.feedRun.findMany({ where: { shop: DEMO_SHOP, kind: "incremental" } });
    expect(runs.some((r) => r.status === "succeeded" && r.valid === 3)).toBe(true);
  });

  it("an older webhook does not overwrite newer stored state", async () => {
    const pourOver = productGid("Ceramic Pour-Over Set");
    stack.shopify.control.updateProduct(pourOver, { title: "Ceramic Pour-Over Set v2" });
    await waitFor("v2 stored", async () =>
      [...(await served()).values()].some((r) => r.title === "Ceramic Pour-Over Set v2"),
    );
    await catalogJobsSettled(stack.db, DEMO_SHOP);
    // Changed in Shopify without a webhook of its own: only a re-read would reveal it.
    const product = stack.shopify.shops.get(DEMO_SHOP)!.products.get(pourOver)!;
    product.title = "Ceramic Pour-Over Set v3";
    const stored = await stack.db.feedItem.findFirst({
      where: { shop: DEMO_SHOP, productId: numeric(pourOver) },
    });
    const stale = new Date(stored!.productUpdatedAt.getTime() - 60_000).toISOString();
    const response = await sendShopifyWebhook(stack.app.url, {
      path: "/webhooks/products",
      topic: "products/update",
      shop: DEMO_SHOP,
      payload: {
        id: Number(numeric(pourOver)),
        admin_graphql_api_id: pourOver,
        updated_at: stale,
        title: "old",
      },
      secret: TEST_API_SECRET,
    });
    expect(response.status).toBe(200);
    const skipped = await waitFor("the stale event to be skipped", async () =>
      stack.db.feedRun.findFirst({ where: { shop: DEMO_SHOP, kind: "incremental", status: "skipped" } }),
    );
    expect(skipped.error).toMatch(/older than the stored/);
    expect([...(await served()).values()].some((r) => r.title === "Ceramic Pour-Over Set v2")).toBe(true);

    // The same event with the current time is read, and the re-read brings the newest state.
    await sendShopifyWebhook(stack.app.url, {
      path: "/webhooks/products",
      topic: "products/update",
      shop: DEMO_SHOP,
      payload: {
        id: Number(numeric(pourOver)),
        admin_graphql_api_id: pourOver,
        updated_at: stored!.productUpdatedAt,
      },
      secret: TEST_API_SECRET,
    });
    await waitFor("v3 stored", async () =>
      [...(await served()).values()].some((r) => r.title === "Ceramic Pour-Over Set v3"),
    );
  });

  it("an inventory change flips availability", async () => {
    const soldOut = variant(stack.shopify, DEMO_SHOP, "Classic Organic Tee", "Black", "L");
    const id = numeric(soldOut.id);
    expect((await served()).get(`${id}|US`)?.availability).toBe("out_of_stock");
    const location = soldOut.inventoryItem.levels[0].locationId;
    stack.shopify.control.setInventory(soldOut.inventoryItem.id, location, 4);
    await waitFor("in stock", async () => (await served()).get(`${id}|US`)?.availability === "in_stock");
    stack.shopify.control.setInventory(soldOut.inventoryItem.id, location, 0);
    await waitFor(
      "out of stock again",
      async () => (await served()).get(`${id}|GB`)?.availability === "out_of_stock",
    );
  });

  it("a deleted product disappears, and a product made active appears", async () => {
    const trail = productGid("Trail Running Shoes");
    stack.shopify.control.deleteProduct(trail);
    await waitFor("the shoes gone", async () => {
      const feed = await served();
      return ![...feed.values()].some((r) => r.group_id === numeric(trail));
    });
    expect(await stack.db.feedItem.count({ where: { shop: DEMO_SHOP, productId: numeric(trail) } })).toBe(0);
    expect(await stack.db.feedProduct.count({ where: { shop: DEMO_SHOP, productId: numeric(trail) } })).toBe(
      0,
    );

    const lamp = productGid("Prototype Desk Lamp");
    stack.shopify.control.updateProduct(lamp, { status: "ACTIVE", publishedOnlineStore: true });
    await waitFor("the lamp published", async () =>
      [...(await served()).values()].some((r) => r.group_id === numeric(lamp)),
    );
  });
});

describe("full sync heals what webhooks missed", () => {
  it("deletes products Shopify no longer has and stores changes made without a webhook", async () => {
    const state = stack.shopify.shops.get(DEMO_SHOP)!;
    const poster = productGid("Limited Edition Poster");
    const napkins = productGid("Linen Napkins (Set of 4)");
    state.products.delete(poster);
    invalidateIndex(state);
    const product = state.products.get(napkins)!;
    product.title = "Linen Napkins (Set of 4) — restocked";
    product.updatedAt = new Date().toISOString();

    const after = await queueFullSync(stack.db, DEMO_SHOP);
    const run = await finishedFullSync(stack.db, DEMO_SHOP, { after });
    expect(run).toMatchObject({ status: "succeeded", kind: "full" });
    expect(run.deleted).toBe(3);
    const feed = [...(await served()).values()];
    expect(feed.some((r) => r.group_id === numeric(poster))).toBe(false);
    expect(feed.filter((r) => r.title.startsWith("Linen Napkins (Set of 4) — restocked"))).toHaveLength(9);
  });

  it("a sync that finds nothing new keeps the feed's ETag", async () => {
    const before = (await fetch(stack.feedUrl(DEMO_SHOP), { method: "HEAD" })).headers.get("etag");
    const after = await queueFullSync(stack.db, DEMO_SHOP);
    const run = await finishedFullSync(stack.db, DEMO_SHOP, { after });
    expect(run.status).toBe("succeeded");
    const now = (await fetch(stack.feedUrl(DEMO_SHOP), { method: "HEAD" })).headers.get("etag");
    expect(now).toBe(before);
  });
});

describe("feed rules", () => {
  it("apply on the next full sync: excluded tags, published markets, mapped metafields", async () => {
    await stack.db.feedSettings.update({
      where: { shop: DEMO_SHOP },
      data: {
        rules: JSON.stringify({
          exclude: { tags: ["coffee"] },
          markets: ["united-states"],
          metafieldMappings: [{ namespace: "custom", key: "material", field: "material" }],
        }),
      },
    });
    const after = await queueFullSync(stack.db, DEMO_SHOP);
    expect(await finishedFullSync(stack.db, DEMO_SHOP, { after })).toMatchObject({ status: "succeeded" });

    const beans = await stack.db.feedItem.findMany({
      where: { shop: DEMO_SHOP, productId: numeric(productGid("Espresso Beans 1kg")) },
    });
    expect(beans.map((row) => [row.status, row.market, JSON.parse(row.problems!)[0].code])).toEqual(
      Array(3).fill(["excluded", "*", "tag_excluded"]),
    );
    const feed = [...(await served()).values()];
    expect(new Set(feed.map((row) => row.target_countries))).toEqual(new Set(["US"]));
    expect(feed.some((row) => row.group_id === numeric(productGid("Ceramic Pour-Over Set v3")))).toBe(false);
    const tee = feed.filter((row) => row.group_id === numeric(productGid("Classic Organic Tee")));
    expect(tee).toHaveLength(9);
    expect(tee.every((row) => row.material === "100% organic cotton")).toBe(true);
    expect(
      await stack.db.feedProduct.count({ where: { shop: DEMO_SHOP, market: { not: "united-states" } } }),
    ).toBe(0);

    await stack.db.feedSettings.update({ where: { shop: DEMO_SHOP }, data: { rules: "{}" } });
    const again = await queueFullSync(stack.db, DEMO_SHOP);
    await finishedFullSync(stack.db, DEMO_SHOP, { after: again });
    const restored = [...(await served()).values()];
    expect(restored.some((row) => row.target_countries === "GB")).toBe(true);
    expect(restored.some((row) => row.material)).toBe(false);
  });
});
