import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP, demoShop, euShop, gtin13 } from "./fixtures/catalog";
import { startShopifySandbox, type ShopifySandbox } from "./server";
import { adminData, adminGraphql } from "./testing";

let sandbox: ShopifySandbox;

beforeAll(async () => {
  sandbox = await startShopifySandbox({ shops: [demoShop(), euShop()] });
});

afterAll(async () => {
  await sandbox?.stop();
});

type Page = {
  products: {
    edges: { cursor: string; node: { id: string; title: string } }[];
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string | null;
      endCursor: string | null;
    };
  };
};

const PAGE = `query Page($first: Int, $after: String, $last: Int, $before: String, $query: String, $sortKey: ProductSortKeys, $reverse: Boolean) {
  products(first: $first, after: $after, last: $last, before: $before, query: $query, sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { id title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

async function titles(query: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  const data = await adminData<Page>(sandbox, { query: PAGE, variables: { first: 50, query, ...extra } });
  return data.products.edges.map((edge) => edge.node.title);
}

describe("pagination", () => {
  it("pages forward with first/after and Shopify-style cursors until hasNextPage is false", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: Page = await adminData<Page>(sandbox, { query: PAGE, variables: { first: 4, after } });
      pages += 1;
      seen.push(...data.products.edges.map((edge) => edge.node.id));
      expect(data.products.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!data.products.pageInfo.hasNextPage) break;
      after = data.products.pageInfo.endCursor;
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(15);
    expect(seen).toEqual([...seen].sort());
    const cursor = JSON.parse(Buffer.from(after!, "base64").toString());
    expect(cursor).toEqual({ last_id: expect.any(Number), last_value: expect.any(Number) });
  });

  it("pages backward with last/before and honours sortKey and reverse", async () => {
    const all = await adminData<Page>(sandbox, { query: PAGE, variables: { first: 50, sortKey: "TITLE" } });
    const sortedTitles = all.products.edges.map((edge) => edge.node.title);
    expect(sortedTitles).toEqual(
      [...sortedTitles].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );

    const lastTwo = await adminData<Page>(sandbox, { query: PAGE, variables: { last: 2, sortKey: "TITLE" } });
    expect(lastTwo.products.edges.map((edge) => edge.node.title)).toEqual(sortedTitles.slice(-2));
    expect(lastTwo.products.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const before = await adminData<Page>(sandbox, {
      query: PAGE,
      variables: { last: 3, before: lastTwo.products.pageInfo.startCursor, sortKey: "TITLE" },
    });
    expect(before.products.edges.map((edge) => edge.node.title)).toEqual(sortedTitles.slice(-5, -2));

    const reversed = await titles("", { sortKey: "TITLE", reverse: true });
    expect(reversed).toEqual([...sortedTitles].reverse());
  });

  it("requires first or last, like the Admin API", async () => {
    const response = await adminGraphql(sandbox, { query: '{ products(query: "") { nodes { id } } }' });
    expect((response.body.errors as { message: string }[])[0].message).toBe(
      "you must provide one of first or last",
    );
  });
});

describe("search syntax", () => {
  it("filters by status, tag, product type, vendor, title, sku, gift card and id", async () => {
    expect(await titles("status:draft")).toEqual(["Prototype Desk Lamp"]);
    expect((await titles("status:active,archived")).length).toBe(14);
    expect(await titles("tag:apparel status:active")).toEqual(["Classic Organic Tee", "Merino Wool Sweater"]);
    expect(await titles("product_type:Coffee")).toEqual(["Espresso Beans 1kg"]);
    expect(await titles("vendor:'Kiln & Co'")).toEqual(["Ceramic Pour-Over Set", "Espresso Beans 1kg"]);
    expect(await titles("title:tee")).toEqual(["Classic Organic Tee"]);
    expect(await titles("title:bott*")).toEqual(["Stainless Water Bottle"]);
    expect(await titles("sku:TRAIL-RED-9")).toEqual(["Trail Running Shoes"]);
    expect(await titles("gift_card:true")).toEqual(["ACP Gift Card"]);
    const tee = [...sandbox.shops.get(DEMO_SHOP)!.products.values()].find(
      (product) => product.title === "Classic Organic Tee",
    )!;
    expect(await titles(`id:${tee.id.split("/").pop()}`)).toEqual(["Classic Organic Tee"]);
    expect((await titles(`id:>${tee.id.split("/").pop()}`)).length).toBe(14);
  });

  it("supports OR, NOT / -, parentheses, bare words and published_status", async () => {
    expect(await titles("product_type:Poster OR product_type:Lighting")).toEqual([
      "Limited Edition Poster",
      "Prototype Desk Lamp",
    ]);
    expect((await titles("-tag:kitchen")).includes("Espresso Beans 1kg")).toBe(false);
    expect(await titles("(tag:linen OR tag:coffee) NOT vendor:'Kiln & Co'")).toEqual([
      "Linen Napkins (Set of 4)",
    ]);
    expect(await titles("merino")).toEqual(["Merino Wool Sweater"]);
    expect(await titles("published_status:unpublished status:active")).toEqual(["Wholesale Sample Kit"]);
  });

  it("compares updated_at after a merchant edit", async () => {
    const shop = sandbox.shops.get(DEMO_SHOP)!;
    const bottle = [...shop.products.values()].find((product) => product.title === "Stainless Water Bottle")!;
    const before = sandbox.now().toISOString();
    sandbox.control.advanceClock(60_000);
    sandbox.control.updateProduct(bottle.id, { tags: [...bottle.tags, "summer"] });
    expect(await titles(`updated_at:>'${before}'`)).toEqual(["Stainless Water Bottle"]);
    expect(await titles("tag:summer")).toEqual(["Stainless Water Bottle"]);
  });

  it("ignores unknown filter fields with Shopify's extensions.search warning", async () => {
    const response = await adminGraphql(sandbox, {
      query: '{ products(first: 1, query: "colour:red") { nodes { id } } }',
    });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.extensions?.search).toEqual([
      {
        path: ["products"],
        query: "colour:red",
        warnings: [
          { field: "colour", message: "Invalid search field for this query.", code: "invalid_field" },
        ],
      },
    ]);
  });

  it("filters variants and counts", async () => {
    const data = await adminData<{
      productVariants: { nodes: { sku: string; product: { title: string } }[] };
      productsCount: { count: number; precision: string };
      productVariantsCount: { count: number };
    }>(sandbox, {
      query: `{
        productVariants(first: 20, query: "sku:BOTTLE-500* OR barcode:4000001401002") { nodes { sku product { title } } }
        productsCount(query: "status:active") { count precision }
        productVariantsCount(query: "product_status:active") { count }
      }`,
    });
    expect(data.productVariants.nodes.map((node) => node.sku)).toEqual(["BOTTLE-500-STL", "BOTTLE-500-BLK"]);
    expect(data.productsCount).toEqual({ count: 13, precision: "EXACT" });
    expect(data.productVariantsCount.count).toBeGreaterThan(40);
  });
});

type VariantView = {
  title: string;
  sku: string | null;
  barcode: string | null;
  price: string;
  compareAtPrice: string | null;
  availableForSale: boolean;
  inventoryQuantity: number;
  inventoryPolicy: string;
  selectedOptions: { name: string; value: string }[];
  image: { url: string } | null;
  inventoryItem: {
    tracked: boolean;
    requiresShipping: boolean;
    measurement: { weight: { value: number; unit: string } | null };
    inventoryLevels: {
      nodes: { location: { name: string }; quantities: { name: string; quantity: number }[] }[];
    };
  };
  eu: { price: { amount: string; currencyCode: string }; compareAtPrice: { amount: string } | null };
  uk: { price: { amount: string; currencyCode: string } };
};

type ProductView = {
  id: string;
  handle: string;
  title: string;
  description: string;
  descriptionHtml: string;
  status: string;
  isGiftCard: boolean;
  onlineStoreUrl: string | null;
  onlineStorePreviewUrl: string | null;
  hasOnlyDefaultVariant: boolean;
  totalInventory: number;
  tags: string[];
  category: { id: string; fullName: string } | null;
  options: { name: string; values: string[]; optionValues: { name: string }[] }[];
  featuredMedia: {
    preview: { image: { url: string; altText: string | null; width: number; height: number } };
  } | null;
  media: { nodes: { preview: { image: { url: string } } }[] };
  material: { value: string } | null;
  metafields: { nodes: { namespace: string; key: string; value: string }[] };
  collections: { nodes: { handle: string }[] };
  variants: { nodes: VariantView[] };
};

const PRODUCT = `query Product($id: ID!) {
  product(id: $id) {
    id handle title description descriptionHtml status isGiftCard onlineStoreUrl onlineStorePreviewUrl
    hasOnlyDefaultVariant totalInventory tags category { id fullName }
    options { name values optionValues { name } }
    featuredMedia { preview { image { url altText width height } } }
    media(first: 10) { nodes { preview { image { url } } } }
    material: metafield(namespace: "custom", key: "material") { value }
    metafields(first: 10) { nodes { namespace key value } }
    collections(first: 10) { nodes { handle } }
    variants(first: 20) {
      nodes {
        title sku barcode price compareAtPrice availableForSale inventoryQuantity inventoryPolicy
        selectedOptions { name value }
        image { url }
        inventoryItem {
          tracked requiresShipping measurement { weight { value unit } }
          inventoryLevels(first: 5) { nodes { location { name } quantities(names: ["available"]) { name quantity } } }
        }
        eu: contextualPricing(context: { country: DE }) { price { amount currencyCode } compareAtPrice { amount } }
        uk: contextualPricing(context: { country: GB }) { price { amount currencyCode } }
      }
    }
  }
}`;

async function product(title: string): Promise<ProductView> {
  const found = [...sandbox.shops.get(DEMO_SHOP)!.products.values()].find(
    (candidate) => candidate.title === title,
  )!;
  return (await adminData<{ product: ProductView }>(sandbox, { query: PRODUCT, variables: { id: found.id } }))
    .product;
}

describe("catalog views", () => {
  it("serves a many-variant product with options, images, metafields, collections and stock per location", async () => {
    const tee = await product("Classic Organic Tee");
    expect(tee).toMatchObject({
      handle: "classic-organic-tee",
      status: "ACTIVE",
      onlineStoreUrl: "https://acp-demo.myshopify.com/products/classic-organic-tee",
      hasOnlyDefaultVariant: false,
      tags: ["apparel", "bestseller", "cotton"],
      category: { fullName: "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts" },
      material: { value: "100% organic cotton" },
      collections: { nodes: [{ handle: "frontpage" }, { handle: "apparel" }] },
    });
    expect(tee.description).toBe(
      "Our everyday tee, cut from 100% organic cotton . Midweight 180 gsm jersey Pre-shrunk",
    );
    expect(tee.options.map((option) => option.name)).toEqual(["Color", "Size"]);
    expect(tee.media.nodes).toHaveLength(3);
    expect(tee.featuredMedia?.preview.image).toMatchObject({
      altText: "Classic tee in black",
      width: 2048,
      height: 2048,
    });
    expect(tee.variants.nodes).toHaveLength(9);
    const blackL = tee.variants.nodes.find((variant) => variant.sku === "TEE-BLA-L")!;
    expect(blackL).toMatchObject({
      availableForSale: false,
      inventoryQuantity: 0,
      inventoryPolicy: "DENY",
      price: "25.00",
    });
    expect(blackL.barcode).toMatch(/^\d{13}$/);
    const blackS = tee.variants.nodes[0];
    expect(blackS.inventoryItem.inventoryLevels.nodes).toEqual([
      { location: { name: "Brooklyn Warehouse" }, quantities: [{ name: "available", quantity: 10 }] },
      { location: { name: "Berlin Fulfilment" }, quantities: [{ name: "available", quantity: 4 }] },
    ]);
    expect(blackS.inventoryItem.measurement.weight).toEqual({ value: 180, unit: "GRAMS" });
  });

  it("prices per market: fixed EUR prices win, others are converted; MoneyV2 amounts look like Shopify's", async () => {
    const tee = await product("Classic Organic Tee");
    const white = tee.variants.nodes.find((variant) => variant.sku === "TEE-WHI-S")!;
    const black = tee.variants.nodes.find((variant) => variant.sku === "TEE-BLA-S")!;
    expect(white.eu.price).toEqual({ amount: "24.0", currencyCode: "EUR" });
    expect(black.eu.price).toEqual({ amount: "23.0", currencyCode: "EUR" });
    expect(black.uk.price).toEqual({ amount: "19.75", currencyCode: "GBP" });
    const sweater = await product("Merino Wool Sweater");
    expect(sweater.variants.nodes[0]).toMatchObject({ price: "120.00", compareAtPrice: "150.00" });
    expect(sweater.variants.nodes[0].eu).toEqual({
      price: { amount: "110.0", currencyCode: "EUR" },
      compareAtPrice: { amount: "139.0" },
    });
  });

  it("covers the awkward cases: overselling, untracked, digital, gift card, missing data, inactive location", async () => {
    const sweater = await product("Merino Wool Sweater");
    const xl = sweater.variants.nodes.find((variant) =>
      variant.selectedOptions.some((option) => option.value === "XL"),
    )!;
    expect(xl).toMatchObject({ inventoryQuantity: 0, inventoryPolicy: "CONTINUE", availableForSale: true });

    const beans = await product("Espresso Beans 1kg");
    expect(
      beans.variants.nodes.every((variant) => !variant.inventoryItem.tracked && variant.availableForSale),
    ).toBe(true);
    const filter = beans.variants.nodes.find((variant) => variant.title === "Filter")!;
    expect(filter.barcode).not.toBe(gtin13(filter.barcode!.slice(0, 12)));
    expect(beans.description).toBe("Chocolate & hazelnut notes. Roasted to order, so never out of stock .");

    const ebook = await product("Digital Recipe Book (PDF)");
    expect(ebook.variants.nodes[0].inventoryItem).toMatchObject({
      requiresShipping: false,
      tracked: false,
      measurement: { weight: null },
    });
    expect(ebook.hasOnlyDefaultVariant).toBe(true);

    const giftCard = await product("ACP Gift Card");
    expect(giftCard.isGiftCard).toBe(true);
    expect(giftCard.variants.nodes.map((variant) => variant.title)).toEqual(["$25", "$50", "$100"]);

    const toothbrush = await product("Bamboo Toothbrush 4-Pack");
    expect(toothbrush).toMatchObject({
      description: "",
      descriptionHtml: "",
      featuredMedia: null,
      material: null,
    });
    expect(toothbrush.variants.nodes[0]).toMatchObject({ sku: null, barcode: null, image: null });

    const napkins = await product("Linen Napkins (Set of 4)");
    const charcoal = napkins.variants.nodes.find((variant) => variant.title === "Charcoal")!;
    expect(charcoal).toMatchObject({ inventoryQuantity: 0, availableForSale: false });
    expect(charcoal.inventoryItem.inventoryLevels.nodes).toEqual([
      { location: { name: "Old Storefront (closed)" }, quantities: [{ name: "available", quantity: 9 }] },
    ]);
    expect(napkins.description).not.toContain("alert");
  });

  it("has no online store URL for draft, archived or unpublished products", async () => {
    for (const title of ["Prototype Desk Lamp", "Vintage Denim Jacket (2019)", "Wholesale Sample Kit"]) {
      const view = await product(title);
      expect(view.onlineStoreUrl).toBeNull();
      expect(view.onlineStorePreviewUrl).toMatch(
        /^https:\/\/acp-demo\.myshopify\.com\/products_preview\?preview_key=/,
      );
    }
    expect((await product("Prototype Desk Lamp")).variants.nodes[0].availableForSale).toBe(false);
  });

  it("serves the shop, policies, locations, collections, markets and the app installation", async () => {
    const data = await adminData<{
      shop: Record<string, unknown>;
      locations: { nodes: { name: string; isActive: boolean }[] };
      collections: { nodes: { handle: string; productsCount: { count: number } }[] };
      markets: {
        nodes: {
          handle: string;
          currencySettings: { baseCurrency: { currencyCode: string } };
          conditions: { regionsCondition: { regions: { nodes: { code: string }[] } } };
        }[];
      };
      currentAppInstallation: { accessScopes: { handle: string }[] };
    }>(sandbox, {
      query: `{
        shop {
          name email myshopifyDomain currencyCode enabledPresentmentCurrencies taxesIncluded ianaTimezone weightUnit
          primaryDomain { url host } shipsToCountries plan { partnerDevelopment shopifyPlus }
          billingAddress { city countryCodeV2 } shopPolicies { type title url }
        }
        locations(first: 10) { nodes { name isActive } }
        collections(first: 10, sortKey: TITLE) { nodes { handle productsCount { count } } }
        markets(first: 5) { nodes { handle currencySettings { baseCurrency { currencyCode } } conditions { regionsCondition { regions(first: 10) { nodes { ... on MarketRegionCountry { code } } } } } } }
        currentAppInstallation { accessScopes { handle } }
      }`,
    });
    expect(data.shop).toMatchObject({
      myshopifyDomain: "acp-demo.myshopify.com",
      currencyCode: "USD",
      taxesIncluded: false,
      enabledPresentmentCurrencies: ["USD", "EUR", "GBP"],
      primaryDomain: { url: "https://acp-demo.myshopify.com", host: "acp-demo.myshopify.com" },
      billingAddress: { city: "Brooklyn", countryCodeV2: "US" },
    });
    expect(data.shop.shopPolicies).toContainEqual({
      type: "REFUND_POLICY",
      title: "Refund policy",
      url: "https://acp-demo.myshopify.com/policies/refund-policy",
    });
    // Inactive locations are hidden unless includeInactive is set.
    expect(data.locations.nodes.map((location) => location.name)).toEqual([
      "Berlin Fulfilment",
      "Brooklyn Warehouse",
    ]);
    expect(data.collections.nodes.map((collection) => collection.handle)).toEqual([
      "apparel",
      "gifts",
      "frontpage",
      "kitchen",
    ]);
    expect(data.markets.nodes.map((market) => market.currencySettings.baseCurrency.currencyCode)).toEqual([
      "EUR",
      "GBP",
      "USD",
    ]);
    expect(
      data.markets.nodes[0].conditions.regionsCondition.regions.nodes.map((region) => region.code),
    ).toContain("DE");
    expect(data.currentAppInstallation.accessScopes.map((scope) => scope.handle)).toContain("read_products");
  });
});

describe("the app's real client path", () => {
  it("works through @shopify/shopify-api with a fetch redirect like app/sandbox-transport.server.ts", async () => {
    // Same order as the app: the transport wraps fetch before the Shopify node adapter captures it.
    const realFetch = globalThis.fetch;
    const seen: { url: string; headers: Headers }[] = [];
    globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      if (!url.hostname.endsWith(".myshopify.com")) return realFetch(input, init);
      const headers = new Headers(request.headers);
      headers.set("x-shopify-sandbox-shop", url.hostname);
      seen.push({ url: request.url, headers });
      return realFetch(new URL(url.pathname + url.search, sandbox.url), {
        method: request.method,
        headers,
        body: await request.arrayBuffer(),
      });
    };
    try {
      await import("@shopify/shopify-api/adapters/node");
      const { ApiVersion, LogSeverity, Session, shopifyApi } = await import("@shopify/shopify-api");
      const shopify = shopifyApi({
        apiKey: "sandbox-key",
        apiSecretKey: "sandbox-secret",
        apiVersion: ApiVersion.April26,
        hostName: "127.0.0.1",
        isEmbeddedApp: true,
        isTesting: true,
        logger: { level: LogSeverity.Error, log: async () => undefined },
      });
      const session = new Session({
        id: `offline_${DEMO_SHOP}`,
        shop: DEMO_SHOP,
        state: "state",
        isOnline: false,
        accessToken: DEMO_ACCESS_TOKEN,
      });
      const client = new shopify.clients.Graphql({ session });
      const response = await client.request<{
        shop: { name: string };
        products: { nodes: { title: string }[] };
      }>(
        `#graphql
        query ShopAndProducts($first: Int!) { shop { name } products(first: $first) { nodes { title } } }`,
        { variables: { first: 2 } },
      );
      expect(response.data?.shop.name).toBe("ACP Demo Store");
      expect(response.data?.products.nodes).toHaveLength(2);
      expect(response.extensions?.cost).toMatchObject({ requestedQueryCost: 5 });
      expect(seen[0].url).toBe(`https://${DEMO_SHOP}/admin/api/2026-04/graphql.json`);
      expect(seen[0].headers.get("x-shopify-access-token")).toBe(DEMO_ACCESS_TOKEN);

      // A query the schema rejects surfaces as the client's GraphqlQueryError, as against Shopify.
      await expect(client.request("query Bad { shop { nope } }")).rejects.toMatchObject({
        body: {
          errors: {
            graphQLErrors: [
              expect.objectContaining({ extensions: expect.objectContaining({ code: "undefinedField" }) }),
            ],
          },
        },
      });
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
