import { describe, expect, it } from "vitest";
import { buildSession, type BuildInput } from "./build";
import type { Quote, VariantFacts } from "./gateway";

const SHIRT = "gid://shopify/ProductVariant/101";
const EBOOK = "gid://shopify/ProductVariant/202";

function facts(overrides: Partial<VariantFacts> & { variantId: string }): VariantFacts {
  return {
    purchasable: true,
    name: "Shirt - Blue / M",
    description: null,
    imageUrls: [],
    productUrl: null,
    sku: null,
    options: [],
    availableQuantity: null,
    requiresShipping: true,
    ...overrides,
  };
}

const address = {
  name: "Ada Lovelace",
  lineOne: "1 Main St",
  city: "Austin",
  state: "TX",
  country: "US",
  postalCode: "78701",
};

function input(overrides: Partial<BuildInput> = {}): BuildInput {
  let next = 0;
  return {
    base: {
      id: "cs_1",
      shop: "s.myshopify.com",
      agentId: "agt_1",
      currency: "usd",
      locale: null,
      links: [],
      payment: null,
      interventions: [],
      metadata: null,
      createdAt: "2026-11-24T00:00:00Z",
      expiresAt: "2026-11-24T06:00:00Z",
    },
    previousLines: [],
    requestedLines: [{ itemId: "101", quantity: 2 }],
    variantIdFor: (id) => `gid://shopify/ProductVariant/${id}`,
    facts: new Map([[SHIRT, facts({ variantId: SHIRT, availableQuantity: 5 })]]),
    quote: null,
    buyer: { email: "ada@example.com" },
    fulfillmentDetails: null,
    selectedFulfillmentOptionId: null,
    discountCodes: [],
    fees: [],
    maxQuantityPerLine: 50,
    shipsToCountries: ["US", "CA"],
    newLineId: () => `li_${++next}`,
    now: "2026-11-24T00:00:00Z",
    ...overrides,
  };
}

function quote(overrides: Partial<Quote> = {}): Quote {
  return {
    currency: "usd",
    lines: [{ variantId: SHIRT, quantity: 2, unitAmount: 2500, baseAmount: 5000, discountAmount: 0, tax: 0 }],
    shippingRates: [
      { handle: "standard", title: "Standard", amount: 500 },
      { handle: "express", title: "Express", amount: 1500 },
    ],
    shipping: null,
    orderDiscount: 0,
    appliedDiscounts: [],
    rejectedCodes: [],
    tax: null,
    total: 5000,
    taxesIncluded: false,
    ...overrides,
  };
}

