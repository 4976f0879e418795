import { describe, expect, it } from "vitest";
import { formatDecimal } from "./money";
import { calculateDraftOrder, type Calculation, type DraftOrderInputLike } from "./pricing";
import { ADDRESSES, makeTestShop, VARIANTS } from "./test-shop";

function calculate(input: DraftOrderInputLike, shop = makeTestShop()): Calculation {
  const result = calculateDraftOrder(shop, input, { now: new Date("2026-06-01T00:00:00Z") });
  if (!result.ok) throw new Error(`unexpected userErrors: ${JSON.stringify(result.userErrors)}`);
  return result.calculation;
}

/** The headline numbers as Shopify's Decimal strings, so a table row reads like an API response. */
function totals(calculation: Calculation) {
  const currency = calculation.presentmentCurrency;
  const d = (minor: number) => formatDecimal(minor, currency);
  return {
    lineItemsSubtotal: d(calculation.lineItemsSubtotal),
    subtotal: d(calculation.subtotal),
    shipping: d(calculation.totalShipping),
    discounts: d(calculation.totalDiscounts),
    tax: d(calculation.totalTax),
    total: d(calculation.total),
  };
}

const standard = (calculation: Calculation) =>
  calculation.availableShippingRates.find((rate) => rate.title === "Standard")!.handle;

describe("calculateDraftOrder: totals", () => {
  const cases: {
    name: string;
    input: DraftOrderInputLike;
    pickStandard?: boolean;
    expected: ReturnType<typeof totals>;
  }[] = [
    {
      name: "California: 7.25% on goods, shipping untaxed, 3.625 rounds up",
      input: {
        lineItems: [{ variantId: VARIANTS.tshirtSmall, quantity: 2 }],
        shippingAddress: ADDRESSES.california,
      },
      pickStandard: true,
      expected: {
        lineItemsSubtotal: "50.0",
        subtotal: "50.0",
        shipping: "5.0",
        discounts: "0.0",
        tax: "3.63",
        total: "58.63",
      },
    },
    {
      name: "New York: 8.875% on goods and shipping",
      input: {
        lineItems: [{ variantId: VARIANTS.tshirtSmall, quantity: 2 }],
        shippingAddress: ADDRESSES.newYork,
      },
      pickStandard: true,
      expected: {
        lineItemsSubtotal: "50.0",
        subtotal: "50.0",
        shipping: "5.0",
        discounts: "0.0",
        tax: "4.88",
        total: "59.88",
      },
    },
    {
      name: "New York: tax is rounded per line (3 × 0.2955 → 0.90, not 0.89)",
      input: {
        lineItems: [1, 2, 3].map(() => ({ variantId: VARIANTS.sticker, quantity: 1 })),
        shippingAddress: ADDRESSES.newYork,
      },
      expected: {
        lineItemsSubtotal: "9.99",
        subtotal: "9.99",
        shipping: "0.0",
        discounts: "0.0",
        tax: "0.9",
        total: "10.89",
      },
    },
    {
      name: "Oregon: no sales tax",
      input: { lineItems: [{ variantId: VARIANTS.mug, quantity: 1 }], shippingAddress: ADDRESSES.oregon },
      pickStandard: true,
      expected: {
        lineItemsSubtotal: "12.99",
        subtotal: "12.99",
        shipping: "5.0",
        discounts: "0.0",
        tax: "0.0",
        total: "17.99",
      },
    },
    {
      name: "Standard shipping is free from 75.00",
      input: {
        lineItems: [{ variantId: VARIANTS.tshirtSmall, quantity: 3 }],
        shippingAddress: ADDRESSES.oregon,
      },
      pickStandard: true,
      expected: {
        lineItemsSubtotal: "75.0",
        subtotal: "75.0",
        shipping: "0.0",
        discounts: "0.0",
        tax: "0.0",
        total: "75.0",
      },
    },
    {
      name: "WELCOME10 on 9.99 + 12.99: 2.30 off, allocated 1.00 / 1.30, taxed after discount",
      input: {
        lineItems: [
          { variantId: VARIANTS.sticker, quantity: 3 },
          { variantId: VARIANTS.mug, quantity: 1 },
        ],
        discountCodes: ["welcome10"],
        shippingAddress: ADDRESSES.california,
      },
      expected: {
        lineItemsSubtotal: "22.98",
        subtotal: "20.68",
        shipping: "0.0",
        discounts: "2.3",
        tax: "1.5",
        total: "22.18",
      },
    },
    {
      name: "British Columbia: GST 5% + PST 7% on goods, GST only on shipping",
      input: {
        lineItems: [{ variantId: VARIANTS.hoodie, quantity: 1 }],
        shippingAddress: ADDRESSES.britishColumbia,
      },
      expected: {
        lineItemsSubtotal: "60.0",
        subtotal: "60.0",
        shipping: "0.0",
        discounts: "0.0",
        tax: "7.2",
        total: "67.2",
      },
    },
    {
      name: "BIG15 applies at 120.00 (minimum 100.00)",
      input: {
        lineItems: [{ variantId: VARIANTS.hoodie, quantity: 2 }],
        discountCodes: ["BIG15"],
        shippingAddress: ADDRESSES.oregon,
      },
      expected: {
        lineItemsSubtotal: "120.0",
        subtotal: "102.0",
        shipping: "0.0",
        discounts: "18.0",
        tax: "0.0",
        total: "102.0",
      },
    },
    {
      name: "automatic SPEND200 only when accepted",
      input: {
        lineItems: [{ variantId: VARIANTS.hoodie, quantity: 4 }],
        acceptAutomaticDiscounts: true,
        shippingAddress: ADDRESSES.oregon,
      },
      expected: {
        lineItemsSubtotal: "240.0",
        subtotal: "220.0",
        shipping: "0.0",
        discounts: "20.0",
        tax: "0.0",
        total: "220.0",
      },
    },
    {
      name: "custom item, line discount 10% and a custom shipping line",
      input: {
        lineItems: [
          {
            title: "Gift wrap",
            quantity: 2,
            originalUnitPriceWithCurrency: { amount: "4.99", currencyCode: "USD" },
            appliedDiscount: { value: 10, valueType: "PERCENTAGE", title: "Staff" },
          },
        ],
        shippingLine: { title: "Courier", priceWithCurrency: { amount: "7.50", currencyCode: "USD" } },
        shippingAddress: ADDRESSES.california,
      },
      expected: {
        lineItemsSubtotal: "8.98",
        subtotal: "8.98",
        shipping: "7.5",
        discounts: "1.0",
        tax: "0.65",
        total: "17.13",
      },
    },
  ];

  it.each(cases)("$name", ({ input, pickStandard, expected }) => {
    let calculation = calculate(input);
    if (pickStandard) {
      calculation = calculate({ ...input, shippingLine: { shippingRateHandle: standard(calculation) } });
    }
    expect(totals(calculation)).toEqual(expected);
  });
});

