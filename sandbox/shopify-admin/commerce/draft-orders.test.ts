import { describe, expect, it } from "vitest";
import { makeHarness } from "./harness";
import { ADDRESSES, makeTestShop, VARIANTS } from "./test-shop";

const QUOTE = /* GraphQL */ `
  mutation Quote($input: DraftOrderInput!) {
    draftOrderCalculate(input: $input) {
      calculatedDraftOrder {
        currencyCode
        presentmentCurrencyCode
        taxesIncluded
        lineItems {
          variant {
            id
          }
          title
          sku
          quantity
          originalUnitPriceSet {
            shopMoney {
              amount
              currencyCode
            }
            presentmentMoney {
              amount
              currencyCode
            }
          }
          discountedTotalSet {
            presentmentMoney {
              amount
            }
          }
          totalDiscountSet {
            presentmentMoney {
              amount
            }
          }
        }
        availableShippingRates {
          handle
          title
          price {
            amount
            currencyCode
          }
        }
        shippingLine {
          title
          shippingRateHandle
          custom
          originalPriceSet {
            presentmentMoney {
              amount
            }
          }
          discountedPriceSet {
            presentmentMoney {
              amount
            }
          }
          taxLines {
            title
            rate
            priceSet {
              presentmentMoney {
                amount
              }
            }
          }
        }
        discountCodes
        platformDiscounts {
          code
          title
          automaticDiscount
          presentationLevel
          totalAmountPriceSet {
            presentmentMoney {
              amount
            }
          }
          allocations {
            reductionAmountSet {
              presentmentMoney {
                amount
              }
            }
            target {
              __typename
            }
          }
        }
        subtotalPriceSet {
          shopMoney {
            amount
          }
        }
        lineItemsSubtotalPrice {
          shopMoney {
            amount
          }
        }
        totalLineItemsPriceSet {
          shopMoney {
            amount
          }
        }
        totalDiscountsSet {
          presentmentMoney {
            amount
          }
        }
        totalShippingPriceSet {
          presentmentMoney {
            amount
          }
        }
        totalTaxSet {
          presentmentMoney {
            amount
          }
        }
        taxLines {
          title
          rate
          ratePercentage
          priceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
        }
        totalPriceSet {
          shopMoney {
            amount
            currencyCode
          }
          presentmentMoney {
            amount
            currencyCode
          }
        }
        warnings {
          __typename
          errorCode
          field
          message
          ... on DraftOrderDiscountNotAppliedWarning {
            discountCode
          }
        }
        alerts {
          title
          severity
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

type QuoteData = {
  draftOrderCalculate: {
    calculatedDraftOrder: Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any
    userErrors: { field: string[] | null; message: string }[];
  };
};

describe("draftOrderCalculate", () => {
  it("quotes a cart in two steps: rates first, then the chosen rate with tax", async () => {
    const harness = makeHarness(makeTestShop());
    const input = {
      lineItems: [
        { variantId: VARIANTS.sticker, quantity: 3 },
        { variantId: VARIANTS.mug, quantity: 1 },
      ],
      shippingAddress: ADDRESSES.newYork,
      discountCodes: ["WELCOME10", "NOPE"],
      acceptAutomaticDiscounts: true,
      email: "buyer@example.com",
    };
    const first = await harness.run<QuoteData>(QUOTE, { input });
    const rates = first.data.draftOrderCalculate.calculatedDraftOrder!.availableShippingRates;
    expect(rates).toEqual([
      { handle: "shopify-standard-5.00", title: "Standard", price: { amount: "5.0", currencyCode: "USD" } },
      { handle: "shopify-express-15.00", title: "Express", price: { amount: "15.0", currencyCode: "USD" } },
    ]);

    const { data } = await harness.run<QuoteData>(QUOTE, {
      input: { ...input, shippingLine: { shippingRateHandle: rates[0].handle } },
    });
    const draft = data.draftOrderCalculate.calculatedDraftOrder!;
    expect(data.draftOrderCalculate.userErrors).toEqual([]);
    expect(draft.lineItems[0]).toEqual({
      variant: { id: VARIANTS.sticker },
      title: "Sticker",
      sku: "STK",
      quantity: 3,
      originalUnitPriceSet: {
        shopMoney: { amount: "3.33", currencyCode: "USD" },
        presentmentMoney: { amount: "3.33", currencyCode: "USD" },
      },
      // Order-level code discounts stay out of the line's discounted total.
      discountedTotalSet: { presentmentMoney: { amount: "9.99" } },
      totalDiscountSet: { presentmentMoney: { amount: "0.0" } },
    });
    expect(draft.shippingLine).toEqual({
      title: "Standard",
      shippingRateHandle: "shopify-standard-5.00",
      custom: false,
      originalPriceSet: { presentmentMoney: { amount: "5.0" } },
      discountedPriceSet: { presentmentMoney: { amount: "5.0" } },
      taxLines: [
        { title: "NY State Tax", rate: 0.08875, priceSet: { presentmentMoney: { amount: "0.44" } } },
      ],
    });
    expect(draft.discountCodes).toEqual(["WELCOME10"]);
    expect(draft.platformDiscounts).toEqual([
      {
        code: "WELCOME10",
        title: "10% off your first order",
        automaticDiscount: false,
        presentationLevel: "order",
        totalAmountPriceSet: { presentmentMoney: { amount: "2.3" } },
        allocations: [
          {
            reductionAmountSet: { presentmentMoney: { amount: "1.0" } },
            target: { __typename: "CalculatedDraftOrderLineItem" },
          },
          {
            reductionAmountSet: { presentmentMoney: { amount: "1.3" } },
            target: { __typename: "CalculatedDraftOrderLineItem" },
          },
        ],
      },
    ]);
    // 8.99 × 8.875% = 0.80, 11.69 × 8.875% = 1.04 (per line), shipping 0.44.
    expect(draft.taxLines).toEqual([
      {
        title: "NY State Tax",
        rate: 0.08875,
        ratePercentage: 8.875,
        priceSet: { shopMoney: { amount: "2.28", currencyCode: "USD" } },
      },
    ]);
    expect({
      lineItemsSubtotal: draft.lineItemsSubtotalPrice.shopMoney.amount,
      subtotal: draft.subtotalPriceSet.shopMoney.amount,
      lines: draft.totalLineItemsPriceSet.shopMoney.amount,
      discounts: draft.totalDiscountsSet.presentmentMoney.amount,
      shipping: draft.totalShippingPriceSet.presentmentMoney.amount,
      tax: draft.totalTaxSet.presentmentMoney.amount,
      total: draft.totalPriceSet,
    }).toEqual({
      lineItemsSubtotal: "22.98",
      subtotal: "20.68",
      lines: "22.98",
      discounts: "2.3",
      shipping: "5.0",
      tax: "2.28",
      total: {
        shopMoney: { amount: "27.96", currencyCode: "USD" },
        presentmentMoney: { amount: "27.96", currencyCode: "USD" },
      },
    });
    expect(draft.warnings).toEqual([
      {
        __typename: "DraftOrderDiscountNotAppliedWarning",
        errorCode: "INVALID_DISCOUNT_CODE",
        field: "discountCodes",
        message: "Discount code NOPE is invalid",
        discountCode: "NOPE",
      },
    ]);
    expect(draft.alerts).toEqual([]);
    expect(harness.webhooks).toEqual([]);
  });

  it("quotes in JPY with shop money converted back to USD", async () => {
    const harness = makeHarness(makeTestShop());
    const input = {
      lineItems: [{ variantId: VARIANTS.tshirtSmall, quantity: 2 }],
      shippingAddress: ADDRESSES.tokyo,
      presentmentCurrencyCode: "JPY",
      shippingLine: { shippingRateHandle: "shopify-world-5250" },
    };
    const { data } = await harness.run<QuoteData>(QUOTE, { input });
    const draft = data.draftOrderCalculate.calculatedDraftOrder!;
    expect(draft.presentmentCurrencyCode).toBe("JPY");
    expect(draft.currencyCode).toBe("USD");
    expect(draft.totalPriceSet).toEqual({
      shopMoney: { amount: "93.5", currencyCode: "USD" },
      presentmentMoney: { amount: "14025.0", currencyCode: "JPY" },
    });
  });

  it("answers with userErrors and no draft for an empty cart", async () => {
    const harness = makeHarness(makeTestShop());
    const { data } = await harness.run<QuoteData>(QUOTE, { input: { lineItems: [] } });
    expect(data.draftOrderCalculate).toEqual({
      calculatedDraftOrder: null,
      userErrors: [{ field: null, message: "Add at least 1 product" }],
    });
  });

  it("rejects more than 499 line items like Shopify (MAX_INPUT_SIZE_EXCEEDED)", async () => {
    const harness = makeHarness(makeTestShop());
    const lineItems = Array.from({ length: 500 }, () => ({ variantId: VARIANTS.mug, quantity: 1 }));
    const result = await harness.run(QUOTE, { input: { lineItems } }, { allowErrors: true });
    expect(result.errors?.[0]).toMatchObject({
      message: "The input array size of 500 is greater than the maximum allowed of 499.",
      path: ["draftOrderCalculate", "input", "lineItems"],
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
    });
  });

  it("lists insufficient stock as an alert", async () => {
    const harness = makeHarness(makeTestShop());
    const { data } = await harness.run<QuoteData>(QUOTE, {
      input: { lineItems: [{ variantId: VARIANTS.soldOut, quantity: 1 }] },
    });
    expect(data.draftOrderCalculate.calculatedDraftOrder!.alerts).toEqual([
      { title: "Insufficient inventory", severity: "WARNING" },
    ]);
  });
});

const DRAFT_FIELDS = /* GraphQL */ `
  fragment DraftFields on DraftOrder {
    id
    name
    status
    email
    tags
    completedAt
    ready
    taxesIncluded
    shippingAddress {
      city
      provinceCode
      countryCodeV2
      province
      country
    }
    shippingLine {
      title
      shippingRateHandle
    }
    lineItems(first: 10) {
      nodes {
        id
        title
        quantity
        variant {
          id
        }
      }
    }
    totalPriceSet {
      presentmentMoney {
        amount
        currencyCode
      }
    }
    order {
      id
      name
      displayFinancialStatus
      sourceName
      totalPriceSet {
        shopMoney {
          amount
        }
      }
      transactions {
        kind
        status
        gateway
        amountSet {
          shopMoney {
            amount
          }
        }
      }
    }
  }
