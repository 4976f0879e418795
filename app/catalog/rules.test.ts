import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { BOOTS, DRAFT, GIFT_CARD, TEE, makeProduct } from "./fixtures";
import {
  DEFAULT_FEED_RULES,
  applyRules,
  mappedMetafieldValues,
  parseFeedRules,
  resolveEligibility,
  type FeedRulesInput,
} from "./rules";
import type { ShopifyProduct } from "./shopify-product";

describe("FeedRulesSchema", () => {
  it("fills every default from an empty object (a shop that never saved rules)", () => {
    expect(parseFeedRules({})).toEqual({
      version: 1,
      include: { statuses: ["ACTIVE"], collections: [], tags: [], productTypes: [], vendors: [] },
      exclude: { collections: [], tags: [], productTypes: [], vendors: [] },
      includeGiftCards: false,
      markets: [],
      defaults: { isEligibleSearch: true, isEligibleCheckout: true },
      productOverrides: {},
      metafieldMappings: [],
    });
    expect(parseFeedRules(null)).toEqual(DEFAULT_FEED_RULES);
  });

  it("round-trips through JSON (it is stored per shop as JSON)", () => {
    const rules = parseFeedRules({
      include: { tags: ["summer"] },
      productOverrides: { "gid://shopify/Product/1": { isEligibleCheckout: false } },
      metafieldMappings: [{ namespace: "custom", key: "gtin", field: "gtin" }],
    });
    expect(parseFeedRules(JSON.parse(JSON.stringify(rules)))).toEqual(rules);
  });

  it.each([
    ["an unknown top-level key", { includeGiftcards: true }, []],
    ["an unknown filter key", { exclude: { tag: ["x"] } }, ["exclude"]],
    ["an unknown status", { include: { statuses: ["PUBLISHED"] } }, ["include", "statuses", 0]],
    ["no statuses at all", { include: { statuses: [] } }, ["include", "statuses"]],
    ["an empty tag", { include: { tags: [" "] } }, ["include", "tags", 0]],
    [
      "an unknown metafield target",
      { metafieldMappings: [{ namespace: "c", key: "k", field: "colour" }] },
      ["metafieldMappings", 0, "field"],
    ],
    [
      "a non-boolean override",
      { productOverrides: { "1": { isEligibleSearch: "yes" } } },
      ["productOverrides", "1", "isEligibleSearch"],
    ],
    ["another version", { version: 2 }, ["version"]],
  ])("rejects %s", (_, input, path) => {
    try {
      parseFeedRules(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ZodError);
      expect((error as ZodError).issues[0].path).toEqual(path);
    }
  });
});

describe("applyRules", () => {
  const product = (overrides: Partial<ShopifyProduct>) =>
    makeProduct({
      tags: ["Summer", "organic"],
      productType: "T-Shirts",
      vendor: "Northwind Apparel",
      collections: [{ id: "gid://shopify/Collection/301", handle: "tees", title: "Tees" }],
      ...overrides,
    });

  it.each<[string, Partial<ShopifyProduct>, FeedRulesInput, string | null]>([
    ["an active product with default rules", {}, {}, null],
    ["a draft product", { status: "DRAFT" }, {}, "status"],
    ["an archived product", { status: "ARCHIVED" }, {}, "status"],
    [
      "a draft when drafts are included",
      { status: "DRAFT" },
      { include: { statuses: ["ACTIVE", "DRAFT"] } },
      null,
    ],
    ["a gift card by default", { isGiftCard: true }, {}, "gift_card"],
    ["a gift card when opted in", { isGiftCard: true }, { includeGiftCards: true }, null],
    ["an included collection by handle", {}, { include: { collections: ["TEES"] } }, null],
    [
      "an included collection by GID",
      {},
      { include: { collections: ["gid://shopify/Collection/301"] } },
      null,
    ],
    [
      "a product outside the included collections",
      {},
      { include: { collections: ["boots"] } },
      "collection_not_included",
    ],
    ["an included tag, any case", {}, { include: { tags: ["summer"] } }, null],
    ["a product without an included tag", {}, { include: { tags: ["winter"] } }, "tag_not_included"],
    ["an included product type", {}, { include: { productTypes: ["t-shirts", "Hoodies"] } }, null],
    ["another product type", {}, { include: { productTypes: ["Hoodies"] } }, "product_type_not_included"],
    ["an included vendor", {}, { include: { vendors: [" northwind apparel "] } }, null],
    ["another vendor", {}, { include: { vendors: ["Bergwerk"] } }, "vendor_not_included"],
    ["an excluded collection", {}, { exclude: { collections: ["tees"] } }, "collection_excluded"],
    ["an excluded tag", {}, { exclude: { tags: ["ORGANIC"] } }, "tag_excluded"],
    ["an excluded product type", {}, { exclude: { productTypes: ["T-Shirts"] } }, "product_type_excluded"],
    ["an excluded vendor", {}, { exclude: { vendors: ["Northwind Apparel"] } }, "vendor_excluded"],
    [
      "exclusion winning over inclusion",
      {},
      { include: { tags: ["summer"] }, exclude: { tags: ["organic"] } },
      "tag_excluded",
    ],
    [
      "a product with no tags against a tag include",
      { tags: [] },
      { include: { tags: ["summer"] } },
      "tag_not_included",
    ],
    [
      "every include dimension matching",
      {},
      { include: { tags: ["summer"], collections: ["tees"], vendors: ["Northwind Apparel"] } },
      null,
    ],
  ])("%s", (_, overrides, input, reason) => {
    const decision = applyRules(product(overrides), parseFeedRules(input));
    if (reason === null) {
      expect(decision).toEqual({ excluded: false });
    } else {
      expect(decision).toMatchObject({ excluded: true, reason });
      expect(decision.excluded && decision.message.length).toBeGreaterThan(10);
    }
  });

  it("tells the merchant what to do about a draft", () => {
    expect(applyRules(DRAFT)).toEqual({
      excluded: true,
      reason: "status",
      message:
        "Status is DRAFT; the feed publishes ACTIVE products. Set the product to Active in Shopify admin to publish it.",
    });
  });

  it("names the matching tag of an excluded product", () => {
    const decision = applyRules(TEE, parseFeedRules({ exclude: { tags: ["bestseller"] } }));
    expect(decision).toMatchObject({
      reason: "tag_excluded",
      message: 'Tagged "bestseller", which the feed settings exclude.',
    });
  });

  it("defaults to the default rules", () => {
    expect(applyRules(BOOTS)).toEqual({ excluded: false });
    expect(applyRules(GIFT_CARD)).toMatchObject({ excluded: true, reason: "gift_card" });
  });
});