describe("calculateDraftOrder: discounts", () => {
  it("allocates a fixed 5.00 across three equal lines so the parts sum exactly", () => {
    const calculation = calculate({
      lineItems: [1, 2, 3].map(() => ({ variantId: VARIANTS.sticker, quantity: 1 })),
      discountCodes: ["SAVE5"],
    });
    expect(calculation.lines.map((line) => line.allocations.map((allocation) => allocation.amount))).toEqual([
      [167],
      [167],
      [166],
    ]);
    expect(calculation.discountApplications).toMatchObject([
      { kind: "DISCOUNT_CODE", code: "SAVE5", valueType: "FIXED_AMOUNT", amount: 500 },
    ]);
    // Order-level discounts stay out of the line's discountedTotal, as in Shopify.
    expect(calculation.lines[0].discountedTotal).toBe(333);
  });

  it("never discounts more than the lines are worth", () => {
    const calculation = calculate({
      lineItems: [{ variantId: VARIANTS.sticker, quantity: 1 }],
      discountCodes: ["SAVE5"],
    });
    expect(calculation.subtotal).toBe(0);
    expect(calculation.totalDiscounts).toBe(333);
  });

  it("FREESHIP zeroes the chosen rate but keeps totalShipping as the price before discounts", () => {
    const first = calculate({
      lineItems: [{ variantId: VARIANTS.mug, quantity: 1 }],
      shippingAddress: ADDRESSES.newYork,
    });
    const express = first.availableShippingRates.find((rate) => rate.title === "Express")!;
    const calculation = calculate({
      lineItems: [{ variantId: VARIANTS.mug, quantity: 1 }],
      shippingAddress: ADDRESSES.newYork,
      shippingLine: { shippingRateHandle: express.handle },
      discountCodes: ["FREESHIP"],
    });
    expect(totals(calculation)).toEqual({
      lineItemsSubtotal: "12.99",
      subtotal: "12.99",
      shipping: "15.0",
      discounts: "15.0",
      tax: "1.15",
      total: "14.14",
    });
    expect(calculation.shippingLine?.taxLines).toEqual([{ title: "NY State Tax", rate: 0.08875, amount: 0 }]);
  });

  it.each([
    ["NOPE", "INVALID_DISCOUNT_CODE"],
    ["EXPIRED20", "INVALID_DISCOUNT_CODE"],
    ["BIG15", "DISCOUNT_NOT_APPLICABLE"],
  ])("skips %s with a DraftOrderDiscountNotAppliedWarning (%s)", (code, errorCode) => {
    const calculation = calculate({
      lineItems: [{ variantId: VARIANTS.tshirtSmall, quantity: 1 }],
      discountCodes: [code],
    });
    expect(calculation.totalDiscounts).toBe(0);
    expect(calculation.discountCodes).toEqual([]);
    expect(calculation.warnings).toMatchObject([
      {
        __typename: "DraftOrderDiscountNotAppliedWarning",
        errorCode,
        field: "discountCodes",
        discountCode: code,
      },
    ]);
  });

  it("applies one order code, combines free shipping, warns on a second order code", () => {
    const calculation = calculate({
      lineItems: [{ variantId: VARIANTS.tshirtSmall, quantity: 2 }],
      discountCodes: ["WELCOME10", "FREESHIP", "SAVE5"],
    });
    expect(calculation.discountCodes).toEqual(["WELCOME10", "FREESHIP"]);
    expect(calculation.warnings.map((warning) => warning.errorCode)).toEqual([
      "DISCOUNT_COMBINATION_NOT_ALLOWED",
    ]);
  });
});

