/* eslint-disable @typescript-eslint/no-explicit-any -- response shapes are asserted, not typed */
import { describe, expect, it } from "vitest";
import { makeHarness, type Harness } from "./harness";
import { addShipmentEvent, cancelOrder, fulfillOrder, refundOrder } from "./merchant-actions";
import { ADDRESSES, makeTestShop, VARIANTS } from "./test-shop";

const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });

async function paidOrder(harness: Harness, lines = [{ variantId: VARIANTS.tshirtSmall, quantity: 2 }]) {
  const result = await harness.run<any>(
    /* GraphQL */ `
      mutation ($order: OrderCreateOrderInput!) {
        orderCreate(order: $order) {
          order {
            id
            name
            lineItems(first: 10) {
              nodes {
                id
              }
            }
            fulfillmentOrders(first: 5) {
              nodes {
                id
                status
                requestStatus
                assignedLocation {
                  name
                }
                lineItems(first: 10) {
                  nodes {
                    id
                    totalQuantity
                    remainingQuantity
                    lineItem {
                      id
                    }
                  }
                }
              }
            }
          }
          userErrors {
            message
          }
        }
      }
    `,
    {
      order: {
        email: "buyer@example.com",
        sourceIdentifier: "cs_ship",
        shippingAddress: ADDRESSES.oregon,
        lineItems: lines.map((line) => ({ ...line, priceSet: usd("25.00") })),
        transactions: [
          { kind: "SALE", gateway: "stripe-acp", amountSet: usd(String(25 * lines[0].quantity)) },
        ],
      },
    },
  );
  harness.webhooks.length = 0;
  return result.data.orderCreate.order;
}

const FULFILL = /* GraphQL */ `
  mutation Fulfill($fulfillment: FulfillmentInput!) {
    fulfillmentCreate(fulfillment: $fulfillment, message: "Shipped") {
      fulfillment {
        id
        name
        status
        displayStatus
        totalQuantity
        trackingInfo(first: 5) {
          company
          number
          url
        }
        fulfillmentLineItems(first: 5) {
          nodes {
            quantity
            lineItem {
              id
            }
          }
        }
        order {
          displayFulfillmentStatus
          closed
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

const ORDER_STATUS = /* GraphQL */ `
  query Status($id: ID!) {
    order(id: $id) {
      displayFulfillmentStatus
      closed
      fulfillments(first: 5) {
        id
        status
        displayStatus
        deliveredAt
        estimatedDeliveryAt
        trackingInfo {
          company
          number
          url
        }
        events(first: 10) {
          nodes {
            status
            message
            happenedAt
          }
        }
      }
      fulfillmentOrders(first: 5) {
        nodes {
          status
          lineItems(first: 5) {
            nodes {
              remainingQuantity
            }
          }
        }
      }
    }
  }
