import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELD_NAMES } from "../../app/catalog/feed-item";
import { DEMO_SHOP, euShop } from "../../sandbox/shopify-admin/fixtures/catalog";
import { demoShop } from "../../sandbox/shopify-admin/fixtures/catalog";
import { TEST_API_KEY, TEST_API_SECRET } from "../support/app-server";
import {
  feedToken,
  fetchJsonlFeed,
  finishedFullSync,
  parseCsv,
  startFeedStack,
  type FeedRow,
  type FeedStack,
} from "./feed-stack";

let stack: FeedStack;
const NOT_BUILT_SHOP = "not-built-yet.myshopify.com";
const notBuiltToken = feedToken();

beforeAll(async () => {
  stack = await startFeedStack({ shops: [demoShop(), euShop()] });
  // Installed, but its first sync cannot finish (no session): the feed must not be served empty.
  await stack.db.shop.create({ data: { domain: NOT_BUILT_SHOP } });
  await stack.db.feedSettings.create({
    data: {
      shop: NOT_BUILT_SHOP,
      tokenHash: createHash("sha256").update(notBuiltToken).digest("hex"),
      tokenPrefix: notBuiltToken.slice(0, 11),
    },
  });
  await finishedFullSync(stack.db, DEMO_SHOP);
});

afterAll(async () => {
  await stack?.stop();
});

const key = (row: FeedRow) => `${row.item_id}|${row.target_countries}`;

