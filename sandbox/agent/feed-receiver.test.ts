import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseCsv, startFeedReceiver, type FeedReceiver, type Product } from "./feed-receiver";
import { loadExample, validateDef } from "./spec";

const FEED_JSON = "json-schema/schema.feed.json";
const FEED_OPENAPI = "openapi/openapi.feed.yaml";
const examples = loadExample("2026-04-17", "examples.feed.json") as Record<string, Record<string, unknown>>;

let feeds: FeedReceiver;
beforeAll(async () => {
  feeds = await startFeedReceiver({ token: "tok_test" });
});
afterEach(() => feeds.reset());
afterAll(() => feeds.close());

async function api(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string | null> = {},
) {
  const all: Record<string, string> = {
    Authorization: "Bearer tok_test",
    "API-Version": "2026-04-17",
    ...(body === undefined ? {} : { "Content-Type": "application/json" }),
  };
  for (const [name, value] of Object.entries(headers)) {
    if (value === null) delete all[name];
    else all[name] = value;
  }
  const response = await fetch(`${feeds.origin}${path}`, {
    method,
    headers: all,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
  };
}

function product(id: string, variantTitle = "Default", extra: Record<string, unknown> = {}): Product {
  return {
    id,
    title: `Product ${id}`,
    variants: [{ id: `${id}-v1`, title: variantTitle, price: { amount: 1999, currency: "USD" } }],
    ...extra,
  };
}

async function createFeed(targetCountry = "US"): Promise<string> {
  const created = await api("POST", "/feeds", { target_country: targetCountry });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

describe("Feed API (2026-04-17, agent-hosted)", () => {
  it("round trip: create, read, upsert, read products, upsert only what changed", async () => {
    const created = await api("POST", "/feeds", examples.create_feed_request_minimal);
    expect(created.status).toBe(201);
    expect(validateDef("2026-04-17", FEED_JSON, "FeedMetadata", created.body).valid).toBe(true);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^feed_/), target_country: "US" });
    const id = created.body.id as string;

    const got = await api("GET", `/feeds/${id}`);
    expect(got).toMatchObject({ status: 200, body: created.body });

    const upsert = await api(
      "PATCH",
      `/feeds/${id}/products`,
      examples.upsert_products_request_single_product,
    );
    expect(upsert.status).toBe(200);
    expect(upsert.body).toEqual({ id, accepted: true });
    expect(validateDef("2026-04-17", FEED_OPENAPI, "UpsertProductsResponse", upsert.body).valid).toBe(true);

    const second = await api("PATCH", `/feeds/${id}/products`, { products: [product("prod_b")] });
    expect(second.status).toBe(200);
    const products = await api("GET", `/feeds/${id}/products`);
    expect(products.status).toBe(200);
    expect(validateDef("2026-04-17", FEED_JSON, "ProductsResponse", products.body).valid).toBe(true);
    expect((products.body.products as Product[]).map((p) => p.id)).toEqual(["prod_classic_tee", "prod_b"]);

    // Changing one product leaves the others as they were (PATCH upserts, it does not replace).
    await api("PATCH", `/feeds/${id}/products`, { products: [product("prod_b", "Renamed")] });
    const after = feeds.products(id)!;
    expect(after.find((p) => p.id === "prod_classic_tee")).toEqual(
      (examples.upsert_products_request_single_product.products as Product[])[0],
    );
    expect((after.find((p) => p.id === "prod_b")!.variants[0] as { title: string }).title).toBe("Renamed");
    expect(feeds.unchangedUpserts()).toEqual([]);
    expect(feeds.upserts().map((u) => u.productIds)).toEqual([["prod_classic_tee"], ["prod_b"], ["prod_b"]]);

    const metadata = (await api("GET", `/feeds/${id}`)).body;
    expect(Date.parse(metadata.updated_at as string)).toBeGreaterThanOrEqual(
      Date.parse(created.body.updated_at as string),
    );
  });

  it("flags products re-sent without a change, so the app's delta sync can be checked", async () => {
    const id = await createFeed();
    await api("PATCH", `/feeds/${id}/products`, { products: [product("a"), product("b")] });
    // Same content, other key order: still unchanged.
    const { id: pid, title, variants } = product("a");
    await api("PATCH", `/feeds/${id}/products`, {
      products: [{ variants, title, id: pid }, product("b", "changed")],
    });
    expect(feeds.unchangedUpserts()).toEqual([{ requestSeq: 3, feedId: id, productId: "a" }]);
  });

  it("rejects payloads the 2026-04-17 schema rejects, with the spec's flat Error", async () => {
    const id = await createFeed();
    const noTitle = await api("PATCH", `/feeds/${id}/products`, {
      products: [{ id: "p", variants: [{ id: "v" }] }],
    });
    expect(noTitle.status).toBe(400);
    expect(noTitle.body).toMatchObject({
      type: "invalid_request",
      code: "invalid_product_payload",
      param: "products[0].variants[0]",
    });
    expect(validateDef("2026-04-17", FEED_JSON, "Error", noTitle.body).valid).toBe(true);

    const empty = await api("PATCH", `/feeds/${id}/products`, { products: [] });
    expect(empty).toMatchObject({ status: 400, body: examples.feed_error_invalid_request });

    const twice = await api("PATCH", `/feeds/${id}/products`, { products: [product("x"), product("x")] });
    expect(twice).toMatchObject({ status: 400, body: { code: "duplicate_product_id" } });

    const lowerCountry = await api("POST", "/feeds", { target_country: "us" });
    expect(lowerCountry).toMatchObject({ status: 400, body: { param: "target_country" } });
    expect((await api("POST", "/feeds", { target_country: "US", extra: 1 })).status).toBe(400);
    expect(feeds.products(id)).toEqual([]);
  });

  it("answers 404 feed_not_found like the spec example", async () => {
    expect(await api("GET", "/feeds/feed_missing")).toMatchObject({
      status: 404,
      body: examples.feed_error_not_found,
    });
    expect((await api("GET", "/feeds/feed_missing/products")).status).toBe(404);
    expect((await api("PATCH", "/feeds/feed_missing/products", { products: [product("a")] })).status).toBe(
      404,
    );
    expect((await api("GET", "/nowhere")).status).toBe(404);
  });

  it("requires the bearer token, API-Version 2026-04-17 and JSON", async () => {
    const noAuth = await api("GET", "/feeds/x", undefined, { Authorization: null });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get("www-authenticate")).toBe("Bearer");
    expect((await api("GET", "/feeds/x", undefined, { Authorization: "Bearer nope" })).status).toBe(401);
    expect(await api("POST", "/feeds", {}, { "API-Version": null })).toMatchObject({
      status: 400,
      body: { code: "missing_api_version" },
    });
    expect(await api("POST", "/feeds", {}, { "API-Version": "2026-01-30" })).toMatchObject({
      status: 400,
      body: { code: "unsupported_api_version" },
    });
    expect(await api("POST", "/feeds", "{}", { "Content-Type": "text/plain" })).toMatchObject({
      status: 400,
      body: { code: "invalid_content_type" },
    });
    expect(await api("POST", "/feeds", "{oops")).toMatchObject({
      status: 400,
      body: { code: "invalid_json" },
    });
    const wrongMethod = await api("DELETE", "/feeds/x");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET");
  });

  it("replays POST /feeds for a repeated Idempotency-Key and refuses a different body under it", async () => {
    const first = await api("POST", "/feeds", { target_country: "US" }, { "Idempotency-Key": "idem_1" });
    const again = await api("POST", "/feeds", { target_country: "US" }, { "Idempotency-Key": "idem_1" });
    expect(again.body).toEqual(first.body);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(feeds.feeds()).toHaveLength(1);
    const conflict = await api("POST", "/feeds", { target_country: "GB" }, { "Idempotency-Key": "idem_1" });
    expect(conflict).toMatchObject({ status: 422, body: { code: "idempotency_conflict" } });
    expect(feeds.requests().map((r) => r.replayed ?? false)).toEqual([false, true, false]);
  });

  it("injects faults on chosen requests and logs them", async () => {
    const id = await createFeed();
    feeds.faults.add({ status: 503, match: { method: "PATCH" } });
    const failed = await api("PATCH", `/feeds/${id}/products`, { products: [product("a")] });
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("1");
    expect(feeds.products(id)).toEqual([]);
    expect((await api("PATCH", `/feeds/${id}/products`, { products: [product("a")] })).status).toBe(200);

    feeds.faults.add({ dropConnection: true, match: { path: /^\/feeds\// } });
    await expect(api("GET", `/feeds/${id}`)).rejects.toThrow();
    expect(
      feeds.requests().map((r) => [r.method, r.status, r.fault?.status ?? r.fault?.dropConnection ?? null]),
    ).toEqual([
      ["POST", 201, null],
      ["PATCH", 503, 503],
      ["PATCH", 200, null],
      ["GET", "dropped", true],
    ]);
  });
});

describe("whole-file upload", () => {
  async function upload(
    name: string,
    content: string | Buffer,
    { feedId, method = "PUT", token = "tok_test" } = {} as {
      feedId?: string;
      method?: string;
      token?: string;
    },
  ) {
    const body = typeof content === "string" ? gzipSync(content) : content;
    const response = await fetch(feeds.uploadUrl(name, feedId), {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/gzip" },
      body: new Uint8Array(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const flatRow = (id: string, extra: Record<string, string> = {}) => ({
    item_id: id,
    title: `Tee ${id}`,
    description: "A tee",
    url: `https://shop.example/p/${id}`,
    brand: "Acme",
    seller_name: "Acme Store",
    image_url: `https://cdn.example/${id}.jpg`,
    availability: "in_stock",
    price: "19.99 USD",
    ...extra,
  });

  it("stores a jsonl.gz of ACP Products, gunzips it and counts rows", async () => {
    const lines = [product("a"), product("b"), product("c")].map((p) => JSON.stringify(p)).join("\n") + "\n";
    const response = await upload("products.jsonl.gz", lines, { method: "POST" });
    expect(response).toEqual({ status: 201, body: { name: "products.jsonl.gz", format: "jsonl", rows: 3 } });
    const [stored] = feeds.uploads();
    expect(stored).toMatchObject({
      name: "products.jsonl.gz",
      format: "jsonl",
      rows: 3,
      validRows: 3,
      errors: [],
      method: "POST",
    });
    expect(stored.text).toBe(lines);
    expect(stored.gzip.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it("answers 422 and records row errors when rows break the Product schema", async () => {
    const lines = [
      JSON.stringify(product("a")),
      JSON.stringify({ id: "b" }),
      "{broken",
      JSON.stringify(product("a")),
    ].join("\n");
    const response = await upload("products.jsonl.gz", lines);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ type: "invalid_request", code: "invalid_rows" });
    expect(feeds.uploads()[0].errors).toEqual([
      { row: 2, message: "$ must have required property 'variants'" },
      { row: 3, message: "not valid JSON" },
      { row: 4, message: 'duplicate Product.id "a"' },
    ]);
    expect(feeds.uploads()[0].validRows).toBe(1);
  });

  it("checks flat CSV rows for OpenAI's required fields, quotes and all", async () => {
    const header = Object.keys(flatRow("x"));
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const csv = (rows: Array<Record<string, string>>) =>
      [header.join(","), ...rows.map((r) => header.map((h) => quote(r[h] ?? "")).join(","))].join("\r\n") +
      "\r\n";

    const ok = await upload(
      "feed.csv.gz",
      csv([flatRow("1", { description: 'Soft, "premium"\ncotton' }), flatRow("2")]),
    );
    expect(ok).toEqual({ status: 201, body: { name: "feed.csv.gz", format: "csv", rows: 2 } });

    const bad = await upload(
      "feed.csv.gz",
      csv([flatRow("1", { brand: "" }), flatRow("2", { price: "N/A" })]),
    );
    expect(bad.status).toBe(422);
    expect(feeds.uploads()[1].errors).toEqual([
      { row: 1, message: 'missing required field "brand"' },
      { row: 2, message: '"price" is a placeholder ("N/A"); omit unknown values instead' },
    ]);
  });

  it("replaces a feed's whole product set when uploaded for that feed", async () => {
    const id = await createFeed();
    await api("PATCH", `/feeds/${id}/products`, { products: [product("old"), product("kept")] });
    const lines = [product("kept", "New title"), product("new")].map((p) => JSON.stringify(p)).join("\n");
    expect((await upload("products.jsonl.gz", lines, { feedId: id })).status).toBe(201);
    expect(feeds.products(id)!.map((p) => p.id)).toEqual(["kept", "new"]);
    expect(feeds.uploads()[0].replacedFeed).toBe(true);
    expect((await upload("products.jsonl.gz", lines, { feedId: "feed_nope" })).status).toBe(404);
  });

  it("refuses what is not a gzip jsonl/csv file, and a wrong token", async () => {
    expect((await upload("products.jsonl.gz", Buffer.from('{"id":"a"}'))).body.code).toBe("invalid_gzip");
    expect((await upload("products.json", "{}")).body.code).toBe("unsupported_format");
    expect((await upload("products.jsonl.gz", "x", { token: "wrong" })).status).toBe(401);
    expect(feeds.uploads()).toEqual([]);
    expect(feeds.requests()).toHaveLength(3);
  });

  it("honours a flat JSONL profile", async () => {
    const flat = await startFeedReceiver({
      token: "t",
      jsonlProfile: "flat",
      flatRequiredFields: ["item_id", "price"],
    });
    try {
      const response = await fetch(flat.uploadUrl("items.jsonl.gz"), {
        method: "PUT",
        headers: { Authorization: "Bearer t" },
        body: new Uint8Array(gzipSync('{"item_id":"1","price":"1.00 USD"}\n{"item_id":"2"}\n')),
      });
      expect(response.status).toBe(422);
      expect(flat.uploads()[0].errors).toEqual([{ row: 2, message: 'missing required field "price"' }]);
    } finally {
      await flat.close();
    }
  });
});

describe("parseCsv", () => {
  it.each([
    [
      "a,b\n1,2\n",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    [
      'a,b\r\n"x, y","say ""hi"""\r\n',
      [
        ["a", "b"],
        ["x, y", 'say "hi"'],
      ],
    ],
    ['a\n"multi\nline"\n\n', [["a"], ["multi\nline"]]],
    [
      "a,b\n1,",
      [
        ["a", "b"],
        ["1", ""],
      ],
    ],
  ])("%j", (text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });

  it("rejects an unterminated quote", () => {
    expect(() => parseCsv('a\n"open')).toThrow(/unterminated/);
  });
});