describe("calculateDraftOrder: shipping rates", () => {
  it("offers nothing without an address", () => {
    expect(
      calculate({ lineItems: [{ variantId: VARIANTS.mug, quantity: 1 }] }).availableShippingRates,
    ).toEqual([]);
  });

  it("offers nothing to a country the shop does not ship to", () => {
    const calculation = calculate({
      lineItems: [{ variantId: VARIANTS.mug, quantity: 1 }],
      shippingAddress: ADDRESSES.moscow,
    });
    expect(calculation.availableShippingRates).toEqual([]);
  });

  it("offers nothing when nothing needs shipping", () => {
    const calculation = calculate({
      lineItems: [{ variantId: VARIANTS.ebook, quantity: 1 }],
      shippingAddress: ADDRESSES.california,
    });
    expect(calculation.availableShippingRates).toEqual([]);
  });

  it("lists the zone's rates with handles that change with the price", () => {
    const cheap = calculate({
      lineItems: [{ variantId: VARIANTS.mug, quantity: 1 }],
      shippingAddress: ADDRESSES.oregon,
    });
    expect(
      cheap.availableShippingRates.map(({ title, price, handle }) => ({ title, price, handle })),
    ).toEqual([
      { title: "Standard", price: 500, handle: "shopify-standard-5.00" },
      { title: "Express", price: 1500, handle: "shopify-express-15.00" },
    ]);
    const free = calculate({
      lineItems: [{ variantId: VARIANTS.hoodie, quantity: 2 }],
      shippingAddress: ADDRESSES.oregon,
    });
    expect(free.availableShippingRates[0]).toMatchObject({
      title: "Standard",
      price: 0,
      handle: "shopify-standard-0.00",
    });
  });

  it("rejects a handle that is not (or no longer) offered", () => {
    const result = calculateDraftOrder(makeTestShop(), {
      lineItems: [{ variantId: VARIANTS.hoodie, quantity: 2 }],
      shippingAddress: ADDRESSES.oregon,
      shippingLine: { shippingRateHandle: "shopify-standard-5.00" },
    });
    expect(result).toEqual({
      ok: false,
      userErrors: [
        {
          field: ["shippingLine", "shippingRateHandle"],
          message: "Shipping rate is not available for this draft order",
        },
      ],
    });
  });
});

