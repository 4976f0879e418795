import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP, demoShop, EU_ACCESS_TOKEN, EU_SHOP, euShop } from "./fixtures/catalog";
import { startShopifySandbox, type ShopifySandbox } from "./server";
import { adminData, adminGraphql } from "./testing";

let sandbox: ShopifySandbox;

beforeAll(async () => {
  sandbox = await startShopifySandbox({ shops: [demoShop(), euShop()] });
});

afterAll(async () => {
  await sandbox?.stop();
});

type Errors = {
  message: string;
  locations?: unknown;
  path?: unknown[];
  extensions?: Record<string, unknown>;
}[];
const errorsOf = (body: { errors?: unknown }) => body.errors as Errors;

describe("requests Shopify rejects before executing", () => {
  it("answers a syntax error with graphql-ruby's parse message and location (HTTP 200)", async () => {
    const response = await adminGraphql(sandbox, { query: "query { shop { name " });
    expect(response.status).toBe(200);
    expect(errorsOf(response.body)).toEqual([
      { message: "Unexpected end of document", locations: [{ line: 1, column: 21 }] },
    ]);

    const misplaced = await adminGraphql(sandbox, { query: "query { shop { name } } }" });
    expect(errorsOf(misplaced.body)[0].message).toBe('Parse error on "}" (RCURLY) at [1, 25]');
    expect(misplaced.body.data).toBeUndefined();
  });

  it("rejects an unknown field as undefinedField with the path and names", async () => {
    const response = await adminGraphql(sandbox, { query: "query ShopInfo { shop { name nope } }" });
    expect(response.status).toBe(200);
    expect(errorsOf(response.body)).toEqual([
      {
        message: "Field 'nope' doesn't exist on type 'Shop'",
        locations: [{ line: 1, column: 30 }],
        path: ["query ShopInfo", "shop", "nope"],
        extensions: { code: "undefinedField", typeName: "Shop", fieldName: "nope" },
      },
    ]);
    expect(response.body.extensions?.cost).toBeDefined();
  });

  it("rejects unknown and missing arguments like graphql-ruby", async () => {
    const response = await adminGraphql(sandbox, {
      query: '{ products(first: 1, quer: "x") { nodes { id } } product { id } }',
    });
    expect(errorsOf(response.body).map((error) => error.extensions)).toEqual([
      { code: "argumentNotAccepted", name: "products", typeName: "Field", argumentName: "quer" },
      { code: "missingRequiredArguments", className: "Field", name: "product", arguments: "id" },
    ]);
    expect(errorsOf(response.body)[0].message).toBe("Field 'products' doesn't accept argument 'quer'");
  });

  it("rejects a variable of the wrong type, a mismatched variable and a bad variable value", async () => {
    const mismatch = await adminGraphql(sandbox, {
      query: "query Product($id: String!) { product(id: $id) { id } }",
      variables: { id: "gid://shopify/Product/1" },
    });
    expect(errorsOf(mismatch.body)[0]).toMatchObject({
      message: "Type mismatch on variable $id and argument id (String! / ID!)",
      extensions: { code: "variableMismatch", variableName: "id", argumentName: "id" },
    });

    const badValue = await adminGraphql(sandbox, {
      query: "query Products($first: Int!) { products(first: $first) { nodes { id } } }",
      variables: { first: "ten" },
    });
    expect(badValue.status).toBe(200);
    expect(errorsOf(badValue.body)[0]).toMatchObject({
      message: "Variable $first of type Int! was provided invalid value",
      extensions: {
        code: "INVALID_VARIABLE",
        value: "ten",
        problems: [{ path: [], explanation: 'Could not coerce value "ten" to Int' }],
      },
    });

    const missing = await adminGraphql(sandbox, {
      query: "query Product($id: ID!) { product(id: $id) { id } }",
    });
    expect(errorsOf(missing.body)[0].extensions).toMatchObject({
      code: "INVALID_VARIABLE",
      problems: [{ path: [], explanation: "Expected value to not be null" }],
    });
  });

  it("names the offending input field inside an input object variable", async () => {
    const response = await adminGraphql(sandbox, {
      query:
        "query Price($context: ContextualPricingContext!) { productVariants(first: 1) { nodes { contextualPricing(context: $context) { price { amount } } } } }",
      variables: { context: { country: "ATLANTIS", planet: "Mars" } },
    });
    const [error] = errorsOf(response.body);
    expect(error.extensions?.code).toBe("INVALID_VARIABLE");
    expect(error.extensions?.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ["country"] }),
        { path: ["planet"], explanation: "Field is not defined on ContextualPricingContext" },
      ]),
    );
  });

  it("says which root field the sandbox does not implement instead of returning null", async () => {
    const response = await adminGraphql(sandbox, { query: "{ giftCards(first: 1) { nodes { id } } }" });
    expect(errorsOf(response.body)[0]).toMatchObject({
      message: "The sandbox does not implement Query.giftCards",
      path: ["giftCards"],
    });
  });

  it("says which field of a view is missing", async () => {
    const response = await adminGraphql(sandbox, {
      query: "{ products(first: 1) { nodes { id resourcePublicationsCount { count } } } }",
    });
    expect(errorsOf(response.body)[0].message).toBe(
      "The sandbox does not implement Product.resourcePublicationsCount",
    );
  });
});

