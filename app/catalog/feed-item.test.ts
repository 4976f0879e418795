import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import {
  FIELD_NAMES,
  LEGACY_COLUMN_ALIASES,
  LIMITS,
  availabilityOf,
  composeTitle,
  optionKind,
  toAcpFeedProduct,
  toFeedItems,
  toOpenAiFeedRow,
  variantGidForItemId,
  type FeedItem,
} from "./feed-item";
import {
  ALL_PRODUCTS,
  BARE,
  BOOTS,
  DRAFT,
  EBOOK,
  GIFT_CARD,
  SHOP,
  SINGLE_MARKET_SHOP,
  TEE,
  makeProduct,
  makeShop,
  makeVariant,
} from "./fixtures";
import { parseFeedRules, type FeedRulesInput } from "./rules";
import schema from "./spec/schema.feed.json";

const MAPPINGS: FeedRulesInput["metafieldMappings"] = [
  { namespace: "custom", key: "material", field: "material" },
  { namespace: "custom", key: "age_group", field: "ageGroup" },
  { namespace: "custom", key: "gtin", field: "gtin" },
];
const RULES = parseFeedRules({ metafieldMappings: MAPPINGS, includeGiftCards: true });

function only(items: FeedItem[], variantId: number, market = "us"): FeedItem {
  const found = items.filter((i) => i.id === String(variantId) && i.market.handle === market);
  expect(found).toHaveLength(1);
  return found[0];
}

const noteCodes = (item: FeedItem) => item.notes.map((n) => n.code);

