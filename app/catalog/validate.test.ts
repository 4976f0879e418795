import { describe, expect, it } from "vitest";
import { toFeedItems, type FeedItem, type FeedNote } from "./feed-item";
import {
  ALL_PRODUCTS,
  BARE,
  BOOTS,
  EBOOK,
  GIFT_CARD,
  SHOP,
  SINGLE_MARKET_SHOP,
  TEE,
  makeShop,
} from "./fixtures";
import { parseFeedRules } from "./rules";
import { validate, validateItem, type ProblemCode } from "./validate";

const base = toFeedItems(EBOOK, SINGLE_MARKET_SHOP)[0];

/** A copy of the valid e-book item with some fields changed (seller changes get their own seller object). */
function variantOf(changes: Partial<FeedItem> & { sellerChanges?: Partial<FeedItem["seller"]> }): FeedItem {
  const { sellerChanges, ...rest } = changes;
  return { ...base, ...rest, seller: sellerChanges ? { ...base.seller, ...sellerChanges } : base.seller };
}

const codes = (item: FeedItem) => validateItem(item).map((p) => `${p.severity}:${p.code}`);

describe("validateItem", () => {
  it("accepts a complete item", () => {
    expect(validateItem(base)).toEqual([]);
  });

  it.each<[string, Parameters<typeof variantOf>[0], string[]]>([
    ["no title", { title: "" }, ["error:missing_title"]],
    ["a 151-character title", { title: "T".repeat(151) }, ["error:title_too_long"]],
    ["a 150-character title", { title: "T".repeat(150) }, []],
    ["no description", { description: "" }, ["error:missing_description"]],
    ["a 5,001-character description", { description: "d".repeat(5001) }, ["error:description_too_long"]],
    ["no product page", { url: null }, ["error:missing_url"]],
    ["a relative product page", { url: "/products/x?variant=1" }, ["error:invalid_url"]],
    ["a non-web product page", { url: "ftp://northwind.example/x" }, ["error:invalid_url"]],
    ["no image", { images: [] }, ["error:missing_image"]],
    ["a broken image URL", { images: [{ url: "https://", altText: null }] }, ["error:invalid_image_url"]],
    ["no price", { price: null }, ["error:missing_price"]],
    ["no brand", { brand: "" }, ["error:missing_brand"]],
    ["a 71-character brand", { brand: "B".repeat(71) }, ["error:brand_too_long"]],
    ["a 101-character id", { id: "1".repeat(101) }, ["error:item_id_too_long"]],
    ["a 71-character group id", { groupId: "1".repeat(71) }, ["error:group_id_too_long"]],
    [
      "a market without countries",
      { market: { handle: "x", currency: "USD", countries: [] } },
      ["error:missing_target_country"],
    ],
    [
      "a market with a bad country",
      { market: { handle: "x", currency: "USD", countries: ["usa"] } },
      ["error:missing_target_country"],
    ],
    ["no store name", { sellerChanges: { name: "" } }, ["error:missing_seller_name"]],
    [
      "a 71-character store name",
      { sellerChanges: { name: "N".repeat(71) } },
      ["error:seller_name_too_long"],
    ],
    ["no store URL", { sellerChanges: { url: "" } }, ["error:missing_seller_url"]],
    ["no refund policy", { sellerChanges: { refundPolicyUrl: null } }, ["error:missing_return_policy"]],
    ["no store country", { sellerChanges: { storeCountry: "" } }, ["error:missing_store_country"]],
    [
      "no privacy policy with checkout",
      { sellerChanges: { privacyPolicyUrl: null } },
      ["error:missing_seller_policy"],
    ],
    [
      "no terms with checkout",
      { sellerChanges: { termsOfServiceUrl: "not a url" } },
      ["error:missing_seller_policy"],
    ],
    [
      "no policies, search only",
      { isEligibleCheckout: false, sellerChanges: { privacyPolicyUrl: null, termsOfServiceUrl: null } },
      [],
    ],
    ["no shipping policy", { sellerChanges: { shippingPolicyUrl: null } }, []],
    ["no return window", { sellerChanges: { returnWindowDays: null } }, []],
  ])("%s", (_, changes, expected) => {
    expect(codes(variantOf(changes))).toEqual(expected);
  });

  it.each<[FeedNote, string]>([
    [{ code: "barcode_not_gtin", field: "gtin", value: "123" }, "warning:invalid_gtin"],
    [{ code: "gtin_invalid", field: "gtin", value: "123" }, "warning:invalid_gtin"],
    [{ code: "mpn_too_long", field: "mpn", value: "M" }, "warning:mpn_too_long"],
    [{ code: "material_too_long", field: "material", value: "M" }, "warning:material_too_long"],
    [{ code: "color_too_long", field: "color", value: "C" }, "warning:color_too_long"],
    [{ code: "size_too_long", field: "size", value: "S" }, "warning:size_too_long"],
    [{ code: "age_group_invalid", field: "ageGroup", value: "teen" }, "warning:invalid_age_group"],
    [{ code: "gender_invalid", field: "gender", value: "x" }, "warning:invalid_gender"],
    [{ code: "condition_invalid", field: "condition", value: "x" }, "warning:invalid_condition"],
    [{ code: "size_system_invalid", field: "sizeSystem", value: "x" }, "warning:invalid_size_system"],
    [{ code: "description_truncated", field: "description", value: "7000" }, "warning:description_too_long"],
    [{ code: "title_shortened", field: "title" }, "warning:title_shortened"],
    [
      { code: "gift_card_checkout_disabled", field: "isEligibleCheckout" },
      "warning:gift_card_checkout_disabled",
    ],
    [{ code: "price_invalid", field: "price", value: "12,50" }, "error:invalid_price"],
    [{ code: "market_price_missing", field: "price", value: "CAD" }, "error:missing_price"],
  ])("reports mapper note %j as %s", (note, expected) => {
    const price = note.field === "price" ? null : base.price;
    expect(codes(variantOf({ notes: [note], price }))).toEqual([expected]);
  });

  it("lists errors before warnings", () => {
    const item = variantOf({
      brand: "",
      notes: [{ code: "mpn_too_long", field: "mpn", value: "x" }],
      url: null,
    });
    expect(codes(item)).toEqual(["error:missing_url", "error:missing_brand", "warning:mpn_too_long"]);
  });

  it("says what to fix in Shopify", () => {
    const messages = (item: FeedItem) =>
      Object.fromEntries(validateItem(item).map((p) => [p.code, p.message]));
    expect(messages(toFeedItems(BARE, SINGLE_MARKET_SHOP)[0])).toEqual({
      missing_description: '"Mystery Item" has no description. Add one in Shopify admin → Products.',
      missing_url:
        '"Mystery Item" has no product page: make it available on the Online Store sales channel in Shopify admin → Products.',
      missing_image:
        '"Mystery Item" has no image. Add a product or variant image in Shopify admin → Products.',
      missing_brand:
        '"Mystery Item" has no vendor, which the feed uses as the brand. Set Vendor in Shopify admin → Products.',
    });
    expect(messages(toFeedItems(BOOTS, SHOP).find((i) => i.market.handle === "ca")!)).toMatchObject({
      missing_price:
        '"Wanderstiefel Alpin - Braun / 42" has no CAD price for the "ca" market. Check the market\'s prices in ' +
        "Shopify admin → Markets, or stop publishing that market in the feed settings.",
      invalid_gtin: expect.stringContaining(
        'Barcode "4006381333932" of "Wanderstiefel Alpin - Braun / 42" is not a valid GTIN',
      ),
    });
    const noPolicies = makeShop({
      policies: { refund: null, privacy: null, terms: "https://northwind.example/t", shipping: null },
    });
    expect(messages(toFeedItems(EBOOK, noPolicies)[0])).toEqual({
      missing_return_policy:
        "Your store has no refund policy, and the feed requires a return policy link. Add one in Shopify admin → Settings → Policies.",
      missing_seller_policy:
        "Selling through AI agents needs a privacy policy. Add it in Shopify admin → Settings → Policies, " +
        "or turn off agent checkout in the feed settings.",
    });
  });

  it("gives every problem a field and a message", () => {
    const items = ALL_PRODUCTS.flatMap((p) =>
      toFeedItems(p, SHOP, parseFeedRules({ includeGiftCards: true })),
    );
    for (const problem of items.flatMap(validateItem)) {
      expect(problem.message.length).toBeGreaterThan(20);
      expect(problem.field).toBeTruthy();
    }
  });
});

