/* eslint-disable @typescript-eslint/no-explicit-any -- response shapes are asserted, not typed */
import { describe, expect, it } from "vitest";
import { makeHarness, type Harness } from "./harness";
import { ADDRESSES, makeTestShop, VARIANTS } from "./test-shop";

const ORDER_FIELDS = /* GraphQL */ `
  fragment OrderFields on Order {
    id
    legacyResourceId
    name
    email
    createdAt
    cancelledAt
    cancelReason
    closed
    displayFinancialStatus
    displayFulfillmentStatus
    sourceName
    sourceIdentifier
    tags
    note
    customAttributes {
      key
      value
    }
    currencyCode
    presentmentCurrencyCode
    statusPageUrl
    discountCodes
    totalPriceSet {
      shopMoney {
        amount
        currencyCode
      }
    }
    subtotalPriceSet {
      shopMoney {
        amount
      }
    }
    totalTaxSet {
      shopMoney {
        amount
      }
    }
    totalShippingPriceSet {
      shopMoney {
        amount
      }
    }
    totalDiscountsSet {
      shopMoney {
        amount
      }
    }
    totalRefundedSet {
      shopMoney {
        amount
      }
    }
    currentTotalPriceSet {
      shopMoney {
        amount
      }
    }
    totalOutstandingSet {
      shopMoney {
        amount
      }
    }
    lineItems(first: 10) {
      nodes {
        id
        title
        quantity
        currentQuantity
        sku
        variant {
          id
        }
        originalUnitPriceSet {
          shopMoney {
            amount
          }
        }
        discountedTotalSet {
          shopMoney {
            amount
          }
        }
        taxLines {
          title
          rate
          priceSet {
            shopMoney {
              amount
            }
          }
        }
      }
    }
    shippingLines(first: 5) {
      nodes {
        title
        code
        originalPriceSet {
          shopMoney {
            amount
          }
        }
      }
    }
    shippingAddress {
      city
      countryCodeV2
    }
    transactions {
      id
      kind
      status
      gateway
      authorizationCode
      amountSet {
        shopMoney {
          amount
        }
      }
      parentTransaction {
        id
      }
      processedAt
    }
    refunds(first: 5) {
      id
      note
      totalRefundedSet {
        shopMoney {
          amount
        }
      }
      refundLineItems(first: 5) {
        nodes {
          quantity
          restockType
          lineItem {
            id
          }
        }
      }
    }
  }
`;

const CREATE = /* GraphQL */ `
  mutation Create($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
    orderCreate(order: $order, options: $options) {
      order {
        ...OrderFields
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ORDER_FIELDS}
`;

const READ = /* GraphQL */ `
  query Read($id: ID!) {
    order(id: $id) {
      ...OrderFields
    }
  }
  ${ORDER_FIELDS}
`;

const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });

/** The order the app sends after a Stripe charge: lines, tax, shipping, a discount, a SALE. */
function paidOrderInput(overrides: Record<string, unknown> = {}) {
  return {
    currency: "USD",
    email: "buyer@example.com",
    sourceName: "agentic-commerce",
    sourceIdentifier: "cs_123",
    tags: ["agentic-commerce", "agent:chatgpt"],
    note: "Placed by ChatGPT",
    customAttributes: [{ key: "acp_checkout_session_id", value: "cs_123" }],
    shippingAddress: ADDRESSES.california,
    lineItems: [
      {
        variantId: VARIANTS.tshirtSmall,
        quantity: 2,
        priceSet: usd("25.00"),
        taxLines: [{ title: "CA State Tax", rate: "0.0725", priceSet: usd("3.26") }],
      },
    ],
    shippingLines: [{ title: "Standard", code: "standard", priceSet: usd("5.00") }],
    discountCode: { itemFixedDiscountCode: { code: "SAVE5", amountSet: usd("5.00") } },
    transactions: [
      {
        kind: "SALE",
        status: "SUCCESS",
        gateway: "stripe-acp",
        authorizationCode: "pi_123",
        amountSet: usd("53.26"),
      },
    ],
    ...overrides,
  };
}

async function createOrder(
  harness: Harness,
  order: Record<string, unknown>,
  options?: Record<string, unknown>,
) {
  const result = await harness.run<any>(CREATE, { order, options });
  return result.data.orderCreate;
}