describe("toFeedItems: one item per variant per market", () => {
  const items = toFeedItems(TEE, SHOP, RULES);

  it("maps every variant of a 3 × 4 product into each of the shop's 3 markets", () => {
    expect(items).toHaveLength(36);
    expect(new Set(items.map((i) => `${i.id}/${i.market.handle}`)).size).toBe(36);
    expect(new Set(items.map((i) => i.groupId))).toEqual(new Set(["7001"]));
    expect(items.every((i) => i.hasVariants)).toBe(true);
  });

  it("maps a Navy / M tee in the home market", () => {
    const item = only(items, 70021);
    expect(item).toMatchObject({
      id: "70021",
      groupId: "7001",
      variantGid: "gid://shopify/ProductVariant/70021",
      productGid: "gid://shopify/Product/7001",
      title: "Organic Cotton Crew Tee - Navy / M",
      groupTitle: "Organic Cotton Crew Tee",
      url: "https://northwind.example/products/organic-crew-tee?variant=70021",
      productUrl: "https://northwind.example/products/organic-crew-tee",
      price: { amount: 2800, currency: "USD" },
      compareAtPrice: null,
      availability: "in_stock",
      brand: "Northwind Apparel",
      gtin: "4006381333931",
      mpn: "TEE-NAV-M",
      condition: "new",
      productCategory: {
        value: "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts",
        taxonomy: "shopify",
      },
      material: "100% organic cotton",
      ageGroup: "adult",
      color: "Navy",
      size: "M",
      options: [
        { name: "Color", value: "Navy", kind: "color" },
        { name: "Size", value: "M", kind: "size" },
      ],
      weight: { value: 180, unit: "g" },
      isDigital: false,
      isGiftCard: false,
      isEligibleSearch: true,
      isEligibleCheckout: true,
      notes: [],
    });
    expect(item.description).toBe(
      "Soft & breathable\nOur everyday tee, cut from 100% organic cotton jersey.\n" +
        "- Relaxed fit\n- Pre-shrunk\n- Made in Portugal\nMachine wash cold.\nTumble dry low.",
    );
    expect(variantGidForItemId(item.id)).toBe(item.variantGid);
  });

  it("puts the variant's own image first and keeps the product's after it, without duplicates", () => {
    const navy = only(items, 70021);
    expect(navy.images.map((i) => i.url.split("/").pop())).toEqual([
      "tee-navy.jpg",
      "tee-forest-green.jpg",
      "tee-oat.jpg",
      "tee-detail.jpg",
    ]);
    expect(navy.images[0].altText).toBeNull();
    // Forest green's image is the product's featured image: the product list is shared, not copied.
    const green = only(items, 70010);
    expect(green.images).toBe(green.productImages);
  });

  it.each([
    // variant, market, price, compare-at
    [70021, "us", { amount: 2800, currency: "USD" }, null],
    [70021, "ca", { amount: 3800, currency: "CAD" }, null],
    [70021, "eu", { amount: 2600, currency: "EUR" }, null],
    [70031, "us", { amount: 2800, currency: "USD" }, { amount: 3500, currency: "USD" }],
    [70031, "ca", { amount: 3800, currency: "CAD" }, { amount: 4700, currency: "CAD" }],
    [70031, "eu", { amount: 2600, currency: "EUR" }, null],
  ])("prices variant %d in market %s", (id, market, price, compareAt) => {
    const item = only(items, id, market);
    expect(item.price).toEqual(price);
    expect(item.compareAtPrice).toEqual(compareAt);
    expect(item.market.handle).toBe(market);
  });

  it("reports a market whose currency has no price instead of converting", () => {
    const boots = toFeedItems(BOOTS, SHOP);
    expect(boots.filter((i) => i.market.handle === "us").every((i) => i.price?.currency === "USD")).toBe(
      true,
    );
    const ca = only(boots, 70020, "ca");
    expect(ca.price).toBeNull();
    expect(ca.notes).toContainEqual({ code: "market_price_missing", field: "price", value: "CAD" });
  });

  it("publishes only the markets the rules name", () => {
    const ca = toFeedItems(TEE, SHOP, parseFeedRules({ markets: ["ca"] }));
    expect(ca).toHaveLength(12);
    expect(ca.every((i) => i.market.handle === "ca" && i.price?.currency === "CAD")).toBe(true);
    expect(toFeedItems(TEE, SHOP, parseFeedRules({ markets: ["mx"] }))).toEqual([]);
  });

  it("uses the shop currency and country when the shop lists no markets", () => {
    const [item] = toFeedItems(EBOOK, makeShop({ markets: [] }));
    expect(item.market).toEqual({ handle: "primary", currency: "USD", countries: ["US"] });
    expect(item.price).toEqual({ amount: 1499, currency: "USD" });
  });

  it("shares one seller object across items (validation checks it once)", () => {
    const all = [...items, ...toFeedItems(BOOTS, SHOP)];
    expect(new Set(all.map((i) => i.seller)).size).toBe(1);
    expect(items[0].seller).toEqual({
      name: "Northwind Outfitters",
      url: "https://northwind.example",
      privacyPolicyUrl: "https://northwind.example/policies/privacy-policy",
      termsOfServiceUrl: "https://northwind.example/policies/terms-of-service",
      refundPolicyUrl: "https://northwind.example/policies/refund-policy",
      shippingPolicyUrl: "https://northwind.example/policies/shipping-policy",
      returnWindowDays: 30,
      storeCountry: "US",
    });
  });
});