describe("authentication and routing", () => {
  it("answers 401 with Shopify's message for a wrong or missing access token", async () => {
    for (const token of ["shpat_wrong", null]) {
      const response = await adminGraphql(sandbox, { query: "{ shop { name } }", token });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
      });
    }
  });

  it("answers 404 for an unknown shop, an unserved API version and unknown paths", async () => {
    const unknownShop = await adminGraphql(sandbox, {
      query: "{ shop { name } }",
      shop: "nope.myshopify.com",
    });
    expect(unknownShop.status).toBe(404);
    const oldVersion = await adminGraphql(sandbox, { query: "{ shop { name } }", version: "2025-01" });
    expect(oldVersion.status).toBe(404);
    expect(oldVersion.body).toEqual({ errors: "Not Found" });
    const other = await fetch(`${sandbox.url}/admin/api/2026-04/products.json`);
    expect(other.status).toBe(404);
  });

  it("answers 400 when the body has no query", async () => {
    const response = await fetch(`${sandbox.url}/admin/api/2026-04/graphql.json`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Access-Token": DEMO_ACCESS_TOKEN,
        "x-shopify-sandbox-shop": DEMO_SHOP,
      },
      body: JSON.stringify({ variables: {} }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: { query: "Required parameter missing or invalid" } });
  });

  it("finds the shop from the Host header when the transport header is absent", async () => {
    const { request } = await import("node:http");
    const body = JSON.stringify({ query: "{ shop { myshopifyDomain currencyCode } }" });
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${sandbox.url}/admin/api/2026-04/graphql.json`,
        {
          method: "POST",
          headers: {
            Host: EU_SHOP,
            "Content-Type": "application/json",
            "X-Shopify-Access-Token": EU_ACCESS_TOKEN,
          },
        },
        (res) => {
          let data = "";
          res.on("data", (chunk) => (data += chunk));
          res.on("end", () => resolve(data));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(JSON.parse(text).data.shop).toEqual({ myshopifyDomain: EU_SHOP, currencyCode: "EUR" });
  });

  it("keeps shops apart: tokens, catalogs and ids", async () => {
    const crossToken = await adminGraphql(sandbox, {
      query: "{ shop { name } }",
      shop: EU_SHOP,
      token: DEMO_ACCESS_TOKEN,
    });
    expect(crossToken.status).toBe(401);
    const demoProduct = [...sandbox.shops.get(DEMO_SHOP)!.products.keys()][0];
    const data = await adminData<{
      product: null;
      productsCount: { count: number };
      shop: { taxesIncluded: boolean };
    }>(sandbox, {
      shop: EU_SHOP,
      token: EU_ACCESS_TOKEN,
      query: "query($id: ID!) { product(id: $id) { id } productsCount { count } shop { taxesIncluded } }",
      variables: { id: demoProduct },
    });
    expect(data).toEqual({ product: null, productsCount: { count: 3 }, shop: { taxesIncluded: true } });
  });

  it("denies fields the installation has no scope for, like Shopify (ACCESS_DENIED, HTTP 200)", async () => {
    const limited = euShop({ scopes: ["read_locations"] });
    limited.domain = "acp-limited.myshopify.com";
    sandbox.addShop(limited);
    const response = await adminGraphql(sandbox, {
      shop: limited.domain,
      token: EU_ACCESS_TOKEN,
      query: "{ locations(first: 1) { nodes { name } } products(first: 1) { nodes { id } } }",
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toBeNull();
    expect(errorsOf(response.body)[0]).toMatchObject({
      message: "Access denied for products field. Required access: `read_products` access scope.",
      extensions: { code: "ACCESS_DENIED" },
    });
  });
});

describe("query cost and throttling", () => {
  it("reports Shopify's calculated cost: objects 1, connections 2 + first × element, mutations 10", async () => {
    const costOf = async (query: string) => (await adminGraphql(sandbox, { query })).body.extensions!.cost!;
    expect((await costOf("{ shop { name currencyCode } }")).requestedQueryCost).toBe(1);
    expect((await costOf("{ products(first: 10) { edges { node { id title } } } }")).requestedQueryCost).toBe(
      12,
    );
    const nested = await costOf(
      "{ products(first: 10) { nodes { id featuredMedia { preview { image { url } } } variants(first: 5) { nodes { id } } } } }",
    );
    // 2 + 10 × (product 1 + featuredMedia 1 + preview 1 + image 1 + (2 + 5 × 1))
    expect(nested.requestedQueryCost).toBe(2 + 10 * (1 + 3 + 7));
    // Only 15 products exist: the actual cost counts what came back.
    const actual = await costOf("{ products(first: 50) { nodes { id } } }");
    expect(actual).toMatchObject({ requestedQueryCost: 52, actualQueryCost: 17 });
    const mutation = await costOf(
      'mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/1") { userErrors { message } } }',
    );
    expect(mutation.requestedQueryCost).toBe(10);
    expect(mutation.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
  });

  it("refuses a query over the single-query limit with MAX_COST_EXCEEDED", async () => {
    const response = await adminGraphql(sandbox, {
      query: "{ products(first: 250) { nodes { id variants(first: 250) { nodes { id } } } } }",
    });
    expect(response.body.data).toBeUndefined();
    const [error] = errorsOf(response.body);
    expect(error.message).toMatch(
      /^Query cost is 63252, which exceeds the single query max cost limit \(1000\)\./,
    );
    expect(error.extensions).toEqual({ code: "MAX_COST_EXCEEDED", cost: 63252, maxCost: 1000 });
  });

  it("throttles once the bucket is drained and recovers at the restore rate of the sandbox clock", async () => {
    const bucket = sandbox.bucket(DEMO_SHOP);
    bucket.drain(5);
    const throttled = await adminGraphql(sandbox, { query: "{ products(first: 10) { nodes { id } } }" });
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(errorsOf(throttled.body)).toEqual([
      {
        message: "Throttled",
        extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
      },
    ]);
    expect(throttled.body.extensions!.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: null });
    expect(throttled.body.extensions!.cost!.throttleStatus.currentlyAvailable).toBeLessThan(12);

    sandbox.control.advanceClock(1_000); // +100 points
    const recovered = await adminGraphql(sandbox, { query: "{ products(first: 10) { nodes { id } } }" });
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.extensions!.cost!.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(90);
  });

  it("drains by sending real queries until THROTTLED", async () => {
    const small = await startShopifySandbox({
      shops: [demoShop()],
      rateLimit: { maximumAvailable: 60, restoreRate: 1 },
    });
    try {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 6; i += 1) {
        const response = await adminGraphql(small, { query: "{ products(first: 15) { nodes { id } } }" });
        codes.push(
          Array.isArray(response.body.errors)
            ? (response.body.errors[0].extensions?.code as string)
            : undefined,
        );
      }
      // 17 points each (requested as actual: 15 products): three fit in 60, the fourth waits.
      expect(codes.slice(0, 3)).toEqual([undefined, undefined, undefined]);
      expect(codes.slice(3)).toContain("THROTTLED");
    } finally {
      await small.stop();
    }
  });
});

describe("faults", () => {
  it("fails the next matching request with the given status, once", async () => {
    sandbox.faults.add({ operationName: "ShopInfo", status: 503 });
    const failed = await adminGraphql(sandbox, { query: "query ShopInfo { shop { name } }" });
    expect(failed.status).toBe(503);
    const next = await adminGraphql(sandbox, { query: "query ShopInfo { shop { name } }" });
    expect(next.status).toBe(200);
  });

  it("answers 429 with Retry-After, matching the operation name by pattern", async () => {
    sandbox.faults.add({ operationName: /^Catalog/, status: 429, times: 2 });
    const first = await adminGraphql(sandbox, { query: "query CatalogPage { shop { name } }" });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("2.0");
    expect((await adminGraphql(sandbox, { query: "query CatalogPage { shop { name } }" })).status).toBe(429);
    expect((await adminGraphql(sandbox, { query: "query CatalogPage { shop { name } }" })).status).toBe(200);
  });

  it("matches on a root field and can delay a successful answer", async () => {
    sandbox.faults.add({ rootField: "productsCount", delayMs: 150 });
    const started = Date.now();
    const response = await adminGraphql(sandbox, { query: "{ productsCount { count } }" });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("drops the connection without an answer", async () => {
    sandbox.faults.add({ rootField: "shop", dropConnection: true });
    await expect(adminGraphql(sandbox, { query: "{ shop { name } }" })).rejects.toThrow(/fetch failed/);
    expect((await adminGraphql(sandbox, { query: "{ shop { name } }" })).status).toBe(200);
  });

  it("afterEffect: the work is done, then the answer fails (the timeout-after-commit case)", async () => {
    const shop = sandbox.shops.get(DEMO_SHOP)!;
    const before = shop.bulkOperations.size;
    sandbox.faults.add({ rootField: "bulkOperationRunQuery", afterEffect: true, status: 502 });
    const response = await adminGraphql(sandbox, {
      query:
        'mutation { bulkOperationRunQuery(query: "{ products { edges { node { id } } } }", groupObjects: false) { bulkOperation { id } } }',
    });
    expect(response.status).toBe(502);
    expect(shop.bulkOperations.size).toBe(before + 1);

    sandbox.faults.add({ rootField: "bulkOperationRunQuery", afterEffect: true, dropConnection: true });
    await expect(
      adminGraphql(sandbox, {
        query:
          'mutation { bulkOperationRunQuery(query: "{ products { edges { node { id } } } }", groupObjects: false) { bulkOperation { id } } }',
      }),
    ).rejects.toThrow();
    expect(shop.bulkOperations.size).toBe(before + 2);
    await sandbox.bulk.settle();
  });
});

describe("node and nodes", () => {
  it("resolves catalog GIDs of any type, null for unknown ids, an error for malformed ids", async () => {
    const shop = sandbox.shops.get(DEMO_SHOP)!;
    const product = [...shop.products.values()][0];
    const variant = product.variants[0];
    const data = await adminData<{ nodes: ({ __typename: string; id: string } | null)[] }>(sandbox, {
      query: `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on ProductVariant { sku product { title } } } }`,
      variables: {
        ids: [
          product.id,
          variant.id,
          variant.inventoryItem.id,
          shop.locations[0].id,
          [...shop.collections.keys()][0],
          "gid://shopify/Product/1",
        ],
      },
    });
    expect(data.nodes.map((node) => node?.__typename ?? null)).toEqual([
      "Product",
      "ProductVariant",
      "InventoryItem",
      "Location",
      "Collection",
      null,
    ]);
    expect(data.nodes[1]).toMatchObject({ sku: variant.sku, product: { title: product.title } });

    const malformed = await adminGraphql(sandbox, { query: '{ node(id: "12345") { id } }' });
    expect(errorsOf(malformed.body)[0]).toMatchObject({
      message: "Invalid global id '12345'",
      extensions: { code: "argumentLiteralsIncompatible" },
    });
  });
});

describe("resolver modules", () => {
  it("merges extra modules; node(id:) falls back to the root field named after the type", async () => {
    const extra = await startShopifySandbox({
      shops: [demoShop()],
      modules: [
        {
          Query: {
            giftCard: (args) =>
              args.id === "gid://shopify/GiftCard/42"
                ? { id: args.id, lastCharacters: "ab12", enabled: true }
                : null,
          },
        },
      ],
    });
    try {
      const data = await adminData<{
        giftCard: { lastCharacters: string };
        node: { __typename: string; enabled: boolean };
      }>(extra, {
        query: `{ giftCard(id: "gid://shopify/GiftCard/42") { lastCharacters } node(id: "gid://shopify/GiftCard/42") { __typename ... on GiftCard { enabled } } }`,
      });
      expect(data).toEqual({
        giftCard: { lastCharacters: "ab12" },
        node: { __typename: "GiftCard", enabled: true },
      });
      await expect(startShopifySandbox({ modules: [{ Query: { shop: () => null } }] })).rejects.toThrow(
        "Two sandbox resolver modules define Query.shop",
      );
    } finally {
      await extra.stop();
    }
  });

  it("builds the 2026-04 schema once per process", async () => {
    const { adminSchema, adminSchemaLoadMs } = await import("./schema");
    expect(adminSchema()).toBe(adminSchema());
    expect(adminSchema().getQueryType()?.name).toBe("QueryRoot");
    expect(adminSchemaLoadMs()).toBeGreaterThan(0);
    console.log(`[sandbox schema] 2026-04 SDL built in ${adminSchemaLoadMs()!.toFixed(0)} ms`);
  });
});