describe("buildSession", () => {
  it("reports an unknown item as a message on the line, not as a failure", () => {
    const session = buildSession(
      input({ requestedLines: [{ itemId: "999", quantity: 1 }], facts: new Map() }),
    );
    expect(session.ready).toBe(false);
    expect(session.messages).toEqual([
      expect.objectContaining({ type: "error", code: "not_found", target: { kind: "line", index: 0 } }),
    ]);
    expect(session.totals.total).toBe(0);
  });

  it.each([
    [0, 1, "out_of_stock"],
    [3, 4, "quantity_exceeded"],
  ])("with %i in stock, %i requested → %s", (available, quantity, code) => {
    const session = buildSession(
      input({
        requestedLines: [{ itemId: "101", quantity }],
        facts: new Map([[SHIRT, facts({ variantId: SHIRT, availableQuantity: available })]]),
      }),
    );
    expect(session.messages[0]).toMatchObject({ type: "error", code });
    expect(session.ready).toBe(false);
  });

  it("refuses more than the per-order limit", () => {
    const session = buildSession(
      input({
        requestedLines: [{ itemId: "101", quantity: 60 }],
        facts: new Map([[SHIRT, facts({ variantId: SHIRT })]]),
      }),
    );
    expect(session.messages[0]).toMatchObject({
      code: "maximum_exceeded",
      target: { kind: "lineQuantity", index: 0 },
    });
  });

  it("offers Shopify's shipping rates once priced and is not ready before a choice", () => {
    const session = buildSession(input({ fulfillmentDetails: { address }, quote: quote({ tax: 0 }) }));
    expect(session.fulfillmentOptions.map((option) => option.id)).toEqual(["standard", "express"]);
    expect(session.selectedFulfillmentOptionId).toBeNull();
    expect(session.ready).toBe(false);
  });

  it("is ready with a priced shipping choice, and the totals add up", () => {
    const session = buildSession(
      input({
        fulfillmentDetails: { address },
        selectedFulfillmentOptionId: "express",
        quote: quote({
          lines: [
            {
              variantId: SHIRT,
              quantity: 2,
              unitAmount: 2500,
              baseAmount: 5000,
              discountAmount: 500,
              tax: 371,
            },
          ],
          shipping: { handle: "express", title: "Express", amount: 1500, tax: 0 },
          tax: 371,
          total: 6371,
        }),
        fees: [
          {
            label: "Service fee",
            description: null,
            kind: "percentage",
            basisPoints: 250,
            fixedAmount: null,
            minAmount: 50,
            maxAmount: null,
            currency: null,
            agentIds: null,
            countries: null,
          },
        ],
      }),
    );
    expect(session.ready).toBe(true);
    const t = session.totals;
    expect(t).toMatchObject({
      itemsBaseAmount: 5000,
      itemsDiscount: 500,
      subtotal: 4500,
      fulfillment: 1500,
      tax: 371,
      discount: 0,
    });
    expect(t.fees).toEqual([{ label: "Service fee", amount: 113, description: null }]);
    expect(t.total).toBe(t.subtotal - t.discount + (t.fulfillment ?? 0) + (t.tax ?? 0) + 113);
    expect(t.total).toBe(6371 + 113);
    expect(session.lines[0]).toMatchObject({
      baseAmount: 5000,
      discountAmount: 500,
      subtotal: 4500,
      tax: 371,
      total: 4871,
    });
  });

  it("drops a shipping choice that Shopify did not price for the new address", () => {
    const session = buildSession(
      input({
        fulfillmentDetails: { address },
        selectedFulfillmentOptionId: "pigeon",
        quote: quote({ tax: 0 }),
      }),
    );
    expect(session.selectedFulfillmentOptionId).toBeNull();
    expect(session.messages).toContainEqual(
      expect.objectContaining({ code: "invalid", target: { kind: "fulfillmentOption" } }),
    );
  });

  it("selects digital delivery by itself when nothing ships", () => {
    const session = buildSession(
      input({
        requestedLines: [{ itemId: "202", quantity: 1 }],
        facts: new Map([[EBOOK, facts({ variantId: EBOOK, requiresShipping: false, name: "E-book" })]]),
        fulfillmentDetails: { address },
        quote: quote({
          lines: [
            { variantId: EBOOK, quantity: 1, unitAmount: 1200, baseAmount: 1200, discountAmount: 0, tax: 99 },
          ],
          shippingRates: [],
          tax: 99,
          total: 1299,
        }),
      }),
    );
    expect(session.fulfillmentOptions).toEqual([
      expect.objectContaining({ id: "digital", type: "digital", total: 0 }),
    ]);
    expect(session.ready).toBe(true);
    expect(session.totals.total).toBe(1299);
  });

  it("keeps tax-inclusive prices adding up by reporting lines net of tax", () => {
    const session = buildSession(
      input({
        fulfillmentDetails: { address: { ...address, country: "CA" } },
        selectedFulfillmentOptionId: "standard",
        quote: quote({
          lines: [
            {
              variantId: SHIRT,
              quantity: 2,
              unitAmount: 2500,
              baseAmount: 5000,
              discountAmount: 0,
              tax: 833,
            },
          ],
          shipping: { handle: "standard", title: "Standard", amount: 500, tax: 83 },
          tax: 916,
          total: 5500,
          taxesIncluded: true,
        }),
      }),
    );
    const t = session.totals;
    expect(t.total).toBe(5500);
    expect(t.subtotal + (t.fulfillment ?? 0) + (t.tax ?? 0) - t.discount).toBe(5500);
    expect(session.lines[0].total).toBe(5000);
  });

  it("warns about a discount code Shopify did not apply", () => {
    const session = buildSession(
      input({ discountCodes: ["NOPE"], quote: quote({ rejectedCodes: ["NOPE"] }) }),
    );
    expect(session.messages).toContainEqual(
      expect.objectContaining({
        type: "warning",
        code: "coupon_invalid",
        target: { kind: "discountCode", index: 0 },
      }),
    );
    expect(session.discounts.rejected).toEqual([{ code: "NOPE", reason: "invalid" }]);
  });

  it("flags an address the store does not ship to", () => {
    const session = buildSession(
      input({ fulfillmentDetails: { address: { ...address, country: "KP" } }, quote: quote() }),
    );
    expect(session.messages).toContainEqual(
      expect.objectContaining({
        code: "region_restricted",
        target: { kind: "fulfillmentAddress", field: "country" },
      }),
    );
  });

  it("keeps line ids stable across rebuilds", () => {
    const first = buildSession(input({ quote: quote() }));
    const second = buildSession(input({ quote: quote(), previousLines: first.lines }));
    expect(second.lines[0].id).toBe(first.lines[0].id);
  });
});