describe("toFeedItems: edge products", () => {
  it("maps German option names, continue-selling stock and a barcode that is not a GTIN", () => {
    const [first, second] = toFeedItems(BOOTS, SINGLE_MARKET_SHOP);
    expect(first).toMatchObject({ color: "Braun", size: "42", availability: "in_stock", gtin: null });
    expect(second).toMatchObject({
      size: "43",
      availability: "backorder",
      weight: { value: 1.4, unit: "kg" },
    });
    expect(first.notes).toEqual([{ code: "barcode_not_gtin", field: "gtin", value: "4006381333932" }]);
    expect(first.description).toBe("Wasserdichter Wanderstiefel mit Vibram®-Sohle.");
  });

  it("marks a digital product and sends no weight for it", () => {
    const items = toFeedItems(EBOOK, SINGLE_MARKET_SHOP);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: "70040",
      title: "Pacific Crest Trail Guide (eBook)",
      isDigital: true,
      weight: null,
      availability: "in_stock",
      hasVariants: false,
      options: [],
      gtin: "9780201379624",
      description: "A 240-page PDF guide to the PCT, with maps – updated for 2026.",
    });
  });

  it("leaves gift cards out by default and, when included, never offers them for checkout", () => {
    expect(toFeedItems(GIFT_CARD, SINGLE_MARKET_SHOP)).toEqual([]);
    const items = toFeedItems(GIFT_CARD, SINGLE_MARKET_SHOP, RULES);
    expect(
      items.map((i) => [i.title, i.price?.amount, i.isDigital, i.isEligibleSearch, i.isEligibleCheckout]),
    ).toEqual([
      ["Northwind Gift Card - $25", 2500, true, true, false],
      ["Northwind Gift Card - $50", 5000, true, true, false],
      ["Northwind Gift Card - $100", 10000, true, true, false],
    ]);
    expect(noteCodes(items[0])).toEqual(["gift_card_checkout_disabled"]);
    expect(items[0].productCategory).toEqual({ value: "Gift Cards", taxonomy: "merchant" });
  });

  it.each([
    ["draft", DRAFT],
    ["archived", makeProduct({ status: "ARCHIVED" })],
    ["without variants", makeProduct({ variants: [] })],
  ])("returns nothing for a product %s", (_, product) => {
    expect(toFeedItems(product, SINGLE_MARKET_SHOP)).toEqual([]);
  });

  it("maps a product with nothing optional: the gaps are left for validate to report", () => {
    const [item] = toFeedItems(BARE, SINGLE_MARKET_SHOP);
    expect(item).toMatchObject({
      title: "Mystery Item",
      description: "",
      url: null,
      productUrl: null,
      images: [],
      brand: "",
      mpn: null,
      gtin: null,
      productCategory: null,
      weight: null,
      notes: [],
    });
  });

  it("applies eligibility overrides from the rules", () => {
    const rules = parseFeedRules({ productOverrides: { "7004": { isEligibleCheckout: false } } });
    expect(toFeedItems(EBOOK, SINGLE_MARKET_SHOP, rules)[0]).toMatchObject({
      isEligibleSearch: true,
      isEligibleCheckout: false,
    });
  });

  it.each([
    [
      "on the Online Store",
      { onlineStoreUrl: "https://northwind.example/products/x" },
      "https://northwind.example/products/x?variant=1",
    ],
    [
      "with a query already",
      { onlineStoreUrl: "https://northwind.example/products/x?ref=feed#top" },
      "https://northwind.example/products/x?ref=feed&variant=1",
    ],
    [
      "published, URL not given",
      { onlineStoreUrl: null, publishedOnOnlineStore: true, handle: "café-mug" },
      "https://northwind.example/products/caf%C3%A9-mug?variant=1",
    ],
    ["not published", { onlineStoreUrl: null, publishedOnOnlineStore: false }, null],
  ])("links the variant page of a product %s", (_, overrides, url) => {
    const product = makeProduct({
      ...overrides,
      variants: [makeVariant({ id: "gid://shopify/ProductVariant/1" })],
    });
    expect(toFeedItems(product, SINGLE_MARKET_SHOP)[0].url).toBe(url);
  });

  it.each([
    ["a valid GTIN metafield wins over the barcode", "00012345600012", "036000291452", "00012345600012", []],
    ["an invalid GTIN metafield is left out", "12345", "036000291452", null, ["gtin_invalid"]],
    ["no metafield: the barcode", undefined, "0 36000 29145 2", "036000291452", []],
    ["a non-GTIN barcode is left out", undefined, "INTERNAL-77", null, ["barcode_not_gtin"]],
    ["no barcode", undefined, null, null, []],
  ])("GTIN: %s", (_, metafield, barcode, gtin, notes) => {
    const product = makeProduct({
      metafields: metafield
        ? [{ namespace: "custom", key: "gtin", value: metafield, type: "single_line_text_field" }]
        : [],
      variants: [makeVariant({ barcode })],
    });
    const [item] = toFeedItems(product, SINGLE_MARKET_SHOP, RULES);
    expect(item.gtin).toBe(gtin);
    expect(noteCodes(item)).toEqual(notes);
  });

  it("ignores a product-level GTIN metafield when the product has several variants", () => {
    const product = makeProduct({
      metafields: [
        { namespace: "custom", key: "gtin", value: "036000291452", type: "single_line_text_field" },
      ],
      variants: [makeVariant({ title: "A" }), makeVariant({ title: "B" })],
    });
    expect(toFeedItems(product, SINGLE_MARKET_SHOP, RULES).map((i) => i.gtin)).toEqual([null, null]);
  });

  it.each<[string, ShopifyMetafieldInput, Partial<FeedItem>, string[]]>([
    ["age group synonyms", { key: "age_group", value: "Kids" }, { ageGroup: "kids" }, []],
    ["an unknown age group", { key: "age_group", value: "teen" }, { ageGroup: null }, ["age_group_invalid"]],
    ["gender", { key: "gender", value: "Women's" }, { gender: "female" }, []],
    ["an unknown gender", { key: "gender", value: "all" }, { gender: null }, ["gender_invalid"]],
    ["condition", { key: "condition", value: "Refurbished" }, { condition: "refurbished" }, []],
    [
      "an unknown condition",
      { key: "condition", value: "mint" },
      { condition: "new" },
      ["condition_invalid"],
    ],
    ["size system", { key: "size_system", value: "eu" }, { sizeSystem: "EU" }, []],
    [
      "an invalid size system",
      { key: "size_system", value: "European" },
      { sizeSystem: null },
      ["size_system_invalid"],
    ],
    [
      "a long material",
      { key: "material", value: "m".repeat(101) },
      { material: null },
      ["material_too_long"],
    ],
    ["brand", { key: "brand", value: "Northwind Labs" }, { brand: "Northwind Labs" }, []],
    [
      "category",
      { key: "category", value: "Home > Mugs" },
      { productCategory: { value: "Home > Mugs", taxonomy: "merchant" } },
      [],
    ],
    ["mpn", { key: "mpn", value: "NW-1" }, { mpn: "NW-1" }, []],
    ["colour without a colour option", { key: "color", value: "Teal" }, { color: "Teal" }, []],
  ])("metafield mapping: %s", (_, metafield, expected, notes) => {
    const rules = parseFeedRules({
      metafieldMappings: [
        { namespace: "custom", key: "age_group", field: "ageGroup" },
        { namespace: "custom", key: "gender", field: "gender" },
        { namespace: "custom", key: "condition", field: "condition" },
        { namespace: "custom", key: "size_system", field: "sizeSystem" },
        { namespace: "custom", key: "material", field: "material" },
        { namespace: "custom", key: "brand", field: "brand" },
        { namespace: "custom", key: "category", field: "productCategory" },
        { namespace: "custom", key: "mpn", field: "mpn" },
        { namespace: "custom", key: "color", field: "color" },
      ],
    });
    const product = makeProduct({
      metafields: [{ namespace: "custom", type: "single_line_text_field", ...metafield }],
    });
    const [item] = toFeedItems(product, SINGLE_MARKET_SHOP, rules);
    expect(item).toMatchObject(expected);
    expect(noteCodes(item)).toEqual(notes);
  });

  it("leaves out SKUs, colours and sizes over the spec's limits", () => {
    const product = makeProduct({
      options: [
        { name: "Colour", values: [] },
        { name: "Size", values: [] },
      ],
      variants: [
        makeVariant({ sku: "S".repeat(71) }),
        makeVariant({
          title: "x / y",
          selectedOptions: [
            { name: "Colour", value: "c".repeat(41) },
            { name: "Size", value: "s".repeat(21) },
          ],
        }),
      ],
    });
    const [a, b] = toFeedItems(product, SINGLE_MARKET_SHOP);
    expect(a.mpn).toBeNull();
    expect(noteCodes(a)).toEqual(["mpn_too_long"]);
    expect([b.color, b.size]).toEqual([null, null]);
    expect(noteCodes(b)).toEqual(["color_too_long", "size_too_long"]);
  });

  it("cuts a long HTML description on a word boundary and notes it", () => {
    const html = `<p>${"Lightweight merino layer. ".repeat(300)}</p>`;
    const [item] = toFeedItems(makeProduct({ descriptionHtml: html }), SINGLE_MARKET_SHOP);
    expect(item.description.length).toBeLessThanOrEqual(LIMITS.description);
    expect(item.description.endsWith("Lightweight merino layer.…")).toBe(true);
    expect(item.notes).toEqual([{ code: "description_truncated", field: "description", value: "7799" }]);
  });

  it("reads a malformed price as a problem, not a number", () => {
    const [item] = toFeedItems(
      makeProduct({ variants: [makeVariant({ price: "12,50" })] }),
      SINGLE_MARKET_SHOP,
    );
    expect(item.price).toBeNull();
    expect(item.notes).toEqual([{ code: "price_invalid", field: "price", value: "12,50" }]);
  });

  it("keeps compare-at only when it is above the price", () => {
    const prices = [
      ["20.00", "25.00"],
      ["20.00", "20.00"],
      ["20.00", "15.00"],
      ["20.00", null],
    ] as const;
    const product = makeProduct({
      variants: prices.map(([price, compareAtPrice], i) =>
        makeVariant({ title: `V${i}`, price, compareAtPrice }),
      ),
    });
    expect(toFeedItems(product, SINGLE_MARKET_SHOP).map((i) => i.compareAtPrice?.amount ?? null)).toEqual([
      2500,
      null,
      null,
      null,
    ]);
  });
});

