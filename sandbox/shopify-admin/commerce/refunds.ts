/** refundCreate: refunds against the original payments, restocking, and re-derived statuses. */
import type { SandboxContext } from "../resolvers/types";
import {
  newGid,
  type FulfillmentOrder,
  type Gid,
  type Order,
  type OrderTransaction,
  type Refund,
} from "../store";
import { timestamp } from "./time";
import { formatWithSymbol, isDecimal, toMinor } from "./money";
import {
  adjustInventory,
  fulfillmentOrdersOf,
  orderBalances,
  orderDecimal,
  orderMinor,
  refreshStatuses,
} from "./orders";
import { refundPayload } from "./webhooks";
import { type CodedUserError, type Outcome, emitOrder, fail, touch, type MoneyInput } from "./outcome";

export interface RefundInput {
  orderId: Gid;
  note?: string | null;
  notify?: boolean | null;
  currency?: string | null;
  shipping?: { fullRefund?: boolean | null; shippingRefundAmount?: MoneyInput | null } | null;
  refundLineItems?:
    | { lineItemId: Gid; quantity: number; restockType?: string | null; locationId?: Gid | null }[]
    | null;
  transactions?:
    | { amount: string; gateway: string; kind: string; orderId: Gid; parentId?: Gid | null }[]
    | null;
  allowOverRefunding?: boolean | null;
  processedAt?: string | null;
}

interface RefundPlan {
  note: string | null;
  lines: { lineItemId: Gid; quantity: number; restockType: string }[];
  shipping: number;
  transactions: { parent: OrderTransaction; amount: number; kind?: "REFUND" | "VOID" }[];
  restockLocationId: Gid | null;
}

export function createRefund(
  ctx: SandboxContext,
  input: RefundInput,
): Outcome<{ order: Order; refund: Refund }> & {
  order?: Order | null;
} {
  const { shop } = ctx;
  const order = shop.orders.get(input.orderId);
  // Observed message.
  if (!order) return { ...fail({ field: ["orderId"], message: "Order does not exist" }), order: null };
  const withOrder = (...errors: CodedUserError[]) => ({
    ...fail<{ order: Order; refund: Refund }>(...errors),
    order,
  });

  if (
    order.presentmentCurrencyCode !== order.currencyCode &&
    input.currency !== order.presentmentCurrencyCode
  ) {
    return withOrder({
      field: ["currency"],
      message: `Currency must be the order's presentment currency (${order.presentmentCurrencyCode})`,
    });
  }

  const lines: RefundPlan["lines"] = [];
  const seen = new Map<Gid, number>();
  for (const [index, entry] of (input.refundLineItems ?? []).entries()) {
    const line = order.lineItems.find((candidate) => candidate.id === entry.lineItemId);
    if (!line) {
      return withOrder({
        field: ["refundLineItems", String(index), "lineItemId"],
        message: "Line item does not exist",
      });
    }
    const restockType = entry.restockType ?? "NO_RESTOCK";
    if (restockType === "LEGACY_RESTOCK") {
      return withOrder({
        field: ["refundLineItems", String(index), "restockType"],
        message: "Restock type legacy_restock is not accepted for new refunds",
      });
    }
    const total = (seen.get(line.id) ?? 0) + entry.quantity;
    seen.set(line.id, total);
    // Observed message and path.
    if (entry.quantity < 1 || total > line.currentQuantity) {
      return withOrder({
        field: ["refundLineItems", String(index), "quantity"],
        message: "Quantity cannot refund more items than were purchased",
      });
    }
    lines.push({ lineItemId: line.id, quantity: entry.quantity, restockType });
  }

  let shipping = 0;
  if (input.shipping?.shippingRefundAmount) {
    shipping = toMinor(input.shipping.shippingRefundAmount.amount, order.presentmentCurrencyCode);
  } else if (input.shipping?.fullRefund) {
    shipping = remainingShipping(order);
  }
  if (shipping > remainingShipping(order)) {
    return withOrder({
      field: ["shipping", "shippingRefundAmount"],
      message: "Shipping refund amount is greater than the refundable shipping amount",
    });
  }

  const transactions: RefundPlan["transactions"] = [];
  for (const transaction of input.transactions ?? []) {
    // Observed: a non-refund kind fails without a field.
    if (transaction.kind !== "REFUND" && transaction.kind !== "VOID") {
      return withOrder({
        field: null,
        message: `Kind ${transaction.kind.toLowerCase()} is not a valid transaction`,
      });
    }
    const parent = transaction.parentId
      ? order.transactions.find((candidate) => candidate.id === transaction.parentId)
      : refundableByParent(order).find(({ parent: candidate }) => candidate.gateway === transaction.gateway)
          ?.parent;
    if (!parent || transaction.orderId !== order.id) {
      // Observed message and field.
      return withOrder({
        field: ["transactions"],
        message: "Transactions require a parent_id associated with the order",
      });
    }
    if (!isDecimal(transaction.amount))
      return withOrder({ field: ["transactions"], message: "Amount is invalid" });
    transactions.push({
      parent,
      amount: toMinor(transaction.amount, order.presentmentCurrencyCode),
      kind: transaction.kind,
    });
  }
  const requested = transactions
    .filter((transaction) => transaction.kind !== "VOID")
    .reduce((sum, transaction) => sum + transaction.amount, 0);
  const net = orderBalances(order).netPayment;
  // Observed: refused even with allowOverRefunding for a manual payment.
  if (requested > net) {
    const currency = order.presentmentCurrencyCode;
    return withOrder({
      field: null,
      message: `Refund amount ${formatWithSymbol(requested, currency)} is greater than net payment received ${formatWithSymbol(net, currency)}`,
    });
  }
  const refund = applyRefund(ctx, order, {
    note: input.note ?? null,
    lines,
    shipping,
    transactions,
    restockLocationId: input.refundLineItems?.find((entry) => entry.locationId)?.locationId ?? null,
  });
  ctx.emitWebhook("refunds/create", refundPayload(shop, order, refund));
  emitOrder(ctx, "orders/updated", order);
  return { ok: true, value: { order, refund } };
}