describe("resolveEligibility", () => {
  const id = "gid://shopify/Product/42";
  it.each<[string, FeedRulesInput, { isEligibleSearch: boolean; isEligibleCheckout: boolean }]>([
    ["defaults", {}, { isEligibleSearch: true, isEligibleCheckout: true }],
    [
      "shop default: search only",
      { defaults: { isEligibleCheckout: false } },
      { isEligibleSearch: true, isEligibleCheckout: false },
    ],
    [
      "override by GID",
      { productOverrides: { [id]: { isEligibleCheckout: false } } },
      { isEligibleSearch: true, isEligibleCheckout: false },
    ],
    [
      "override by numeric id",
      { productOverrides: { "42": { isEligibleSearch: false } } },
      { isEligibleSearch: false, isEligibleCheckout: false },
    ],
    [
      "checkout without search is forced off",
      { productOverrides: { [id]: { isEligibleSearch: false, isEligibleCheckout: true } } },
      { isEligibleSearch: false, isEligibleCheckout: false },
    ],
    [
      "override turning checkout on against the default",
      { defaults: { isEligibleCheckout: false }, productOverrides: { [id]: { isEligibleCheckout: true } } },
      { isEligibleSearch: true, isEligibleCheckout: true },
    ],
    [
      "an override for another product",
      { productOverrides: { "43": { isEligibleSearch: false } } },
      { isEligibleSearch: true, isEligibleCheckout: true },
    ],
  ])("%s", (_, input, expected) => {
    expect(resolveEligibility({ id }, parseFeedRules(input))).toEqual(expected);
  });
});

describe("mappedMetafieldValues", () => {
  const rules = parseFeedRules({
    metafieldMappings: [
      { namespace: "custom", key: "gtin", field: "gtin" },
      { namespace: "custom", key: "material", field: "material" },
      { namespace: "custom", key: "age_group", field: "ageGroup" },
      { namespace: "specs", key: "materials", field: "material" },
      { namespace: "custom", key: "care", field: "brand" },
      { namespace: "custom", key: "missing", field: "mpn" },
    ],
  });
  const metafields = (list: ShopifyProduct["metafields"]) =>
    mappedMetafieldValues({ metafields: list }, rules);

  it.each<[string, ShopifyProduct["metafields"], Record<string, string>]>([
    ["no metafields", [], {}],
    [
      "a text metafield, trimmed",
      [{ namespace: "custom", key: "material", value: " Wool ", type: "single_line_text_field" }],
      { material: "Wool" },
    ],
    [
      "a list metafield, joined",
      [
        {
          namespace: "specs",
          key: "materials",
          value: '["Wool","Silk"]',
          type: "list.single_line_text_field",
        },
      ],
      { material: "Wool, Silk" },
    ],
    [
      "the first mapping for a field wins",
      [
        { namespace: "specs", key: "materials", value: '["Silk"]', type: "list.single_line_text_field" },
        { namespace: "custom", key: "material", value: "Wool", type: "single_line_text_field" },
      ],
      { material: "Wool" },
    ],
    [
      "a malformed list is ignored",
      [{ namespace: "specs", key: "materials", value: "[oops", type: "list.single_line_text_field" }],
      {},
    ],
    [
      "a structured type is ignored",
      [{ namespace: "custom", key: "care", value: '{"type":"root"}', type: "rich_text_field" }],
      {},
    ],
    [
      "an empty value is ignored",
      [{ namespace: "custom", key: "gtin", value: "  ", type: "single_line_text_field" }],
      {},
    ],
    [
      "a number metafield",
      [{ namespace: "custom", key: "gtin", value: "4006381333931", type: "number_integer" }],
      { gtin: "4006381333931" },
    ],
    [
      "an unmapped metafield",
      [{ namespace: "custom", key: "other", value: "x", type: "single_line_text_field" }],
      {},
    ],
    [
      "namespace and key must both match",
      [{ namespace: "specs", key: "material", value: "x", type: "single_line_text_field" }],
      {},
    ],
  ])("%s", (_, list, expected) => {
    expect(metafields(list)).toEqual(expected);
  });

  it("maps nothing without mappings", () => {
    expect(mappedMetafieldValues(TEE)).toEqual({});
  });
});