type ShopifyMetafieldInput = { key: string; value: string };

describe("availabilityOf", () => {
  it.each([
    [true, 5, "DENY", "in_stock"],
    [true, 0, "DENY", "out_of_stock"],
    [true, -3, "DENY", "out_of_stock"],
    [true, 0, "CONTINUE", "backorder"],
    [true, -2, "CONTINUE", "backorder"],
    [true, 1, "CONTINUE", "in_stock"],
    [false, 0, "DENY", "in_stock"],
    [false, -5, "CONTINUE", "in_stock"],
  ] as const)(
    "tracked=%s qty=%d policy=%s → %s",
    (inventoryTracked, inventoryQuantity, inventoryPolicy, expected) => {
      expect(availabilityOf({ inventoryTracked, inventoryQuantity, inventoryPolicy })).toBe(expected);
    },
  );
});

describe("optionKind", () => {
  it.each([
    ["Color", "color"],
    ["colour", "color"],
    ["COLOUR", "color"],
    ["Farbe", "color"],
    ["Couleur", "color"],
    ["Colore", "color"],
    ["Färg", "color"],
    ["Frame colour", "color"],
    ["Size", "size"],
    ["Größe", "size"],
    ["GRÖSSE", "size"],
    ["Groesse", "size"],
    ["Taille", "size"],
    ["Talla", "size"],
    ["Tamaño", "size"],
    ["Størrelse", "size"],
    ["Shoe Size", "size"],
    [" size ", "size"],
    ["Material", null],
    ["Title", null],
    ["Sizeable", null],
  ])("%j → %s", (name, kind) => {
    expect(optionKind(name)).toBe(kind);
  });
});