describe("orderCreate", () => {
  it("creates a paid order with Shopify's name, status page URL, totals and webhooks", async () => {
    const harness = makeHarness(makeTestShop());
    const { order, userErrors } = await createOrder(harness, paidOrderInput());
    expect(userErrors).toEqual([]);
    expect(order).toMatchObject({
      name: "#1001",
      displayFinancialStatus: "PAID",
      displayFulfillmentStatus: "UNFULFILLED",
      sourceName: "agentic-commerce",
      sourceIdentifier: "cs_123",
      tags: ["agent:chatgpt", "agentic-commerce"],
      discountCodes: ["SAVE5"],
      totalPriceSet: { shopMoney: { amount: "53.26", currencyCode: "USD" } },
      subtotalPriceSet: { shopMoney: { amount: "45.0" } },
      totalTaxSet: { shopMoney: { amount: "3.26" } },
      totalShippingPriceSet: { shopMoney: { amount: "5.0" } },
      totalDiscountsSet: { shopMoney: { amount: "5.0" } },
      totalOutstandingSet: { shopMoney: { amount: "0.0" } },
      lineItems: {
        nodes: [
          {
            title: "Classic Tee",
            quantity: 2,
            currentQuantity: 2,
            sku: "TEE-S",
            variant: { id: VARIANTS.tshirtSmall },
            originalUnitPriceSet: { shopMoney: { amount: "25.0" } },
            discountedTotalSet: { shopMoney: { amount: "50.0" } },
            taxLines: [{ title: "CA State Tax", rate: 0.0725, priceSet: { shopMoney: { amount: "3.26" } } }],
          },
        ],
      },
      shippingLines: {
        nodes: [{ title: "Standard", code: "standard", originalPriceSet: { shopMoney: { amount: "5.0" } } }],
      },
      transactions: [
        {
          kind: "SALE",
          status: "SUCCESS",
          gateway: "stripe-acp",
          authorizationCode: "pi_123",
          parentTransaction: null,
        },
      ],
    });
    expect(order.statusPageUrl).toMatch(
      /^https:\/\/acme-outfitters\.myshopify\.com\/548380009\/orders\/[0-9a-f]{32}\/authenticate\?key=[0-9a-f]{32}$/,
    );
    expect(harness.topics()).toEqual(["orders/create", "orders/paid"]);
    const payload = harness.webhooks[0].payload;
    expect(payload).toMatchObject({
      id: Number(order.legacyResourceId),
      admin_graphql_api_id: order.id,
      name: "#1001",
      order_number: 1001,
      financial_status: "paid",
      fulfillment_status: null,
      source_identifier: "cs_123",
      source_name: "agentic-commerce",
      total_price: "53.26",
      subtotal_price: "45.00",
      currency: "USD",
      order_status_url: order.statusPageUrl,
      tags: "agent:chatgpt, agentic-commerce",
      note_attributes: [{ name: "acp_checkout_session_id", value: "cs_123" }],
      discount_codes: [{ code: "SAVE5", amount: "5.00", type: "fixed_amount" }],
      created_at: "2026-06-01T08:00:00-04:00",
      fulfillments: [],
      refunds: [],
    });
    expect((payload.line_items as any[])[0]).toMatchObject({
      variant_id: 101,
      quantity: 2,
      price: "25.00",
      discount_allocations: [{ amount: "5.00", discount_application_index: 0 }],
    });
  });

  it("keeps an explicit PENDING until a payment is recorded; no status at all without transactions", async () => {
    const harness = makeHarness(makeTestShop());
    const pending = await createOrder(
      harness,
      paidOrderInput({ transactions: [], financialStatus: "PENDING" }),
    );
    expect(pending.order.displayFinancialStatus).toBe("PENDING");
    // Observed on Shopify: neither transactions nor financialStatus → displayFinancialStatus null.
    const unset = await createOrder(harness, paidOrderInput({ transactions: [], sourceIdentifier: "cs_2" }));
    expect(unset.order.displayFinancialStatus).toBeNull();
    const authorized = await createOrder(
      harness,
      paidOrderInput({
        transactions: [{ kind: "AUTHORIZATION", gateway: "stripe-acp", amountSet: usd("53.26") }],
      }),
    );
    expect(authorized.order.displayFinancialStatus).toBe("AUTHORIZED");
  });

  it.each([
    [
      "no line items (observed)",
      { lineItems: [] },
      [
        {
          field: ["order", "lineItems"],
          message: "Line items must have at least one line item",
          code: "INVALID",
        },
      ],
    ],
    [
      "processedAt in the future",
      { processedAt: "2099-01-01T00:00:00Z" },
      [{ field: ["order", "processedAt"], code: "PROCESSED_AT_INVALID" }],
    ],
    [
      "customerId and customer together",
      { customerId: "gid://shopify/Customer/1", customer: { toUpsert: { email: "a@b.co" } } },
      [{ field: ["order"], code: "REDUNDANT_CUSTOMER_FIELDS" }],
    ],
    [
      "a line tax line without a rate",
      {
        lineItems: [
          {
            title: "Custom",
            quantity: 1,
            priceSet: usd("1.00"),
            taxLines: [{ title: "Tax", rate: "", priceSet: usd("0.10") }],
          },
        ],
      },
      [{ field: ["order", "lineItems", "0", "taxLines", "0", "rate"], code: "TAX_LINE_RATE_MISSING" }],
    ],
    [
      "a price in another currency than the order's",
      {
        lineItems: [
          { title: "Custom", quantity: 1, priceSet: { shopMoney: { amount: "1.00", currencyCode: "EUR" } } },
        ],
      },
      [{ field: ["order", "lineItems", "0", "priceSet", "shopMoney", "currencyCode"], code: "INVALID" }],
    ],
    [
      "an unknown variant",
      { lineItems: [{ variantId: "gid://shopify/ProductVariant/404", quantity: 1 }] },
      [{ field: ["order", "lineItems", "0", "variantId"], code: "INVALID" }],
    ],
    [
      "a refund transaction",
      { transactions: [{ kind: "REFUND", amountSet: usd("1.00") }] },
      [{ field: ["order", "transactions", "0", "kind"], code: "INVALID" }],
    ],
  ])("refuses %s", async (_name, overrides, expected) => {
    const harness = makeHarness(makeTestShop());
    const result = await createOrder(harness, paidOrderInput(overrides));
    expect(result.order).toBeNull();
    expect(result.userErrors).toMatchObject(expected);
    expect(harness.shop.orders.size).toBe(0);
    expect(harness.webhooks).toEqual([]);
  });

  describe("inventory behaviour", () => {
    const stock = (harness: Harness) =>
      [...harness.shop.products.values()][0].variants[1].inventoryItem.levels[0].available;
    const wantFive = {
      lineItems: [{ variantId: VARIANTS.tshirtLarge, quantity: 5, priceSet: usd("25.00") }],
    };

    it("BYPASS (the default) leaves stock alone", async () => {
      const harness = makeHarness(makeTestShop());
      await createOrder(harness, paidOrderInput(wantFive));
      expect(stock(harness)).toBe(3);
    });

    it("DECREMENT_OBEYING_POLICY refuses to oversell a DENY variant", async () => {
      const harness = makeHarness(makeTestShop());
      const result = await createOrder(harness, paidOrderInput(wantFive), {
        inventoryBehaviour: "DECREMENT_OBEYING_POLICY",
      });
      expect(result.order).toBeNull();
      expect(result.userErrors).toEqual([
        {
          field: ["order", "lineItems", "0"],
          message: "Unable to claim inventory for Classic Tee - Large: 3 available, 5 requested",
          code: "INVENTORY_CLAIM_FAILED",
        },
      ]);
      expect(stock(harness)).toBe(3);
    });

    it("DECREMENT_OBEYING_POLICY takes stock when there is enough", async () => {
      const harness = makeHarness(makeTestShop());
      const input = { lineItems: [{ variantId: VARIANTS.tshirtLarge, quantity: 2, priceSet: usd("25.00") }] };
      await createOrder(harness, paidOrderInput(input), { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" });
      expect(stock(harness)).toBe(1);
    });

    it("DECREMENT_IGNORING_POLICY oversells", async () => {
      const harness = makeHarness(makeTestShop());
      await createOrder(harness, paidOrderInput(wantFive), {
        inventoryBehaviour: "DECREMENT_IGNORING_POLICY",
      });
      expect(stock(harness)).toBe(-2);
    });
  });

  it("allows 5 orders a minute on a development store, then answers 'Too many attempts'", async () => {
    const harness = makeHarness(makeTestShop({ plan: { partnerDevelopment: true, shopifyPlus: false } }));
    for (let index = 0; index < 5; index += 1) {
      expect((await createOrder(harness, paidOrderInput())).userErrors).toEqual([]);
    }
    const sixth = await createOrder(harness, paidOrderInput());
    expect(sixth).toEqual({
      order: null,
      userErrors: [{ field: null, message: "Too many attempts. Please try again later.", code: null }],
    });
    harness.advance(61_000);
    expect((await createOrder(harness, paidOrderInput())).order.name).toBe("#1006");
  });

  it("has no such limit on a paid plan", async () => {
    const harness = makeHarness(makeTestShop());
    for (let index = 0; index < 7; index += 1) await createOrder(harness, paidOrderInput());
    expect(harness.shop.orders.size).toBe(7);
  });

  it("needs write_orders (ACCESS_DENIED otherwise, like every scoped field)", async () => {
    const shop = makeTestShop();
    shop.installation.scopes = ["read_products", "write_draft_orders"];
    const harness = makeHarness(shop);
    const result = await harness.run<any>(CREATE, { order: paidOrderInput() }, { allowErrors: true });
    expect(result.data.orderCreate).toBeNull();
    expect(result.errors?.[0]).toMatchObject({
      message: "Access denied for orderCreate field. Required access: `write_orders` access scope.",
      extensions: { code: "ACCESS_DENIED" },
    });
  });

  it("refuses @idempotent, which orderCreate does not support", async () => {
    const harness = makeHarness(makeTestShop());
    const result = await harness.run(
      /* GraphQL */ `
        mutation ($order: OrderCreateOrderInput!) {
          orderCreate(order: $order) @idempotent(key: "k1") {
            order {
              id
            }
            userErrors {
              message
            }
          }
        }
      `,
      { order: paidOrderInput() },
      { allowErrors: true },
    );
    expect(result.errors?.[0]).toMatchObject({
      message: "The @idempotent directive is not supported on orderCreate.",
      extensions: { code: "BAD_REQUEST" },
    });
    expect(harness.shop.orders.size).toBe(0);
  });
});

describe("orders(query:)", () => {
  const LIST = /* GraphQL */ `
    query List($query: String, $first: Int, $after: String, $sortKey: OrderSortKeys, $reverse: Boolean) {
      orders(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
        nodes {
          name
          sourceIdentifier
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `;

  it("finds by source_identifier, name, tag and date, sorts and pages", async () => {
    const harness = makeHarness(makeTestShop());
    for (const id of ["cs_a", "cs_b", "cs_c"]) {
      await createOrder(
        harness,
        paidOrderInput({ sourceIdentifier: id, tags: id === "cs_b" ? ["vip"] : [] }),
      );
      harness.advance(60_000);
    }
    const names = async (variables: Record<string, unknown>) =>
      (await harness.run<any>(LIST, { first: 10, ...variables })).data.orders.nodes.map(
        (node: any) => node.name,
      );
    expect(await names({ query: "source_identifier:cs_b" })).toEqual(["#1002"]);
    expect(await names({ query: "source_identifier:cs_a OR name:#1003" })).toEqual(["#1001", "#1003"]);
    expect(await names({ query: "tag:vip" })).toEqual(["#1002"]);
    expect(await names({ query: "-tag:vip" })).toEqual(["#1001", "#1003"]);
    expect(await names({ query: "created_at:>2026-06-01T12:00:30Z" })).toEqual(["#1002", "#1003"]);
    expect(await names({ query: "source_identifier:nope" })).toEqual([]);
    expect(await names({ sortKey: "CREATED_AT", reverse: true })).toEqual(["#1003", "#1002", "#1001"]);

    const page = (await harness.run<any>(LIST, { first: 2 })).data.orders;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = (await harness.run<any>(LIST, { first: 2, after: page.pageInfo.endCursor })).data.orders;
    expect(next.nodes.map((node: any) => node.name)).toEqual(["#1003"]);
    expect(next.pageInfo.hasNextPage).toBe(false);
  });

  it("needs first or last, like Shopify", async () => {
    const harness = makeHarness(makeTestShop());
    const result = await harness.run(`{ orders { nodes { id } } }`, {}, { allowErrors: true });
    expect(result.errors?.[0].message).toBe("you must provide one of first or last");
  });
});

describe("recording payments", () => {
  const MANUAL = /* GraphQL */ `
    mutation Manual($id: ID!, $amount: MoneyInput, $method: String) {
      orderCreateManualPayment(id: $id, amount: $amount, paymentMethodName: $method) {
        order {
          displayFinancialStatus
          transactions {
            kind
            gateway
            amountSet {
              shopMoney {
                amount
              }
            }
          }
        }
        userErrors {
          field
          message
          code
        }
      }
    }
  `;

  it("records the outstanding balance as a SALE on the named method", async () => {
    const harness = makeHarness(makeTestShop());
    const { order } = await createOrder(
      harness,
      paidOrderInput({ transactions: [], financialStatus: "PENDING" }),
    );
    harness.webhooks.length = 0;
    const { data } = await harness.run<any>(MANUAL, {
      id: order.id,
      method: "Stripe (Agentic Commerce) pi_1",
    });
    expect(data.orderCreateManualPayment).toEqual({
      order: {
        displayFinancialStatus: "PAID",
        transactions: [
          {
            kind: "SALE",
            gateway: "Stripe (Agentic Commerce) pi_1",
            amountSet: { shopMoney: { amount: "53.26" } },
          },
        ],
      },
      userErrors: [],
    });
    expect(harness.topics()).toEqual(["orders/paid", "orders/updated"]);
  });

  it("denies `amount` outside Shopify Plus (observed ACCESS_DENIED)", async () => {
    const harness = makeHarness(makeTestShop());
    const { order } = await createOrder(
      harness,
      paidOrderInput({ transactions: [], financialStatus: "PENDING" }),
    );
    const result = await harness.run<any>(
      MANUAL,
      { id: order.id, amount: { amount: "53.26", currencyCode: "USD" } },
      { allowErrors: true },
    );
    expect(result.data.orderCreateManualPayment).toBeNull();
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: "ACCESS_DENIED" } });
    expect(result.errors?.[0].message).toContain(
      "must be installed on a Shopify Plus store to use the amount field",
    );
  });

  it("on Plus, takes a partial amount and refuses more than the balance", async () => {
    const harness = makeHarness(makeTestShop({ plan: { partnerDevelopment: false, shopifyPlus: true } }));
    const { order } = await createOrder(
      harness,
      paidOrderInput({ transactions: [], financialStatus: "PENDING" }),
    );
    const partial = await harness.run<any>(MANUAL, {
      id: order.id,
      amount: { amount: "20.00", currencyCode: "USD" },
    });
    expect(partial.data.orderCreateManualPayment.order.displayFinancialStatus).toBe("PARTIALLY_PAID");
    const tooMuch = await harness.run<any>(MANUAL, {
      id: order.id,
      amount: { amount: "40.00", currencyCode: "USD" },
    });
    expect(tooMuch.data.orderCreateManualPayment.userErrors).toEqual([
      { field: ["amount"], message: "Amount exceeds the remaining balance", code: "AMOUNT_EXCEEDS_BALANCE" },
    ]);
  });

  it("orderMarkAsPaid pays the outstanding balance once", async () => {
    const harness = makeHarness(makeTestShop());
    const { order } = await createOrder(
      harness,
      paidOrderInput({ transactions: [], financialStatus: "PENDING" }),
    );
    const MARK = `mutation ($id: ID!) { orderMarkAsPaid(input: { id: $id }) { order { displayFinancialStatus } userErrors { message } } }`;
    expect(
      (await harness.run<any>(MARK, { id: order.id })).data.orderMarkAsPaid.order.displayFinancialStatus,
    ).toBe("PAID");
    expect((await harness.run<any>(MARK, { id: order.id })).data.orderMarkAsPaid.userErrors).toHaveLength(1);
  });
});

