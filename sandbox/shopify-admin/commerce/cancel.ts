/** orderCancel: checks, then the cancellation itself, which runs as a background Job. */
import type { SandboxContext } from "../resolvers/types";
import { newGid, type Gid, type Refund, type ShopState } from "../store";
import { enqueueJob } from "./jobs";
import { timestamp } from "./time";
import { adjustInventory, fulfillmentOrdersOf, orderBalances, refreshStatuses } from "./orders";
import { refundPayload } from "./webhooks";
import { type CodedUserError, emitOrder, touch } from "./outcome";
import { applyRefund, refundableByParent, remainingShipping } from "./refunds";

export interface CancelOptions {
  reason: string;
  restock: boolean;
  notifyCustomer?: boolean | null;
  refund?: boolean | null;
  refundMethod?: { originalPaymentMethodsRefund?: boolean | null; storeCreditRefund?: unknown } | null;
  staffNote?: string | null;
}

/** The checks orderCancel makes before queuing its job (messages observed on 2026-04). */
export function validateCancel(shop: ShopState, orderId: Gid, options: CancelOptions): CodedUserError[] {
  const order = shop.orders.get(orderId);
  if (!order) return [{ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" }];
  if ((options.staffNote?.length ?? 0) > 255) {
    return [
      {
        field: ["staffNote"],
        message: "Staff note is too long. Maximum length is 255 characters.",
        code: "INVALID",
      },
    ];
  }
  if (options.refund != null && options.refundMethod) {
    return [
      {
        field: ["refund"],
        message: "Only one of the arguments `refund` or `refund_method` is allowed.",
        code: "INVALID",
      },
    ];
  }
  if (options.refundMethod?.storeCreditRefund) {
    return [
      {
        field: ["refundMethod", "storeCreditRefund"],
        message: "Store credit refunds require a customer on the order",
        code: "STORE_CREDIT_REFUND_MISSING_CUSTOMER",
      },
    ];
  }
  if (order.cancelledAt) {
    return [
      {
        field: ["orderId"],
        message: "Cannot cancel an order that has already been canceled",
        code: "INVALID",
      },
    ];
  }
  if (order.fulfillments.some((fulfillment) => fulfillment.status === "SUCCESS")) {
    return [
      {
        field: ["orderId"],
        message: "Cannot cancel an order with fulfillments. Cancel the fulfillments first.",
        code: "INVALID",
      },
    ];
  }
  if (order.transactions.some((transaction) => transaction.status === "PENDING")) {
    return [{ field: ["orderId"], message: "Cannot cancel an order with pending payments", code: "INVALID" }];
  }
  return [];
}

/** Validates, then queues the cancellation as a Job (orderCancel is asynchronous on Shopify). */
export function cancelOrderAsync(ctx: SandboxContext, orderId: Gid, options: CancelOptions) {
  const userErrors = validateCancel(ctx.shop, orderId, options);
  if (userErrors.length > 0) return { job: null, userErrors };
  const job = enqueueJob(ctx.shop, ctx.now(), () => performCancel(ctx, orderId, options));
  return { job, userErrors };
}

/** The cancellation itself: what the job does once it runs. */
export function performCancel(ctx: SandboxContext, orderId: Gid, options: CancelOptions): void {
  const { shop } = ctx;
  const order = shop.orders.get(orderId);
  if (!order || order.cancelledAt) return;
  const now = ctx.now();
  const stamp = timestamp(now);
  const refunding = options.refund === true || options.refundMethod?.originalPaymentMethodsRefund === true;
  // An authorization that was never captured is released whatever the refund choice.
  const balances = orderBalances(order);
  if (balances.capturable > 0) {
    for (const authorization of order.transactions.filter(
      (transaction) => transaction.kind === "AUTHORIZATION" && transaction.status === "SUCCESS",
    )) {
      order.transactions.push({
        id: newGid(shop, "OrderTransaction"),
        kind: "VOID",
        status: "SUCCESS",
        gateway: authorization.gateway,
        amount: "0.00",
        currencyCode: order.presentmentCurrencyCode,
        authorizationCode: null,
        parentId: authorization.id,
        processedAt: stamp,
        test: authorization.test,
      });
    }
  }
  let refund: Refund | null = null;
  if (refunding) {
    const lines = order.lineItems
      .filter((line) => line.currentQuantity > 0)
      .map((line) => ({
        lineItemId: line.id,
        quantity: line.currentQuantity,
        restockType: options.restock ? "CANCEL" : "NO_RESTOCK",
      }));
    const paid = refundableByParent(order);
    const result = applyRefund(ctx, order, {
      note: null,
      lines,
      shipping: remainingShipping(order),
      transactions: paid.map(({ parent, amount }) => ({ parent, amount })),
      restockLocationId: null,
    });
    refund = result;
  } else if (options.restock) {
    for (const line of order.lineItems) {
      const unfulfilled = Math.max(0, line.currentQuantity - line.fulfilledQuantity);
      adjustInventory(shop, line.variantId, unfulfilled, now);
    }
  }
  order.cancelledAt = stamp;
  order.cancelReason = options.reason;
  order.cancelStaffNote = options.staffNote ?? null;
  for (const fo of fulfillmentOrdersOf(order)) {
    fo.status = "CLOSED";
    fo.updatedAt = stamp;
  }
  refreshStatuses(order);
  // Observed: an unpaid cancelled order is archived; a paid one stays open until refunded.
  if (orderBalances(order).netPayment <= 0) {
    order.closed = true;
    order.closedAt = stamp;
  }
  touch(order, now);
  if (refund) ctx.emitWebhook("refunds/create", refundPayload(shop, order, refund));
  emitOrder(ctx, "orders/cancelled", order);
  emitOrder(ctx, "orders/updated", order);
}