`;

describe("fulfillment", () => {
  it("gives every order an open fulfillment order at the shop's location", async () => {
    const harness = makeHarness(makeTestShop());
    const order = await paidOrder(harness);
    expect(order.fulfillmentOrders.nodes).toEqual([
      {
        id: expect.stringMatching(/^gid:\/\/shopify\/FulfillmentOrder\//),
        status: "OPEN",
        requestStatus: "UNSUBMITTED",
        assignedLocation: { name: "Warehouse" },
        lineItems: {
          nodes: [
            {
              id: expect.stringMatching(/^gid:\/\/shopify\/FulfillmentOrderLineItem\//),
              totalQuantity: 2,
              remainingQuantity: 2,
              lineItem: { id: order.lineItems.nodes[0].id },
            },
          ],
        },
      },
    ]);
  });

  it("fulfills part, then the rest; a paid, fully fulfilled order is archived", async () => {
    const harness = makeHarness(makeTestShop());
    const order = await paidOrder(harness);
    const fo = order.fulfillmentOrders.nodes[0];
    const first = await harness.run<any>(FULFILL, {
      fulfillment: {
        lineItemsByFulfillmentOrder: [
          {
            fulfillmentOrderId: fo.id,
            fulfillmentOrderLineItems: [{ id: fo.lineItems.nodes[0].id, quantity: 1 }],
          },
        ],
        trackingInfo: { company: "UPS", number: "1Z999", url: "https://ups.example/1Z999" },
      },
    });
    expect(first.data.fulfillmentCreate).toEqual({
      fulfillment: {
        id: expect.stringMatching(/^gid:\/\/shopify\/Fulfillment\//),
        name: `${order.name}.1`,
        status: "SUCCESS",
        displayStatus: "FULFILLED",
        totalQuantity: 1,
        trackingInfo: [{ company: "UPS", number: "1Z999", url: "https://ups.example/1Z999" }],
        fulfillmentLineItems: { nodes: [{ quantity: 1, lineItem: { id: order.lineItems.nodes[0].id } }] },
        order: { displayFulfillmentStatus: "PARTIALLY_FULFILLED", closed: false },
      },
      userErrors: [],
    });
    expect(harness.topics()).toEqual(["fulfillments/create", "orders/partially_fulfilled", "orders/updated"]);
    expect(harness.webhooks[0].payload).toMatchObject({
      name: `${order.name}.1`,
      status: "success",
      tracking_company: "UPS",
      tracking_number: "1Z999",
      tracking_numbers: ["1Z999"],
      tracking_url: "https://ups.example/1Z999",
      line_items: [{ quantity: 1 }],
    });

    // Observed: asking for more than remains is a user error on `fulfillment`.
    const tooMany = await harness.run<any>(FULFILL, {
      fulfillment: {
        lineItemsByFulfillmentOrder: [
          {
            fulfillmentOrderId: fo.id,
            fulfillmentOrderLineItems: [{ id: fo.lineItems.nodes[0].id, quantity: 2 }],
          },
        ],
      },
    });
    expect(tooMany.data.fulfillmentCreate).toEqual({
      fulfillment: null,
      userErrors: [
        { field: ["fulfillment"], message: "Invalid fulfillment order line item quantity requested." },
      ],
    });

    const rest = await harness.run<any>(FULFILL, {
      fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] },
    });
    expect(rest.data.fulfillmentCreate.fulfillment).toMatchObject({
      name: `${order.name}.2`,
      totalQuantity: 1,
      order: { displayFulfillmentStatus: "FULFILLED", closed: true },
    });
    const status = (await harness.run<any>(ORDER_STATUS, { id: order.id })).data.order;
    expect(status.fulfillmentOrders.nodes).toEqual([
      { status: "CLOSED", lineItems: { nodes: [{ remainingQuantity: 0 }] } },
    ]);
    expect(harness.webhooks.find((webhook) => webhook.topic === "orders/fulfilled")!.payload).toMatchObject({
      fulfillment_status: "fulfilled",
      closed_at: "2026-06-01T08:00:00-04:00",
    });

    // Observed: a closed fulfillment order can't be fulfilled again.
    const closed = await harness.run<any>(FULFILL, {
      fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] },
    });
    expect(closed.data.fulfillmentCreate.userErrors).toEqual([
      {
        field: ["fulfillment"],
        message: `Fulfillment order ${fo.id.split("/").pop()} has an unfulfillable status= closed.`,
      },
    ]);

    // A fulfilled order can no longer be cancelled until its fulfillments are.
    const cancel = cancelOrder(harness.shop, harness.context, order.id);
    expect(cancel.ok).toBe(false);
  });

  it("answers 'invalid id' (RESOURCE_NOT_FOUND) for an unknown fulfillment order, as observed", async () => {
    const harness = makeHarness(makeTestShop());
    const result = await harness.run<any>(
      FULFILL,
      {
        fulfillment: {
          lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: "gid://shopify/FulfillmentOrder/0" }],
        },
      },
      { allowErrors: true },
    );
    expect(result.data.fulfillmentCreate).toBeNull();
    expect(result.errors?.[0]).toMatchObject({
      message: "invalid id",
      path: ["fulfillmentCreate"],
      extensions: { code: "RESOURCE_NOT_FOUND" },
    });
  });

  it("updates tracking and records carrier events up to delivery", async () => {
    const harness = makeHarness(makeTestShop());
    const order = await paidOrder(harness);
    const fulfilled = fulfillOrder(harness.shop, harness.context, order.id);
    if (!fulfilled.ok) throw new Error("fulfillOrder failed");
    const fulfillmentId = fulfilled.value.id;
    harness.webhooks.length = 0;

    const tracking = await harness.run<any>(
      /* GraphQL */ `
        mutation ($id: ID!, $tracking: FulfillmentTrackingInput!) {
          fulfillmentTrackingInfoUpdate(
            fulfillmentId: $id
            trackingInfoInput: $tracking
            notifyCustomer: false
          ) {
            fulfillment {
              trackingInfo {
                company
                number
                url
              }
            }
            userErrors {
              field
              message
            }
          }
        }
      `,
      {
        id: fulfillmentId,
        tracking: { company: "USPS", numbers: ["9400"], urls: ["https://usps.example/9400"] },
      },
    );
    expect(tracking.data.fulfillmentTrackingInfoUpdate).toEqual({
      fulfillment: { trackingInfo: [{ company: "USPS", number: "9400", url: "https://usps.example/9400" }] },
      userErrors: [],
    });

    const EVENT = /* GraphQL */ `
      mutation ($event: FulfillmentEventInput!) {
        fulfillmentEventCreate(fulfillmentEvent: $event) {
          fulfillmentEvent {
            id
            status
            message
            happenedAt
            estimatedDeliveryAt
          }
          userErrors {
            field
            message
          }
        }
      }
    `;
    const inTransit = await harness.run<any>(EVENT, {
      event: {
        fulfillmentId,
        status: "IN_TRANSIT",
        message: "Left facility",
        estimatedDeliveryAt: "2026-06-04T18:00:00Z",
      },
    });
    expect(inTransit.data.fulfillmentEventCreate.fulfillmentEvent).toMatchObject({
      status: "IN_TRANSIT",
      message: "Left facility",
      happenedAt: "2026-06-01T12:00:00Z",
      estimatedDeliveryAt: "2026-06-04T18:00:00Z",
    });
    harness.advance(3 * 86_400_000);
    const delivered = addShipmentEvent(
      harness.shop,
      harness.context,
      fulfillmentId,
      "DELIVERED",
      "Front porch",
    );
    expect(delivered.ok).toBe(true);

    const status = (await harness.run<any>(ORDER_STATUS, { id: order.id })).data.order;
    expect(status.fulfillments[0]).toMatchObject({
      displayStatus: "DELIVERED",
      deliveredAt: "2026-06-04T12:00:00Z",
      estimatedDeliveryAt: "2026-06-04T18:00:00Z",
      trackingInfo: [{ company: "USPS", number: "9400" }],
      events: {
        nodes: [
          { status: "IN_TRANSIT", message: "Left facility" },
          { status: "DELIVERED", message: "Front porch" },
        ],
      },
    });
    expect(harness.topics()).toEqual([
      "fulfillments/update",
      "fulfillment_events/create",
      "fulfillments/update",
      "fulfillment_events/create",
      "fulfillments/update",
    ]);
    expect(harness.webhooks.at(-1)!.payload).toMatchObject({ shipment_status: "delivered" });

    const missing = await harness.run<any>(EVENT, {
      event: { fulfillmentId: "gid://shopify/Fulfillment/1", status: "DELIVERED" },
    });
    expect(missing.data.fulfillmentEventCreate.userErrors).toEqual([
      { field: ["fulfillmentEvent", "fulfillmentId"], message: "Fulfillment does not exist." },
    ]);
  });

  it("reports an unknown fulfillment on tracking updates (observed wording)", async () => {
    const harness = makeHarness(makeTestShop());
    const result = await harness.run<any>(
      `mutation { fulfillmentTrackingInfoUpdate(fulfillmentId: "gid://shopify/Fulfillment/9", trackingInfoInput: { number: "1" }) { fulfillment { id } userErrors { field message } } }`,
    );
    expect(result.data.fulfillmentTrackingInfoUpdate).toEqual({
      fulfillment: null,
      userErrors: [{ field: ["fulfillmentId"], message: "Fulfillment does not exist." }],
    });
  });
});

describe("merchant actions (control endpoint)", () => {
  it("fulfillOrder ships everything with tracking and sends the order webhooks", async () => {
    const harness = makeHarness(makeTestShop());
    const order = await paidOrder(harness);
    const result = fulfillOrder(harness.shop, harness.context, order.id, { company: "DHL", number: "JD01" });
    expect(result.ok).toBe(true);
    expect(harness.topics()).toEqual(["fulfillments/create", "orders/fulfilled", "orders/updated"]);
    expect(fulfillOrder(harness.shop, harness.context, order.id).ok).toBe(false);
    expect(fulfillOrder(harness.shop, harness.context, "gid://shopify/Order/1").ok).toBe(false);
  });

  it("cancelOrder applies at once, restocks and refunds by default", async () => {
    const harness = makeHarness(makeTestShop());
    const order = await paidOrder(harness);
    const result = cancelOrder(harness.shop, harness.context, order.id, { reason: "FRAUD" });
    expect(result.ok && result.value).toMatchObject({
      cancelReason: "FRAUD",
      displayFinancialStatus: "REFUNDED",
      closed: true,
    });
    expect(harness.topics()).toEqual(["refunds/create", "orders/cancelled", "orders/updated"]);
    const tee = [...harness.shop.products.values()][0].variants[0].inventoryItem.levels[0];
    expect(tee.available).toBe(12); // BYPASS at creation, so the restock adds back on top of 10
  });

  it("refundOrder refunds in full by default, or a given amount", async () => {
    const harness = makeHarness(makeTestShop());
    const order = await paidOrder(harness);
    const partial = refundOrder(harness.shop, harness.context, order.id, {
      amount: "10.00",
      note: "Goodwill",
    });
    expect(partial.ok && partial.value).toMatchObject({ amount: "10.00", note: "Goodwill", lineItems: [] });
    expect(harness.shop.orders.get(order.id)!.displayFinancialStatus).toBe("PARTIALLY_REFUNDED");
    const rest = refundOrder(harness.shop, harness.context, order.id, { restock: true });
    expect(rest.ok && rest.value).toMatchObject({
      amount: "40.00",
      lineItems: [{ quantity: 2, restockType: "CANCEL" }],
    });
    expect(harness.shop.orders.get(order.id)!.displayFinancialStatus).toBe("REFUNDED");
    expect(harness.topics()).toEqual([
      "refunds/create",
      "orders/updated",
      "refunds/create",
      "orders/updated",
    ]);
    expect(refundOrder(harness.shop, harness.context, order.id, { amount: "1.00" })).toMatchObject({
      ok: false,
    });
  });
});