describe("validate", () => {
  it("splits the fixture catalog into publishable and not, with reasons", () => {
    const items = ALL_PRODUCTS.flatMap((p) =>
      toFeedItems(p, SHOP, parseFeedRules({ includeGiftCards: true })),
    );
    const result = validate(items);
    const summary = (list: { item: FeedItem; problems: { code: ProblemCode }[] }[]) =>
      Object.fromEntries(
        list.map(({ item, problems }) => [
          `${item.id}/${item.market.handle}`,
          problems.map((p) => p.code).join(","),
        ]),
      );

    // Only the tees have CAD and EUR prices; everything else is priced for the home market alone.
    expect(result.valid).toHaveLength(36 + 2 + 3 + 1); // tees, boots, gift cards, e-book
    expect(summary(result.invalid)).toEqual({
      "70020/ca": "missing_price,invalid_gtin",
      "70020/eu": "missing_price,invalid_gtin",
      "70021/ca": "missing_price,invalid_gtin",
      "70021/eu": "missing_price,invalid_gtin",
      "70030/ca": "missing_price,gift_card_checkout_disabled",
      "70030/eu": "missing_price,gift_card_checkout_disabled",
      "70031/ca": "missing_price,gift_card_checkout_disabled",
      "70031/eu": "missing_price,gift_card_checkout_disabled",
      "70032/ca": "missing_price,gift_card_checkout_disabled",
      "70032/eu": "missing_price,gift_card_checkout_disabled",
      "70040/ca": "missing_price",
      "70040/eu": "missing_price",
      "70060/us": "missing_description,missing_url,missing_image,missing_brand",
      "70060/ca": "missing_description,missing_url,missing_image,missing_brand,missing_price",
      "70060/eu": "missing_description,missing_url,missing_image,missing_brand,missing_price",
    });
    expect(summary(result.warnings)).toEqual({
      "70020/us": "invalid_gtin",
      "70021/us": "invalid_gtin",
      "70030/us": "gift_card_checkout_disabled",
      "70031/us": "gift_card_checkout_disabled",
      "70032/us": "gift_card_checkout_disabled",
    });
  });

  it("accepts any iterable, e.g. a generator streaming from the sync", () => {
    function* stream() {
      yield* toFeedItems(TEE, SINGLE_MARKET_SHOP);
      yield* toFeedItems(BARE, SINGLE_MARKET_SHOP);
    }
    const result = validate(stream());
    expect([result.valid.length, result.invalid.length, result.warnings.length]).toEqual([12, 1, 0]);
  });

  it("keeps a searchable gift card publishable", () => {
    const result = validate(
      toFeedItems(GIFT_CARD, SINGLE_MARKET_SHOP, parseFeedRules({ includeGiftCards: true })),
    );
    expect(result.valid).toHaveLength(3);
    expect(result.invalid).toEqual([]);
  });
});