const CANCEL = /* GraphQL */ `
  mutation Cancel(
    $orderId: ID!
    $restock: Boolean!
    $reason: OrderCancelReason!
    $refund: Boolean
    $refundMethod: OrderCancelRefundMethodInput
    $staffNote: String
  ) {
    orderCancel(
      orderId: $orderId
      restock: $restock
      reason: $reason
      refund: $refund
      refundMethod: $refundMethod
      staffNote: $staffNote
      notifyCustomer: false
    ) {
      job {
        id
        done
      }
      orderCancelUserErrors {
        field
        message
        code
      }
      userErrors {
        field
        message
      }
    }
  }
`;

describe("orderCancel", () => {
  it("returns a pending Job; the order is cancelled once it runs, with webhooks and restock", async () => {
    const shop = makeTestShop();
    const harness = makeHarness(shop);
    const { order } = await createOrder(
      harness,
      paidOrderInput({ transactions: [], financialStatus: "PENDING" }),
      { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    );
    const tee = [...shop.products.values()][0].variants[0].inventoryItem.levels[0];
    expect(tee.available).toBe(8);
    harness.webhooks.length = 0;

    const { data } = await harness.run<any>(CANCEL, {
      orderId: order.id,
      restock: true,
      reason: "CUSTOMER",
      refundMethod: { originalPaymentMethodsRefund: false },
      staffNote: "Buyer changed their mind",
    });
    const { job, orderCancelUserErrors, userErrors } = data.orderCancel;
    expect(job).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/Job\/[0-9a-f-]{36}$/), done: false });
    expect(orderCancelUserErrors).toEqual([]);
    expect(userErrors).toEqual([]);
    // Nothing has happened yet: the job runs after the mutation.
    expect(shop.orders.get(order.id)!.cancelledAt).toBeNull();
    expect(harness.webhooks).toEqual([]);

    const read = await harness.run<any>(READ, { id: order.id });
    expect(read.data.order).toMatchObject({
      cancelledAt: "2026-06-01T12:00:00Z",
      cancelReason: "CUSTOMER",
      closed: true,
      displayFinancialStatus: "PENDING",
    });
    expect(tee.available).toBe(10);
    expect(harness.topics()).toEqual(["orders/cancelled", "orders/updated"]);
    expect(harness.webhooks[0].payload).toMatchObject({
      cancel_reason: "customer",
      cancelled_at: "2026-06-01T08:00:00-04:00",
    });

    const job2 = await harness.run<any>(`query ($id: ID!) { job(id: $id) { id done } }`, { id: job.id });
    expect(job2.data.job).toEqual({ id: job.id, done: true });

    // Observed message for a second cancellation.
    const again = await harness.run<any>(CANCEL, { orderId: order.id, restock: false, reason: "OTHER" });
    expect(again.data.orderCancel).toEqual({
      job: null,
      orderCancelUserErrors: [
        {
          field: ["orderId"],
          message: "Cannot cancel an order that has already been canceled",
          code: "INVALID",
        },
      ],
      userErrors: [{ field: ["orderId"], message: "Cannot cancel an order that has already been canceled" }],
    });
  });

  it("refunds the original payments when asked, leaving the order REFUNDED and closed", async () => {
    const harness = makeHarness(makeTestShop());
    const { order } = await createOrder(harness, paidOrderInput());
    harness.webhooks.length = 0;
    await harness.run(CANCEL, {
      orderId: order.id,
      restock: false,
      reason: "INVENTORY",
      refundMethod: { originalPaymentMethodsRefund: true },
    });
    harness.settleJobs();
    const read = (await harness.run<any>(READ, { id: order.id })).data.order;
    expect(read).toMatchObject({
      displayFinancialStatus: "REFUNDED",
      closed: true,
      totalRefundedSet: { shopMoney: { amount: "53.26" } },
      currentTotalPriceSet: { shopMoney: { amount: "0.0" } },
    });
    expect(read.transactions.map((transaction: any) => [transaction.kind, transaction.gateway])).toEqual([
      ["SALE", "stripe-acp"],
      ["REFUND", "stripe-acp"],
    ]);
    expect(read.refunds[0].refundLineItems.nodes).toMatchObject([{ quantity: 2, restockType: "NO_RESTOCK" }]);
    expect(harness.topics()).toEqual(["refunds/create", "orders/cancelled", "orders/updated"]);
  });

  it("keeps a paid order open when cancelled without a refund (observed)", async () => {
    const harness = makeHarness(makeTestShop());
    const { order } = await createOrder(harness, paidOrderInput());
    await harness.run(CANCEL, { orderId: order.id, restock: true, reason: "OTHER" });
    harness.settleJobs();
    expect(harness.shop.orders.get(order.id)).toMatchObject({
      closed: false,
      displayFinancialStatus: "PAID",
    });
  });

  it.each([
    [
      "a staff note over 255 characters",
      { staffNote: "x".repeat(256) },
      {
        field: ["staffNote"],
        message: "Staff note is too long. Maximum length is 255 characters.",
        code: "INVALID",
      },
    ],
    [
      "both refund and refundMethod",
      { refund: true, refundMethod: { originalPaymentMethodsRefund: true } },
      {
        field: ["refund"],
        message: "Only one of the arguments `refund` or `refund_method` is allowed.",
        code: "INVALID",
      },
    ],
    [
      "an unknown order",
      { orderId: "gid://shopify/Order/1" },
      { field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" },
    ],
  ])("refuses %s (observed wording)", async (_name, variables, error) => {
    const harness = makeHarness(makeTestShop());
    const { order } = await createOrder(harness, paidOrderInput());
    const { data } = await harness.run<any>(CANCEL, {
      orderId: order.id,
      restock: false,
      reason: "OTHER",
      ...variables,
    });
    expect(data.orderCancel.job).toBeNull();
    expect(data.orderCancel.orderCancelUserErrors).toEqual([error]);
  });
});

