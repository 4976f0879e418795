import prisma from "../db.server";
import { enqueueJob } from "../jobs/queue.server";
import { newId } from "../lib/ids";
import { sha256Hex } from "../lib/crypto.server";
import { toMinorUnits } from "../lib/money";
import { stripeForShop } from "../payments/stripe.server";
import { adminGraphql } from "../shopify/admin.server";
import type { AgentOrder, AgentOrderStatus } from "./events";

const ORDER_STATE = `#graphql
  query AcpOrderState($id: ID!) {
    order(id: $id) {
      id
      name
      statusPageUrl
      cancelledAt
      displayFinancialStatus
      displayFulfillmentStatus
      totalRefundedSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      fulfillments(first: 20) {
        id
        status
        displayStatus
        deliveredAt
        trackingInfo(first: 1) {
          company
          number
          url
        }
      }
      refunds(first: 50) {
        id
        createdAt
        note
        totalRefundedSet {
          shopMoney {
            amount
          }
        }
      }
    }
  }
`;

interface OrderState {
  id: string;
  name: string;
  statusPageUrl: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  totalRefundedSet: { shopMoney: { amount: string; currencyCode: string } };
  fulfillments: {
    id: string;
    status: string;
    displayStatus: string | null;
    deliveredAt: string | null;
    trackingInfo: { company: string | null; number: string | null; url: string | null }[];
  }[];
  refunds: {
    id: string;
    createdAt: string;
    note: string | null;
    totalRefundedSet: { shopMoney: { amount: string } };
  }[];
}

/**
 * A Shopify order webhook (updated, cancelled, fulfilled, refund) on an agent order. The order is
 * re-read (webhooks arrive out of order and repeat), then:
 * - money: what Shopify says was refunded, or the whole charge when the order was cancelled, is
 *   refunded on Stripe — only the difference to what Stripe already refunded, with a key derived
 *   from the target amount, so repeats and reordering never refund twice;
 * - the agent: if the order as the agent sees it changed, an `order_updated` event is queued.
 */
export async function handleShopifyOrderEvent(shop: string, orderId: string): Promise<void> {
  const completion = await prisma.completion.findFirst({
    where: { shop, shopifyOrderId: orderId, step: "completed" },
  });
  if (!completion) return; // not an order placed by an agent
  const data = await adminGraphql<{ order: OrderState | null }>(shop, ORDER_STATE, { id: orderId });
  const order = data.order;
  if (!order) return;

  const refundedInShopify = toMinorUnits(order.totalRefundedSet.shopMoney.amount, completion.currency);
  const target = order.cancelledAt ? completion.amount : Math.min(refundedInShopify, completion.amount);
  const refundedOnStripe = await syncStripeRefunds(completion, target);

  const agentOrder: AgentOrder = {
    orderId: order.id,
    orderNumber: order.name,
    checkoutSessionId: completion.sessionId,
    permalinkUrl: order.statusPageUrl,
    status: statusOf(order),
    currency: completion.currency,
    total: completion.amount,
    refunds:
      refundedOnStripe > 0
        ? [
            {
              amount: refundedOnStripe,
              reason: order.cancelledAt ? "Order canceled" : (order.refunds.at(-1)?.note ?? null),
              // Stable across repeated webhooks, so an unchanged order is not re-sent.
              occurredAt: order.refunds.at(-1)?.createdAt ?? order.cancelledAt ?? new Date(0).toISOString(),
            },
          ]
        : [],
    fulfillments: order.fulfillments.map((fulfillment) => ({
      id: fulfillment.id,
      status: fulfillment.deliveredAt
        ? "delivered"
        : fulfillment.status === "CANCELLED"
          ? "canceled"
          : "shipped",
      carrier: fulfillment.trackingInfo[0]?.company ?? null,
      trackingNumber: fulfillment.trackingInfo[0]?.number ?? null,
      trackingUrl: fulfillment.trackingInfo[0]?.url ?? null,
    })),
  };
  const serialized = JSON.stringify(agentOrder);
  const last = await prisma.agentEvent.findFirst({
    where: { shop, sessionId: completion.sessionId },
    orderBy: { createdAt: "desc" },
  });
  if (last && sha256Hex(last.order) === sha256Hex(serialized)) return; // nothing new for the agent
  await prisma.$transaction(async (tx) => {
    const eventId = newId("evt");
    await tx.agentEvent.create({
      data: {
        id: eventId,
        shop,
        agentId: completion.agentId,
        sessionId: completion.sessionId,
        type: "order_updated",
        order: serialized,
      },
    });
    await enqueueJob(tx, { kind: "agent_event.deliver", shop, payload: { eventId } });
  });
}

function statusOf(order: OrderState): AgentOrderStatus {
  if (order.cancelledAt) return "canceled";
  if (order.displayFulfillmentStatus === "FULFILLED") {
    return order.fulfillments.length > 0 && order.fulfillments.every((fulfillment) => fulfillment.deliveredAt)
      ? "fulfilled"
      : "shipped";
  }
  if (order.displayFulfillmentStatus === "PARTIALLY_FULFILLED") return "shipped";
  return "confirmed";
}

/** Brings Stripe's refunded amount up to `target`; returns what Stripe has refunded in total. */
async function syncStripeRefunds(
  completion: { id: string; shop: string; paymentIntentId: string | null },
  target: number,
): Promise<number> {
  if (!completion.paymentIntentId) return 0;
  const { stripe } = await stripeForShop(completion.shop);
  const refunds = await stripe.refunds.list({ payment_intent: completion.paymentIntentId, limit: 100 });
  const refunded = refunds.data
    .filter((refund) => refund.status !== "failed" && refund.status !== "canceled")
    .reduce((sum, refund) => sum + refund.amount, 0);
  if (target <= refunded) return refunded;
  await stripe.refunds.create(
    {
      payment_intent: completion.paymentIntentId,
      amount: target - refunded,
      metadata: { completion_id: completion.id, reason: "shopify_refund_or_cancel" },
    },
    { idempotencyKey: `${completion.id}:refund-to:${target}` },
  );
  return target;
}