describe("calculateDraftOrder: currencies and tax-inclusive shops", () => {
  it("prices in JPY (zero-decimal) by conversion, shipping and tax included", () => {
    const shop = makeTestShop();
    const input: DraftOrderInputLike = {
      lineItems: [{ variantId: VARIANTS.tshirtSmall, quantity: 2 }],
      shippingAddress: ADDRESSES.tokyo,
      presentmentCurrencyCode: "JPY",
    };
    const first = calculate(input, shop);
    expect(first.availableShippingRates).toMatchObject([{ title: "Worldwide", price: 5250 }]);
    const calculation = calculate(
      { ...input, shippingLine: { shippingRateHandle: first.availableShippingRates[0].handle } },
      shop,
    );
    expect(calculation.lines[0].unitPrice).toBe(3750);
    expect(totals(calculation)).toEqual({
      lineItemsSubtotal: "7500.0",
      subtotal: "7500.0",
      shipping: "5250.0",
      discounts: "0.0",
      tax: "1275.0",
      total: "14025.0",
    });
    expect(calculation.rate).toBeCloseTo(1 / 150);
  });

  it("uses a fixed market price over conversion (hoodie 55.00 EUR), converts the rest", () => {
    const calculation = calculate({
      lineItems: [
        { variantId: VARIANTS.hoodie, quantity: 1 },
        { variantId: VARIANTS.mug, quantity: 1 },
      ],
      presentmentCurrencyCode: "EUR",
    });
    expect(calculation.lines.map((line) => line.unitPrice)).toEqual([5500, 1195]);
  });

  it("rejects a presentment currency no market sells in", () => {
    const result = calculateDraftOrder(makeTestShop(), {
      lineItems: [{ variantId: VARIANTS.mug, quantity: 1 }],
      presentmentCurrencyCode: "GBP",
    });
    expect(result.ok).toBe(false);
  });

  it("extracts VAT from tax-inclusive prices per line (EUR shop, Berlin)", () => {
    const shop = makeTestShop({
      currencyCode: "EUR",
      taxesIncluded: true,
      markets: [
        {
          id: "gid://shopify/Market/9",
          handle: "eu",
          name: "EU",
          currencyCode: "EUR",
          countryCodes: ["DE"],
          primary: true,
          conversionRate: 1,
        },
      ],
    });
    const input: DraftOrderInputLike = {
      lineItems: [{ variantId: VARIANTS.hoodie, quantity: 1 }],
      shippingAddress: ADDRESSES.berlin,
    };
    const first = calculate(input, shop);
    const calculation = calculate(
      { ...input, shippingLine: { shippingRateHandle: first.availableShippingRates[0].handle } },
      shop,
    );
    expect(calculation.taxesIncluded).toBe(true);
    expect(calculation.lines[0].taxLines).toEqual([{ title: "DE VAT", rate: 0.19, amount: 958 }]);
    expect(calculation.shippingLine?.taxLines).toEqual([{ title: "DE VAT", rate: 0.19, amount: 287 }]);
    expect(totals(calculation)).toEqual({
      lineItemsSubtotal: "60.0",
      subtotal: "60.0",
      shipping: "18.0",
      discounts: "0.0",
      tax: "12.45",
      total: "78.0",
    });
  });
});

describe("calculateDraftOrder: validation", () => {
  const shop = makeTestShop();
  it.each([
    ["no line items", { lineItems: [] }, [{ field: null, message: "Add at least 1 product" }]],
    [
      "unknown variant",
      { lineItems: [{ variantId: "gid://shopify/ProductVariant/999999", quantity: 1 }] },
      [{ field: null, message: "Product with ID 999999 is no longer available." }],
    ],
    [
      "variant of a draft product",
      { lineItems: [{ variantId: VARIANTS.draft, quantity: 1 }] },
      [{ field: null, message: "Product with ID 801 is no longer available." }],
    ],
    [
      "variant of an archived product",
      { lineItems: [{ variantId: VARIANTS.archived, quantity: 1 }] },
      [{ field: null, message: "Product with ID 901 is no longer available." }],
    ],
    [
      "quantity below 1",
      { lineItems: [{ variantId: VARIANTS.mug, quantity: 0 }] },
      [{ field: ["lineItems", "0", "quantity"], message: "Quantity must be greater than or equal to 1" }],
    ],
    [
      "custom item without a title",
      { lineItems: [{ quantity: 1, originalUnitPrice: "1.00" }] },
      [{ field: null, message: "Merchandise title is empty." }],
    ],
    [
      "negative custom price",
      { lineItems: [{ title: "Refund me", quantity: 1, originalUnitPrice: "-1.00" }] },
      [{ field: null, message: "Cannot send negative price for line_item" }],
    ],
    [
      "invalid email",
      { email: "not-an-email", lineItems: [{ variantId: VARIANTS.mug, quantity: 1 }] },
      [{ field: ["email"], message: "Email is invalid" }],
    ],
  ] as [string, DraftOrderInputLike, unknown][])("%s", (_name, input, userErrors) => {
    expect(calculateDraftOrder(shop, input)).toEqual({ ok: false, userErrors });
  });

  it("reports insufficient inventory as an alert, not an error (DENY, tracked)", () => {
    const calculation = calculate({
      lineItems: [
        { variantId: VARIANTS.tshirtLarge, quantity: 2 },
        { variantId: VARIANTS.tshirtLarge, quantity: 2 },
        { variantId: VARIANTS.preorder, quantity: 5 },
      ],
    });
    expect(calculation.alerts).toEqual([
      {
        title: "Insufficient inventory",
        content: "Classic Tee - Large has 3 available, 4 requested",
        severity: "WARNING",
      },
    ]);
  });
});