describe("composeTitle", () => {
  const long =
    "Handwoven Organic Linen Throw Blanket with Fringed Edges for Sofa, Bed and Outdoor Picnics in Natural Undyed Flax, Made by Hand in Lisbon";
  it.each([
    ["Tee", "Default Title", "Tee", false],
    ["Tee", "Navy / M", "Tee - Navy / M", false],
    ["  Tee  ", " Navy ", "Tee - Navy", false],
    ["Tee", "", "Tee", false],
    [
      long,
      "Oatmeal / Queen / Extra Long",
      "Handwoven Organic Linen Throw Blanket with Fringed Edges for Sofa, Bed and Outdoor Picnics in Natural Undyed Flax… - Oatmeal / Queen / Extra Long",
      true,
    ],
    ["T".repeat(151), "Navy", `${"T".repeat(151)} - Navy`, false],
  ])("%j + %j", (product, variant, title, shortened) => {
    const result = composeTitle(product, variant);
    expect(result).toEqual({ title, shortened });
    if (shortened) expect(result.title.length).toBeLessThanOrEqual(LIMITS.title);
  });
});

describe("toOpenAiFeedRow", () => {
  it("writes a sale variant as the file-upload spec wants it", () => {
    const item = only(toFeedItems(TEE, SHOP, RULES), 70031);
    expect(toOpenAiFeedRow(item)).toEqual({
      is_eligible_search: "true",
      is_eligible_checkout: "true",
      item_id: "70031",
      title: "Organic Cotton Crew Tee - Oat / M",
      description:
        "Soft & breathable\nOur everyday tee, cut from 100% organic cotton jersey.\n" +
        "- Relaxed fit\n- Pre-shrunk\n- Made in Portugal\nMachine wash cold.\nTumble dry low.",
      url: "https://northwind.example/products/organic-crew-tee?variant=70031",
      brand: "Northwind Apparel",
      mpn: "TEE-OAT-M",
      condition: "new",
      product_category: "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts",
      material: "100% organic cotton",
      age_group: "adult",
      weight: "180",
      item_weight_unit: "g",
      image_url: "https://cdn.shopify.com/s/files/1/0000/0001/files/tee-oat.jpg",
      additional_image_urls:
        "https://cdn.shopify.com/s/files/1/0000/0001/files/tee-forest-green.jpg," +
        "https://cdn.shopify.com/s/files/1/0000/0001/files/tee-navy.jpg," +
        "https://cdn.shopify.com/s/files/1/0000/0001/files/tee-detail.jpg",
      price: "35.00 USD",
      sale_price: "28.00 USD",
      availability: "in_stock",
      group_id: "7001",
      listing_has_variations: "true",
      variant_dict: '{"color":"Oat","size":"M"}',
      item_group_title: "Organic Cotton Crew Tee",
      color: "Oat",
      size: "M",
      is_digital: "false",
      seller_name: "Northwind Outfitters",
      seller_url: "https://northwind.example",
      seller_privacy_policy: "https://northwind.example/policies/privacy-policy",
      seller_tos: "https://northwind.example/policies/terms-of-service",
      return_policy: "https://northwind.example/policies/refund-policy",
      accepts_returns: "true",
      return_deadline_in_days: "30",
      target_countries: "US",
      store_country: "US",
    });
  });

  it.each([
    [
      "a market price",
      only(toFeedItems(TEE, SHOP), 70021, "eu"),
      { price: "26.00 EUR", target_countries: "DE,FR,NL" },
    ],
    ["an out-of-stock variant", only(toFeedItems(TEE, SHOP), 70013), { availability: "out_of_stock" }],
    [
      "a backorder",
      toFeedItems(BOOTS, SINGLE_MARKET_SHOP)[1],
      { availability: "backorder", weight: "1.4", item_weight_unit: "kg" },
    ],
    [
      "a digital single-variant product",
      toFeedItems(EBOOK, SINGLE_MARKET_SHOP)[0],
      { is_digital: "true", listing_has_variations: "false", gtin: "9780201379624" },
    ],
    [
      "a gift card",
      toFeedItems(GIFT_CARD, SINGLE_MARKET_SHOP, RULES)[0],
      { is_eligible_checkout: "false", is_digital: "true" },
    ],
  ])("writes %s", (_, item, expected) => {
    expect(toOpenAiFeedRow(item)).toMatchObject(expected);
  });

  it("leaves unknown optional values out instead of sending placeholders", () => {
    const row = toOpenAiFeedRow(toFeedItems(BARE, makeShop({ returnWindowDays: null }))[0]);
    for (const column of [
      "url",
      "image_url",
      "additional_image_urls",
      "description",
      "brand",
      "gtin",
      "mpn",
      "product_category",
      "weight",
      "variant_dict",
      "accepts_returns",
      "return_deadline_in_days",
    ]) {
      expect(row).not.toHaveProperty(column);
    }
    expect(Object.values(row).every((v) => typeof v === "string" && v !== "" && v !== "null")).toBe(true);
    expect(row).toMatchObject({ listing_has_variations: "false", group_id: "7006" });
  });

  it("says a final-sale shop accepts no returns", () => {
    const row = toOpenAiFeedRow(toFeedItems(EBOOK, makeShop({ returnWindowDays: 0 }))[0]);
    expect(row.accepts_returns).toBe("false");
    expect(row).not.toHaveProperty("return_deadline_in_days");
  });

  it("escapes commas inside image URLs of the comma-separated list", () => {
    const product = makeProduct({
      images: [
        { url: "https://cdn.example/a.jpg", altText: null },
        { url: "https://cdn.example/b,c.jpg", altText: null },
      ],
    });
    expect(toOpenAiFeedRow(toFeedItems(product, SINGLE_MARKET_SHOP)[0]).additional_image_urls).toBe(
      "https://cdn.example/b%2Cc.jpg",
    );
  });

  it("keeps column names unique and knows the launch-era aliases", () => {
    const names = Object.values(FIELD_NAMES).map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(LEGACY_COLUMN_ALIASES).toEqual({
      enable_search: "is_eligible_search",
      enable_checkout: "is_eligible_checkout",
      id: "item_id",
      link: "url",
      image_link: "image_url",
      additional_image_link: "additional_image_urls",
      item_group_id: "group_id",
      return_window: "return_deadline_in_days",
    });
  });
});