/** What can still be refunded from each successful SALE/CAPTURE (refunds name their parent). */
export function refundableByParent(order: Order): { parent: OrderTransaction; amount: number }[] {
  return order.transactions
    .filter(
      (transaction) =>
        transaction.status === "SUCCESS" && (transaction.kind === "SALE" || transaction.kind === "CAPTURE"),
    )
    .map((parent) => {
      const refunded = order.transactions
        .filter((transaction) => transaction.parentId === parent.id && transaction.kind === "REFUND")
        .filter((transaction) => transaction.status === "SUCCESS")
        .reduce((sum, transaction) => sum + orderMinor(order, transaction.amount), 0);
      return { parent, amount: orderMinor(order, parent.amount) - refunded };
    })
    .filter(({ amount }) => amount > 0);
}

/** Shipping charged (after discounts) and not refunded yet. */
export function remainingShipping(order: Order): number {
  const shipping = order.shippingLines.reduce(
    (sum, line) => sum + orderMinor(order, line.discountedPrice ?? line.price),
    0,
  );
  return shipping - orderBalances(order).refundedShipping;
}

/**
 * Records a refund: REFUND transactions against their parents (for manual and external gateways
 * Shopify only records them; no money moves), fewer current units, restock, closed fulfillment
 * orders once nothing is left to ship, and re-derived statuses.
 */
export function applyRefund(ctx: SandboxContext, order: Order, plan: RefundPlan): Refund {
  const { shop } = ctx;
  const now = ctx.now();
  const stamp = timestamp(now);
  const transactionIds: Gid[] = [];
  let amount = 0;
  for (const { parent, amount: value, kind } of plan.transactions) {
    const id = newGid(shop, "OrderTransaction");
    transactionIds.push(id);
    if (kind !== "VOID") amount += value;
    order.transactions.push({
      id,
      kind: kind ?? "REFUND",
      status: "SUCCESS",
      // Observed: the refund takes the parent's gateway whatever the input said.
      gateway: parent.gateway,
      amount: orderDecimal(order, value),
      currencyCode: order.presentmentCurrencyCode,
      authorizationCode: null,
      parentId: parent.id,
      processedAt: stamp,
      test: parent.test,
    });
  }
  for (const entry of plan.lines) {
    const line = order.lineItems.find((candidate) => candidate.id === entry.lineItemId)!;
    const unfulfilled = Math.max(0, line.currentQuantity - line.fulfilledQuantity);
    line.currentQuantity -= entry.quantity;
    // Refunded units that were never shipped leave the fulfillment orders.
    let toRemove = Math.min(entry.quantity, unfulfilled);
    for (const fo of fulfillmentOrdersOf(order)) {
      for (const item of fo.lineItems.filter((candidate) => candidate.lineItemId === line.id)) {
        const removed = Math.min(toRemove, item.remainingQuantity);
        item.remainingQuantity -= removed;
        item.totalQuantity -= removed;
        toRemove -= removed;
      }
      closeIfDone(fo, stamp);
    }
    if (entry.restockType !== "NO_RESTOCK") adjustInventory(shop, line.variantId, entry.quantity, now);
  }
  const refund: Refund = {
    id: newGid(shop, "Refund"),
    createdAt: stamp,
    note: plan.note,
    amount: orderDecimal(order, amount),
    currencyCode: order.presentmentCurrencyCode,
    lineItems: plan.lines,
    transactionIds,
    shippingAmount: orderDecimal(order, plan.shipping),
  };
  order.refunds.push(refund);
  refreshStatuses(order);
  touch(order, now);
  return refund;
}

function closeIfDone(fo: FulfillmentOrder, stamp: string): void {
  if (fo.lineItems.every((item) => item.remainingQuantity === 0) && fo.status !== "CLOSED") {
    fo.status = "CLOSED";
    fo.updatedAt = stamp;
  }
}
