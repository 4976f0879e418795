/**
 * The order as the agent hears about it, protocol-independent. Built when something happens to
 * the order (created, shipped, refunded, canceled) and stored on the outbox row, so the event
 * always carries the full order at that moment (ACP: full object, never a delta).
 */
export type AgentOrderStatus = "created" | "confirmed" | "processing" | "shipped" | "fulfilled" | "canceled";

export interface AgentOrder {
  orderId: string;
  orderNumber: string | null;
  checkoutSessionId: string;
  permalinkUrl: string;
  status: AgentOrderStatus;
  currency: string;
  total: number;
  refunds: { amount: number; reason: string | null; occurredAt: string }[];
  fulfillments: {
    id: string;
    status: "pending" | "shipped" | "delivered" | "canceled";
    carrier: string | null;
    trackingNumber: string | null;
    trackingUrl: string | null;
  }[];
}

export type AgentEventType = "order_created" | "order_updated";

/** Order statuses of 2025-09-29…2026-01-30 (closed enum); later versions accept the open set. */
const LEGACY_STATUS: Record<AgentOrderStatus, string> = {
  created: "created",
  confirmed: "confirmed",
  processing: "confirmed",
  shipped: "shipped",
  fulfilled: "fulfilled",
  canceled: "canceled",
};

/** The webhook body `{type, data}` for an agent speaking `version` with its naming preference. */
export function agentEventBody(
  type: AgentEventType,
  order: AgentOrder,
  version: string,
  naming: "spec" | "openai",
): Record<string, unknown> {
  const name = naming === "openai" ? type : type === "order_created" ? "order_create" : "order_update";
  const modern = version >= "2026-04-17";
  const data: Record<string, unknown> = {
    type: "order",
    checkout_session_id: order.checkoutSessionId,
    permalink_url: order.permalinkUrl,
    status: modern ? order.status : LEGACY_STATUS[order.status],
  };
  if (modern) {
    data.id = order.orderId;
    if (order.orderNumber) data.order_number = order.orderNumber;
    if (order.fulfillments.length) {
      data.fulfillments = order.fulfillments.map((fulfillment) => ({
        id: fulfillment.id,
        type: "shipping",
        status: fulfillment.status,
        ...(fulfillment.carrier ? { carrier: fulfillment.carrier } : {}),
        ...(fulfillment.trackingNumber ? { tracking_number: fulfillment.trackingNumber } : {}),
        ...(fulfillment.trackingUrl ? { tracking_url: fulfillment.trackingUrl } : {}),
      }));
    }
    if (order.refunds.length) {
      data.adjustments = order.refunds.map((refund, index) => ({
        id: `${order.orderId}#refund-${index + 1}`,
        type: "refund",
        status: "completed",
        occurred_at: refund.occurredAt,
        amount: refund.amount,
        currency: order.currency,
        ...(refund.reason ? { description: refund.reason } : {}),
      }));
    }
  } else {
    data.refunds = order.refunds.map((refund) => ({ type: "original_payment", amount: refund.amount }));
  }
  return { type: name, data };
}