describe("toAcpFeedProduct", () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addKeyword("example"); // documentation keyword used throughout the vendored schema
  addFormats(ajv);
  ajv.addSchema(schema);
  const validateProduct = ajv.getSchema(`${schema.$id}#/$defs/Product`)!;
  const validateUpsert = ajv.getSchema(`${schema.$id}#/$defs/UpsertProductsRequest`)!;

  it("checks against the real schema (positive and negative control)", () => {
    expect(validateProduct(schema.$defs.Product.example)).toBe(true);
    expect(
      validateProduct({
        id: "p",
        variants: [{ id: "v", title: "t", price: { amount: "1.00", currency: "usd" } }],
      }),
    ).toBe(false);
  });

  it("writes a single-variant product exactly", () => {
    expect(toAcpFeedProduct(toFeedItems(EBOOK, SINGLE_MARKET_SHOP))).toEqual({
      id: "7004",
      title: "Pacific Crest Trail Guide (eBook)",
      description: { plain: "A 240-page PDF guide to the PCT, with maps – updated for 2026." },
      url: "https://northwind.example/products/trail-guide-ebook",
      media: [
        {
          type: "image",
          url: "https://cdn.shopify.com/s/files/1/0000/0001/files/tote-front.jpg",
          alt_text: "Canvas tote, front",
        },
      ],
      variants: [
        {
          id: "70040",
          title: "Pacific Crest Trail Guide (eBook)",
          url: "https://northwind.example/products/trail-guide-ebook?variant=70040",
          barcodes: [{ type: "GTIN", value: "9780201379624" }],
          price: { amount: 1499, currency: "USD" },
          availability: { available: true, status: "in_stock" },
          categories: [{ value: "Media > Books > E-books", taxonomy: "shopify" }],
          condition: ["new"],
          seller: {
            name: "Northwind Outfitters",
            links: [
              { type: "privacy_policy", url: "https://northwind.example/policies/privacy-policy" },
              { type: "terms_of_service", url: "https://northwind.example/policies/terms-of-service" },
              { type: "refund_policy", url: "https://northwind.example/policies/refund-policy" },
              { type: "shipping_policy", url: "https://northwind.example/policies/shipping-policy" },
            ],
          },
        },
      ],
    });
  });

  it("writes sale prices as price + list_price in minor units, and variant options and media", () => {
    const product = toAcpFeedProduct(toFeedItems(TEE, SHOP).filter((i) => i.market.handle === "ca"))!;
    expect(product.variants).toHaveLength(12);
    const oat = product.variants.find((v) => v.id === "70031")!;
    expect(oat).toMatchObject({
      price: { amount: 3800, currency: "CAD" },
      list_price: { amount: 4700, currency: "CAD" },
      variant_options: [
        { name: "Color", value: "Oat" },
        { name: "Size", value: "M" },
      ],
      media: [{ type: "image", url: "https://cdn.shopify.com/s/files/1/0000/0001/files/tee-oat.jpg" }],
    });
    expect(product.variants.find((v) => v.id === "70010")).not.toHaveProperty("media");
    expect(product.variants.find((v) => v.id === "70013")?.availability).toEqual({
      available: false,
      status: "out_of_stock",
    });
  });

  it.each(
    ALL_PRODUCTS.flatMap((product) =>
      SHOP.markets.map((market) => [product.title, market.handle, product] as const),
    ),
  )("%s in market %s is a valid 2026-04-17 Product", (_, market, product) => {
    const items = toFeedItems(product, SHOP, RULES).filter((i) => i.market.handle === market);
    const acp = toAcpFeedProduct(items);
    if (items.length === 0) {
      expect(acp).toBeNull();
      return;
    }
    const ok = validateProduct(acp);
    expect(validateProduct.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(validateUpsert({ products: [acp] })).toBe(true);
  });

  it("leaves out variants that are not eligible for search", () => {
    const rules = parseFeedRules({ productOverrides: { "7004": { isEligibleSearch: false } } });
    expect(toAcpFeedProduct(toFeedItems(EBOOK, SINGLE_MARKET_SHOP, rules))).toBeNull();
    expect(toAcpFeedProduct([])).toBeNull();
  });

  it("refuses items of different products or markets", () => {
    const mixed = [...toFeedItems(EBOOK, SINGLE_MARKET_SHOP), ...toFeedItems(BOOTS, SINGLE_MARKET_SHOP)];
    expect(() => toAcpFeedProduct(mixed)).toThrow(/one product and market/);
    expect(() => toAcpFeedProduct(toFeedItems(TEE, SHOP))).toThrow(/one product and market/);
  });
});

describe("throughput", () => {
  it("maps and serializes 20k variants in one linear pass", () => {
    const products = Array.from({ length: 1_000 }, (_, p) =>
      makeProduct({
        id: `gid://shopify/Product/${p}`,
        title: `Product ${p}`,
        descriptionHtml: TEE.descriptionHtml.repeat(5),
        images: TEE.images,
        options: TEE.options,
        variants: TEE.variants.concat(TEE.variants.slice(0, 8)).map((v, i) => ({
          ...v,
          id: `gid://shopify/ProductVariant/${p * 100 + i}`,
        })),
      }),
    );
    const started = performance.now();
    let rows = 0;
    for (const product of products) {
      const items = toFeedItems(product, SINGLE_MARKET_SHOP, RULES);
      for (const item of items) if (toOpenAiFeedRow(item).item_id) rows++;
      toAcpFeedProduct(items);
    }
    const elapsed = performance.now() - started;
    expect(rows).toBe(20_000);
    // ~0.2 s on an idle laptop; the bound only catches accidental quadratic work on a busy CI box.
    expect(elapsed).toBeLessThan(10_000);
  });
});