const REFUND = /* GraphQL */ `
  mutation Refund($input: RefundInput!, $key: String!) {
    refundCreate(input: $input) @idempotent(key: $key) {
      refund {
        id
        note
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        transactions(first: 5) {
          nodes {
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
        refundLineItems(first: 5) {
          nodes {
            quantity
            restockType
            subtotalSet {
              shopMoney {
                amount
              }
            }
            totalTaxSet {
              shopMoney {
                amount
              }
            }
          }
        }
      }
      order {
        id
        displayFinancialStatus
        totalRefundedSet {
          shopMoney {
            amount
          }
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

describe("refundCreate", () => {
  async function paidOrder(harness: Harness) {
    const { order } = await createOrder(harness, paidOrderInput(), {
      inventoryBehaviour: "DECREMENT_OBEYING_POLICY",
    });
    harness.webhooks.length = 0;
    return order;
  }
  const refundInput = (order: any, amount: string, extra: Record<string, unknown> = {}) => ({
    orderId: order.id,
    note: "Damaged",
    transactions: [
      {
        orderId: order.id,
        parentId: order.transactions[0].id,
        amount,
        gateway: "stripe-acp",
        kind: "REFUND",
      },
    ],
    ...extra,
  });

  it("requires the @idempotent directive in 2026-04 (observed error)", async () => {
    const harness = makeHarness(makeTestShop());
    const order = await paidOrder(harness);
    const result = await harness.run<any>(
      /* GraphQL */ `
        mutation ($input: RefundInput!) {
          refundCreate(input: $input) {
            refund {
              id
            }
            userErrors {
              message
            }
          }
        }
      `,
      { input: refundInput(order, "1.00") },
      { allowErrors: true },
    );
    expect(result.data.refundCreate).toBeNull();
    expect(result.errors?.[0]).toMatchObject({
      message: "The @idempotent directive is required for this mutation but was not provided.",
      path: ["refundCreate"],
      extensions: { code: "BAD_REQUEST" },
    });
    expect(harness.shop.orders.get(order.id)!.refunds).toEqual([]);
  });

  it("does not require it on 2026-01", async () => {
    const harness = makeHarness(makeTestShop());
    const order = await paidOrder(harness);
    const result = await harness.run<any>(
      `mutation ($input: RefundInput!) { refundCreate(input: $input) { refund { id } userErrors { message } } }`,
      { input: refundInput(order, "1.00") },
      { apiVersion: "2026-01" },
    );
    expect(result.data.refundCreate.refund.id).toMatch(/^gid:\/\/shopify\/Refund\//);
  });

  it("records a partial refund once per key and replays it on retry", async () => {
    const harness = makeHarness(makeTestShop());
    const order = await paidOrder(harness);
    const input = refundInput(order, "10.00", {
      refundLineItems: [{ lineItemId: order.lineItems.nodes[0].id, quantity: 1, restockType: "CANCEL" }],
    });
    const first = (await harness.run<any>(REFUND, { input, key: "refund-1" })).data.refundCreate;
    expect(first).toMatchObject({
      refund: {
        note: "Damaged",
        totalRefundedSet: { shopMoney: { amount: "10.0", currencyCode: "USD" } },
        transactions: {
          nodes: [
            {
              kind: "REFUND",
              status: "SUCCESS",
              gateway: "stripe-acp",
              amountSet: { shopMoney: { amount: "10.0" } },
            },
          ],
        },
        // Half of the line: 45.00 after the 5.00 code discount → 22.50, tax 3.26 → 1.63.
        refundLineItems: {
          nodes: [
            {
              quantity: 1,
              restockType: "CANCEL",
              subtotalSet: { shopMoney: { amount: "22.5" } },
              totalTaxSet: { shopMoney: { amount: "1.63" } },
            },
          ],
        },
      },
      order: {
        displayFinancialStatus: "PARTIALLY_REFUNDED",
        totalRefundedSet: { shopMoney: { amount: "10.0" } },
      },
      userErrors: [],
    });
    expect(harness.topics()).toEqual(["refunds/create", "orders/updated"]);
    const tee = [...harness.shop.products.values()][0].variants[0].inventoryItem.levels[0];
    expect(tee.available).toBe(9);

    const retry = (await harness.run<any>(REFUND, { input, key: "refund-1" })).data.refundCreate;
    expect(retry.refund.id).toBe(first.refund.id);
    expect(harness.shop.orders.get(order.id)!.refunds).toHaveLength(1);
    expect(harness.shop.orders.get(order.id)!.transactions).toHaveLength(2);
    expect(tee.available).toBe(9);
    expect(harness.topics()).toEqual(["refunds/create", "orders/updated"]);

    const reused = (await harness.run<any>(REFUND, { input: refundInput(order, "2.00"), key: "refund-1" }))
      .data.refundCreate;
    expect(reused).toEqual({
      refund: null,
      order: null,
      userErrors: [
        {
          field: null,
          message: "The same idempotency key cannot be used with different operation parameters.",
        },
      ],
    });

    const rest = (await harness.run<any>(REFUND, { input: refundInput(order, "43.26"), key: "refund-2" }))
      .data.refundCreate;
    expect(rest.order.displayFinancialStatus).toBe("REFUNDED");
    const payload = harness.webhooks.find((webhook) => webhook.topic === "refunds/create")!.payload;
    expect(payload).toMatchObject({
      admin_graphql_api_id: first.refund.id,
      note: "Damaged",
      restock: true,
      transactions: [{ kind: "refund", status: "success", amount: "10.00", gateway: "stripe-acp" }],
      refund_line_items: [{ quantity: 1, restock_type: "cancel", subtotal: "22.50", total_tax: "1.63" }],
    });
  });

  it.each([
    [
      "more than was paid (observed wording)",
      (order: any) => refundInput(order, "60.00"),
      [{ field: null, message: "Refund amount $60.00 is greater than net payment received $53.26" }],
    ],
    [
      "a non-refund kind (observed wording)",
      (order: any) => ({
        ...refundInput(order, "1.00"),
        transactions: [{ ...refundInput(order, "1.00").transactions[0], kind: "AUTHORIZATION" }],
      }),
      [{ field: null, message: "Kind authorization is not a valid transaction" }],
    ],
    [
      "a parent from elsewhere (observed wording)",
      (order: any) => ({
        ...refundInput(order, "1.00"),
        transactions: [
          { ...refundInput(order, "1.00").transactions[0], parentId: "gid://shopify/OrderTransaction/1" },
        ],
      }),
      [{ field: ["transactions"], message: "Transactions require a parent_id associated with the order" }],
    ],
    [
      "more units than bought (observed wording)",
      (order: any) => ({
        orderId: order.id,
        refundLineItems: [{ lineItemId: order.lineItems.nodes[0].id, quantity: 3 }],
      }),
      [
        {
          field: ["refundLineItems", "0", "quantity"],
          message: "Quantity cannot refund more items than were purchased",
        },
      ],
    ],
  ])("refuses %s", async (_name, build, userErrors) => {
    const harness = makeHarness(makeTestShop());
    const order = await paidOrder(harness);
    const result = (await harness.run<any>(REFUND, { input: build(order), key: "k" })).data.refundCreate;
    expect(result).toMatchObject({
      refund: null,
      order: { id: order.id, displayFinancialStatus: "PAID" },
      userErrors,
    });
    expect(harness.webhooks).toEqual([]);
  });

  it("refuses an unknown order (observed wording)", async () => {
    const harness = makeHarness(makeTestShop());
    const result = (await harness.run<any>(REFUND, { input: { orderId: "gid://shopify/Order/9" }, key: "k" }))
      .data.refundCreate;
    expect(result).toEqual({
      refund: null,
      order: null,
      userErrors: [{ field: ["orderId"], message: "Order does not exist" }],
    });
  });
});
