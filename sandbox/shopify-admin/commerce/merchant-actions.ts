/**
 * What a merchant does by hand in the Shopify admin, for the sandbox control endpoint: ship an
 * order, cancel it, refund it, mark a shipment delivered. Each goes through the same code as the
 * Admin API mutations, so the app sees exactly the state and webhooks it would see on Shopify.
 * Unlike orderCancel over the API, an admin cancellation is applied at once (no Job to wait for).
 */
import type { SandboxContext } from "../resolvers/types";
import type { Fulfillment, Gid, Order, Refund, ShopState } from "../store";
import { orderMinor } from "./orders";
import { performCancel, validateCancel } from "./cancel";
import { createFulfillmentEvent, fulfillAll } from "./fulfillments";
import type { CodedUserError } from "./outcome";
import { createRefund, refundableByParent, remainingShipping } from "./refunds";
import { formatMoney, formatWithSymbol } from "./money";

export type MerchantResult<T> = { ok: true; value: T } | { ok: false; errors: CodedUserError[] };

function withShop(shop: ShopState, ctx: SandboxContext): SandboxContext {
  return ctx.shop === shop ? ctx : { ...ctx, shop };
}

function orderOr(shop: ShopState, orderId: Gid): Order | null {
  return shop.orders.get(orderId) ?? null;
}

const notFound = (orderId: Gid): MerchantResult<never> => ({
  ok: false,
  errors: [{ field: ["orderId"], message: `Order ${orderId} does not exist`, code: "NOT_FOUND" }],
});

export interface TrackingDetails {
  company?: string | null;
  number?: string | null;
  url?: string | null;
}

/** Fulfills every unfulfilled item, with optional tracking (orders/fulfilled + fulfillments/create). */
export function fulfillOrder(
  shop: ShopState,
  ctx: SandboxContext,
  orderId: Gid,
  tracking: TrackingDetails = {},
): MerchantResult<Fulfillment> {
  const order = orderOr(shop, orderId);
  if (!order) return notFound(orderId);
  if (order.cancelledAt) {
    return { ok: false, errors: [{ field: ["orderId"], message: "Order is cancelled", code: "INVALID" }] };
  }
  const fulfillment = fulfillAll(withShop(shop, ctx), order, {
    company: tracking.company ?? null,
    number: tracking.number ?? null,
    url: tracking.url ?? null,
  });
  if (!fulfillment) {
    return {
      ok: false,
      errors: [{ field: ["orderId"], message: "Nothing left to fulfill", code: "INVALID" }],
    };
  }
  return { ok: true, value: fulfillment };
}

export interface CancelDetails {
  reason?: "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "STAFF" | "OTHER";
  restock?: boolean;
  /** Refund what was paid to the original payment methods (default true, as in the admin). */
  refund?: boolean;
  staffNote?: string | null;
}

/** Cancels now (the admin does not hand out a Job): orders/cancelled, orders/updated, refunds/create. */
export function cancelOrder(
  shop: ShopState,
  ctx: SandboxContext,
  orderId: Gid,
  details: CancelDetails = {},
): MerchantResult<Order> {
  const options = {
    reason: details.reason ?? "OTHER",
    restock: details.restock ?? true,
    refundMethod: { originalPaymentMethodsRefund: details.refund ?? true },
    staffNote: details.staffNote ?? null,
  };
  const errors = validateCancel(shop, orderId, options);
  if (errors.length > 0) return { ok: false, errors };
  performCancel(withShop(shop, ctx), orderId, options);
  return { ok: true, value: shop.orders.get(orderId)! };
}

export interface RefundDetails {
  /** Decimal in the order's presentment currency; default: everything still refundable. */
  amount?: string;
  /** Line items to take back; default: every current unit when refunding in full, none otherwise. */
  lineItems?: { lineItemId: Gid; quantity: number }[];
  restock?: boolean;
  refundShipping?: boolean;
  note?: string | null;
}

/** Records a refund against the original payments, as the admin's "Refund" button does. */
export function refundOrder(
  shop: ShopState,
  ctx: SandboxContext,
  orderId: Gid,
  details: RefundDetails = {},
): MerchantResult<Refund> {
  const order = orderOr(shop, orderId);
  if (!order) return notFound(orderId);
  const full = details.amount === undefined;
  const parents = refundableByParent(order);
  let wanted = full
    ? parents.reduce((sum, parent) => sum + parent.amount, 0)
    : orderMinor(order, details.amount!);
  const refundable = parents.reduce((sum, parent) => sum + parent.amount, 0);
  if (wanted > refundable) {
    const currency = order.presentmentCurrencyCode;
    return {
      ok: false,
      errors: [
        {
          field: null,
          message: `Refund amount ${formatWithSymbol(wanted, currency)} is greater than net payment received ${formatWithSymbol(refundable, currency)}`,
        },
      ],
    };
  }
  const transactions = [];
  for (const { parent, amount } of parents) {
    if (wanted <= 0) break;
    const take = Math.min(amount, wanted);
    wanted -= take;
    transactions.push({
      amount: formatMoney(take, order.presentmentCurrencyCode),
      gateway: parent.gateway,
      kind: "REFUND",
      orderId,
      parentId: parent.id,
    });
  }
  const lineItems =
    details.lineItems ??
    (full
      ? order.lineItems
          .filter((line) => line.currentQuantity > 0)
          .map((line) => ({ lineItemId: line.id, quantity: line.currentQuantity }))
      : []);
  const restockType = (lineItemId: Gid) => {
    if (!details.restock) return "NO_RESTOCK";
    const line = order.lineItems.find((candidate) => candidate.id === lineItemId);
    return line && line.fulfilledQuantity > 0 ? "RETURN" : "CANCEL";
  };
  const result = createRefund(withShop(shop, ctx), {
    orderId,
    note: details.note ?? null,
    refundLineItems: lineItems.map((entry) => ({ ...entry, restockType: restockType(entry.lineItemId) })),
    shipping: (details.refundShipping ?? full) && remainingShipping(order) > 0 ? { fullRefund: true } : null,
    transactions,
  });
  return result.ok ? { ok: true, value: result.value.refund } : { ok: false, errors: result.userErrors };
}

/** Adds a carrier event to a fulfillment (IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, …). */
export function addShipmentEvent(
  shop: ShopState,
  ctx: SandboxContext,
  fulfillmentId: Gid,
  status: string,
  message: string | null = null,
): MerchantResult<Fulfillment> {
  const result = createFulfillmentEvent(withShop(shop, ctx), { fulfillmentId, status, message });
  return result.ok ? { ok: true, value: result.value.fulfillment } : { ok: false, errors: result.userErrors };
}