`;

const CREATE = /* GraphQL */ `
  mutation Create($input: DraftOrderInput!) {
    draftOrderCreate(input: $input) {
      draftOrder {
        ...DraftFields
      }
      userErrors {
        field
        message
      }
    }
  }
  ${DRAFT_FIELDS}
`;

const UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $input: DraftOrderInput!) {
    draftOrderUpdate(id: $id, input: $input) {
      draftOrder {
        ...DraftFields
      }
      userErrors {
        field
        message
      }
    }
  }
  ${DRAFT_FIELDS}
`;

const COMPLETE = /* GraphQL */ `
  mutation Complete($id: ID!, $sourceName: String) {
    draftOrderComplete(id: $id, sourceName: $sourceName) {
      draftOrder {
        ...DraftFields
      }
      userErrors {
        field
        message
      }
    }
  }
  ${DRAFT_FIELDS}
`;

const READ = /* GraphQL */ `
  query Read($id: ID!) {
    draftOrder(id: $id) {
      ...DraftFields
    }
  }
  ${DRAFT_FIELDS}
`;

const DELETE = /* GraphQL */ `
  mutation Delete($id: ID!) {
    draftOrderDelete(input: { id: $id }) {
      deletedId
      userErrors {
        field
        message
      }
    }
  }
`;