describe("GET /feeds/:token/products.jsonl.gz", () => {
  it("streams the valid items as gzip JSON Lines with caching headers", async () => {
    const { response, rows } = await fetchJsonlFeed(stack.feedUrl(DEMO_SHOP));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/gzip");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="products.jsonl.gz"');
    expect(response.headers.get("cache-control")).toBe("private, max-age=300");
    expect(response.headers.get("etag")).toMatch(/^"v\d+\.500000\.jsonl\.all"$/);
    expect(Date.parse(response.headers.get("last-modified")!)).not.toBeNaN();
    expect(rows).toHaveLength(129);
    expect(new Set(rows.map(key)).size).toBe(129);
    for (const row of rows) {
      expect(row).toMatchObject({
        is_eligible_search: "true",
        seller_name: "ACP Demo Store",
        store_country: "US",
      });
      expect(row.item_id).toMatch(/^\d+$/);
      expect(row.price).toMatch(/^\d+\.\d\d (USD|EUR|GBP)$/);
    }
  });

  it("answers 304 to If-None-Match and If-Modified-Since", async () => {
    const first = await fetch(stack.feedUrl(DEMO_SHOP), { method: "HEAD" });
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;

    const byTag = await fetch(stack.feedUrl(DEMO_SHOP), { headers: { "If-None-Match": `"x", W/${etag}` } });
    expect(byTag.status).toBe(304);
    expect(byTag.headers.get("etag")).toBe(etag);
    expect(await byTag.text()).toBe("");

    const byDate = await fetch(stack.feedUrl(DEMO_SHOP), { headers: { "If-Modified-Since": lastModified } });
    expect(byDate.status).toBe(304);

    // If-None-Match decides when both are sent; an old tag means "send it".
    const stale = await fetch(stack.feedUrl(DEMO_SHOP), {
      headers: { "If-None-Match": '"v0.500000.jsonl.all"', "If-Modified-Since": lastModified },
    });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();

    const older = new Date(Date.parse(lastModified) - 1000).toUTCString();
    const modified = await fetch(stack.feedUrl(DEMO_SHOP), { headers: { "If-Modified-Since": older } });
    expect(modified.status).toBe(200);
    await modified.arrayBuffer();
  });

  it("answers 404 to an unknown, malformed or other-format token", async () => {
    for (const token of [
      feedToken(),
      "feed_short",
      "acp_sk_x",
      // The real token with its last character changed (to something it is not).
      stack.tokens.get(DEMO_SHOP)!.slice(0, -1) + (stack.tokens.get(DEMO_SHOP)!.endsWith("A") ? "B" : "A"),
    ]) {
      const response = await fetch(`${stack.app.url}/feeds/${token}/products.jsonl.gz`);
      expect(response.status).toBe(404);
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("answers 503 until the shop's first full sync has finished", async () => {
    const response = await fetch(`${stack.app.url}/feeds/${notBuiltToken}/products.jsonl.gz`);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("300");
  });
});

describe("GET /feeds/:token/products.csv.gz", () => {
  it("serves the same rows as CSV with one header line", async () => {
    const response = await fetch(stack.feedUrl(DEMO_SHOP, "products.csv.gz"));
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toMatch(/\.csv\.all"$/);
    const records = parseCsv(gunzipSync(Buffer.from(await response.arrayBuffer())).toString("utf8"));
    const [header, ...data] = records;
    expect(header).toEqual(Object.values(FIELD_NAMES).map((field) => field.name));
    expect(data).toHaveLength(129);

    const { rows } = await fetchJsonlFeed(stack.feedUrl(DEMO_SHOP));
    const byKey = new Map(rows.map((row) => [key(row), row]));
    for (const record of data) {
      const fromCsv = Object.fromEntries(
        header.map((column, i) => [column, record[i]]).filter(([, v]) => v !== ""),
      );
      expect(fromCsv).toEqual(byKey.get(key(fromCsv as FeedRow)));
    }
    // Commas and quotes survive: lists, JSON and prose.
    expect(data.some((record) => record[header.indexOf("variant_dict")]?.startsWith('{"color"'))).toBe(true);
    expect(data.some((record) => record[header.indexOf("target_countries")]?.includes(","))).toBe(true);
  });
});

describe("shards", () => {
  it("splits the feed above the shard size, in a stable order, with an index", async () => {
    await stack.db.feedSettings.update({ where: { shop: DEMO_SHOP }, data: { shardSize: 50 } });
    try {
      const whole = await fetch(stack.feedUrl(DEMO_SHOP));
      expect(whole.status).toBe(300);
      const listed = (await whole.json()) as { shards: { jsonl: string; items: number }[] };
      expect(listed.shards.map((s) => s.items)).toEqual([50, 50, 29]);

      const index = await fetch(stack.feedUrl(DEMO_SHOP, "index.json"));
      expect(index.status).toBe(200);
      const body = (await index.json()) as {
        item_count: number;
        shard_size: number;
        shards: { index: number; items: number; jsonl: string; csv: string }[];
      };
      expect(body).toMatchObject({ item_count: 129, shard_size: 50 });
      expect(body.shards[2].jsonl).toBe(`${stack.feedUrl(DEMO_SHOP)}?shard=2`);

      const seen = new Set<string>();
      const etags = new Set<string>();
      for (const shard of body.shards) {
        const { response, rows } = await fetchJsonlFeed(shard.jsonl);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-disposition")).toContain(`products-${shard.index}.jsonl.gz`);
        etags.add(response.headers.get("etag")!);
        expect(rows).toHaveLength(shard.items);
        for (const row of rows) seen.add(key(row));
        const csv = await fetch(shard.csv);
        const records = parseCsv(gunzipSync(Buffer.from(await csv.arrayBuffer())).toString("utf8"));
        expect(records).toHaveLength(shard.items + 1);
      }
      expect(seen.size).toBe(129);
      expect(etags.size).toBe(3);

      for (const bad of ["3", "-1", "x", "1.5"]) {
        expect((await fetch(`${stack.feedUrl(DEMO_SHOP)}?shard=${bad}`)).status).toBe(404);
      }
    } finally {
      await stack.db.feedSettings.update({ where: { shop: DEMO_SHOP }, data: { shardSize: 500_000 } });
    }
    // Below the shard size, shard 0 is the whole feed.
    const { rows } = await fetchJsonlFeed(`${stack.feedUrl(DEMO_SHOP)}?shard=0`);
    expect(rows).toHaveLength(129);
  });
});

describe("feed tokens", () => {
  it("rotateFeedToken returns a working URL once and retires the old one", async () => {
    Object.assign(process.env, {
      DATABASE_URL: stack.app.databaseUrl,
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_API_SECRET,
      SHOPIFY_APP_URL: stack.app.url,
    });
    const { rotateFeedToken, feedUrlFor } = await import("../../app/catalog/feed-token.server");
    const old = stack.feedUrl(DEMO_SHOP);
    const rotated = await rotateFeedToken(DEMO_SHOP);
    expect(rotated.token).toMatch(/^feed_[A-Za-z0-9_-]{43}$/);
    expect(rotated.urls.jsonl).toBe(`${stack.app.url}/feeds/${rotated.token}/products.jsonl.gz`);

    const settings = await stack.db.feedSettings.findUnique({ where: { shop: DEMO_SHOP } });
    expect(settings?.tokenHash).toBe(createHash("sha256").update(rotated.token).digest("hex"));
    expect(JSON.stringify(settings)).not.toContain(rotated.token);

    expect((await fetch(old)).status).toBe(404);
    const { response, rows } = await fetchJsonlFeed(rotated.urls.jsonl);
    expect(response.status).toBe(200);
    expect(rows).toHaveLength(129);

    const shown = await feedUrlFor(DEMO_SHOP);
    expect(shown?.prefix).toBe(rotated.prefix);
    expect(shown?.urls.csv).toBe(
      `${stack.app.url}/feeds/${encodeURIComponent(`${rotated.prefix}…`)}/products.csv.gz`,
    );
    expect(await feedUrlFor("no-such-shop.myshopify.com")).toBeNull();
  });
});