/* eslint-disable @typescript-eslint/no-explicit-any -- response shapes are asserted, not typed */
describe("draft order lifecycle", () => {
  it("creates, updates with a shipping rate, completes into a paid order, refuses a second completion", async () => {
    const shop = makeTestShop();
    const harness = makeHarness(shop);
    const created = await harness.run<any>(CREATE, {
      input: {
        lineItems: [{ variantId: VARIANTS.tshirtSmall, quantity: 2 }],
        email: "buyer@example.com",
        tags: ["acp", "Agentic"],
        shippingAddress: ADDRESSES.california,
      },
    });
    const draft = created.data.draftOrderCreate.draftOrder;
    expect(draft).toMatchObject({
      name: "#D1",
      status: "OPEN",
      email: "buyer@example.com",
      tags: ["Agentic", "acp"],
      completedAt: null,
      ready: true,
      shippingAddress: {
        city: "Cupertino",
        provinceCode: "CA",
        countryCodeV2: "US",
        province: "California",
        country: "United States",
      },
      shippingLine: null,
      totalPriceSet: { presentmentMoney: { amount: "53.63", currencyCode: "USD" } },
      order: null,
    });

    const updated = await harness.run<any>(UPDATE, {
      id: draft.id,
      input: { shippingLine: { shippingRateHandle: "shopify-standard-5.00" } },
    });
    expect(updated.data.draftOrderUpdate.userErrors).toEqual([]);
    expect(updated.data.draftOrderUpdate.draftOrder).toMatchObject({
      shippingLine: { title: "Standard", shippingRateHandle: "shopify-standard-5.00" },
      totalPriceSet: { presentmentMoney: { amount: "58.63" } },
      lineItems: { nodes: [{ title: "Classic Tee", quantity: 2, variant: { id: VARIANTS.tshirtSmall } }] },
    });

    const read = await harness.run<any>(READ, { id: draft.id });
    expect(read.data.draftOrder.totalPriceSet.presentmentMoney.amount).toBe("58.63");

    const completed = await harness.run<any>(COMPLETE, { id: draft.id, sourceName: "acp-chatgpt" });
    expect(completed.data.draftOrderComplete.userErrors).toEqual([]);
    expect(completed.data.draftOrderComplete.draftOrder).toMatchObject({
      status: "COMPLETED",
      completedAt: "2026-06-01T12:00:00Z",
      order: {
        name: "#1001",
        displayFinancialStatus: "PAID",
        sourceName: "acp-chatgpt",
        totalPriceSet: { shopMoney: { amount: "58.63" } },
        transactions: [
          {
            kind: "SALE",
            status: "SUCCESS",
            gateway: "manual",
            amountSet: { shopMoney: { amount: "58.63" } },
          },
        ],
      },
    });
    // Completing claims the stock (10 → 8).
    const tee = [...shop.products.values()][0].variants[0];
    expect(tee.inventoryItem.levels[0].available).toBe(8);
    expect(harness.topics()).toEqual([
      "draft_orders/create",
      "draft_orders/update",
      "orders/create",
      "orders/paid",
      "draft_orders/update",
    ]);

    const again = await harness.run<any>(COMPLETE, { id: draft.id });
    expect(again.data.draftOrderComplete.userErrors).toEqual([
      { field: null, message: "This order has been paid" },
    ]);
    expect(again.data.draftOrderComplete.draftOrder.status).toBe("COMPLETED");
    expect(shop.orders.size).toBe(1);

    const edited = await harness.run<any>(UPDATE, { id: draft.id, input: { note: "late" } });
    expect(edited.data.draftOrderUpdate.userErrors).toHaveLength(1);
  });

  it("reports create-time validation with Shopify's messages", async () => {
    const harness = makeHarness(makeTestShop());
    const result = await harness.run<any>(CREATE, {
      input: { lineItems: [{ variantId: "gid://shopify/ProductVariant/999999999999999999", quantity: 1 }] },
    });
    expect(result.data.draftOrderCreate).toEqual({
      draftOrder: null,
      userErrors: [{ field: null, message: "Product with ID 999999999999999999 is no longer available." }],
    });
    const tags = await harness.run<any>(CREATE, {
      input: { lineItems: [{ variantId: VARIANTS.mug, quantity: 1 }], tags: ["x".repeat(41)] },
    });
    expect(tags.data.draftOrderCreate.userErrors).toEqual([
      { field: ["tags", "0"], message: "Title Tag exceeds the maximum length of 40 characters" },
    ]);
  });

  it("deletes a draft, then reads null", async () => {
    const harness = makeHarness(makeTestShop());
    const created = await harness.run<any>(CREATE, {
      input: { lineItems: [{ variantId: VARIANTS.mug, quantity: 1 }] },
    });
    const id = created.data.draftOrderCreate.draftOrder.id;
    const deleted = await harness.run<any>(DELETE, { id });
    expect(deleted.data.draftOrderDelete).toEqual({ deletedId: id, userErrors: [] });
    expect((await harness.run<any>(READ, { id })).data.draftOrder).toBeNull();
    expect((await harness.run<any>(DELETE, { id })).data.draftOrderDelete.userErrors).toHaveLength(1);
    expect(harness.topics()).toEqual(["draft_orders/create", "draft_orders/delete"]);
  });
});
