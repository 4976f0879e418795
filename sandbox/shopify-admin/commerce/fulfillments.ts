/** fulfillmentCreate, tracking updates and carrier events, over the order's fulfillment orders. */
import { GraphQLError } from "graphql";
import type { SandboxContext } from "../resolvers/types";
import {
  newGid,
  numericId,
  type Fulfillment,
  type FulfillmentOrder,
  type Gid,
  type Order,
  type ShopState,
} from "../store";
import { timestamp } from "./time";
import { fulfillmentOrdersOf, refreshStatuses } from "./orders";
import { fulfillmentPayload, shopTime } from "./webhooks";
import { type Outcome, emitOrder, fail, touch } from "./outcome";

export interface TrackingInput {
  number?: string | null;
  url?: string | null;
  company?: string | null;
  numbers?: string[] | null;
  urls?: string[] | null;
}

export interface FulfillmentInput {
  lineItemsByFulfillmentOrder: {
    fulfillmentOrderId: Gid;
    fulfillmentOrderLineItems?: { id: Gid; quantity: number }[] | null;
  }[];
  trackingInfo?: TrackingInput | null;
  notifyCustomer?: boolean | null;
}

export function findFulfillmentOrder(
  shop: ShopState,
  id: Gid,
): { order: Order; fo: FulfillmentOrder } | null {
  for (const order of shop.orders.values()) {
    const fo = fulfillmentOrdersOf(order).find((candidate) => candidate.id === id);
    if (fo) return { order, fo };
  }
  return null;
}

export function findFulfillment(shop: ShopState, id: Gid): { order: Order; fulfillment: Fulfillment } | null {
  for (const order of shop.orders.values()) {
    const fulfillment = order.fulfillments.find((candidate) => candidate.id === id);
    if (fulfillment) return { order, fulfillment };
  }
  return null;
}

export function createFulfillment(
  ctx: SandboxContext,
  input: FulfillmentInput,
): Outcome<Fulfillment> & { order?: Order } {
  const { shop } = ctx;
  const groups = input.lineItemsByFulfillmentOrder.map((group) => ({
    group,
    found: findFulfillmentOrder(shop, group.fulfillmentOrderId),
  }));
  // Observed: an unknown fulfillment order is a top-level RESOURCE_NOT_FOUND error, not a user error.
  if (groups.length === 0 || groups.some(({ found }) => !found)) {
    throw new GraphQLError("invalid id", { extensions: { code: "RESOURCE_NOT_FOUND" } });
  }
  const order = groups[0].found!.order;
  if (groups.some(({ found }) => found!.order !== order)) {
    return fail({ field: ["fulfillment"], message: "All fulfillment orders must belong to the same order." });
  }
  const picks: { item: FulfillmentOrder["lineItems"][number]; quantity: number; fo: FulfillmentOrder }[] = [];
  for (const { group, found } of groups) {
    const fo = found!.fo;
    if (fo.status === "CLOSED" || fo.status === "CANCELLED" || fo.status === "ON_HOLD") {
      // Observed message.
      return fail({
        field: ["fulfillment"],
        message: `Fulfillment order ${numericId(fo.id)} has an unfulfillable status= ${fo.status.toLowerCase()}.`,
      });
    }
    const requested = group.fulfillmentOrderLineItems?.length
      ? group.fulfillmentOrderLineItems
      : fo.lineItems
          .filter((item) => item.remainingQuantity > 0)
          .map((item) => ({ id: item.id, quantity: item.remainingQuantity }));
    for (const entry of requested) {
      const item = fo.lineItems.find((candidate) => candidate.id === entry.id);
      if (!item || entry.quantity < 1 || entry.quantity > item.remainingQuantity) {
        // Observed message.
        return fail({
          field: ["fulfillment"],
          message: "Invalid fulfillment order line item quantity requested.",
        });
      }
      picks.push({ item, quantity: entry.quantity, fo });
    }
  }
  const tracking = input.trackingInfo ?? {};
  const fulfillment = recordFulfillment(ctx, order, picks, {
    company: tracking.company ?? null,
    number: tracking.number ?? tracking.numbers?.[0] ?? null,
    url: tracking.url ?? tracking.urls?.[0] ?? null,
  });
  return { ok: true, value: fulfillment, order };
}

function recordFulfillment(
  ctx: SandboxContext,
  order: Order,
  picks: { item: FulfillmentOrder["lineItems"][number]; quantity: number; fo: FulfillmentOrder }[],
  tracking: { company: string | null; number: string | null; url: string | null },
): Fulfillment {
  const { shop } = ctx;
  const now = ctx.now();
  const stamp = timestamp(now);
  const byLine = new Map<Gid, number>();
  for (const { item, quantity, fo } of picks) {
    item.remainingQuantity -= quantity;
    fo.updatedAt = stamp;
    byLine.set(item.lineItemId, (byLine.get(item.lineItemId) ?? 0) + quantity);
  }
  const fos = [...new Set(picks.map((pick) => pick.fo))];
  for (const fo of fos) {
    if (fo.lineItems.every((item) => item.remainingQuantity === 0)) fo.status = "CLOSED";
    else fo.status = "IN_PROGRESS";
  }
  for (const [lineItemId, quantity] of byLine) {
    const line = order.lineItems.find((candidate) => candidate.id === lineItemId)!;
    line.fulfilledQuantity += quantity;
  }
  const fulfillment: Fulfillment = {
    id: newGid(shop, "Fulfillment"),
    status: "SUCCESS",
    trackingCompany: tracking.company,
    trackingNumber: tracking.number,
    trackingUrl: tracking.url,
    lineItems: [...byLine].map(([lineItemId, quantity]) => ({ lineItemId, quantity })),
    events: [],
    createdAt: stamp,
    updatedAt: stamp,
    deliveredAt: null,
    estimatedDeliveryAt: null,
    name: `${order.name}.${order.fulfillments.length + 1}`,
    locationId: fos[0]?.locationId ?? null,
    fulfillmentOrderIds: fos.map((fo) => fo.id),
  };
  order.fulfillments.push(fulfillment);
  refreshStatuses(order);
  // Observed: a paid order is archived once fully fulfilled (the "auto-archive" store default).
  if (
    order.displayFulfillmentStatus === "FULFILLED" &&
    order.displayFinancialStatus === "PAID" &&
    !order.closed
  ) {
    order.closed = true;
    order.closedAt = stamp;
  }
  touch(order, now);
  ctx.emitWebhook("fulfillments/create", fulfillmentPayload(shop, order, fulfillment));
  emitOrder(
    ctx,
    order.displayFulfillmentStatus === "FULFILLED" ? "orders/fulfilled" : "orders/partially_fulfilled",
    order,
  );
  emitOrder(ctx, "orders/updated", order);
  return fulfillment;
}

/** Fulfills everything still open on the order (merchant "Fulfill items" in the admin). */
export function fulfillAll(
  ctx: SandboxContext,
  order: Order,
  tracking: { company: string | null; number: string | null; url: string | null },
): Fulfillment | null {
  const picks = fulfillmentOrdersOf(order)
    .filter((fo) => fo.status === "OPEN" || fo.status === "IN_PROGRESS")
    .flatMap((fo) =>
      fo.lineItems
        .filter((item) => item.remainingQuantity > 0)
        .map((item) => ({ item, quantity: item.remainingQuantity, fo })),
    );
  return picks.length > 0 ? recordFulfillment(ctx, order, picks, tracking) : null;
}

export function updateTracking(
  ctx: SandboxContext,
  fulfillmentId: Gid,
  tracking: TrackingInput,
): Outcome<Fulfillment> {
  const found = findFulfillment(ctx.shop, fulfillmentId);
  // Observed message and field.
  if (!found) return fail({ field: ["fulfillmentId"], message: "Fulfillment does not exist." });
  const { order, fulfillment } = found;
  fulfillment.trackingCompany = tracking.company ?? fulfillment.trackingCompany;
  fulfillment.trackingNumber = tracking.number ?? tracking.numbers?.[0] ?? fulfillment.trackingNumber;
  fulfillment.trackingUrl = tracking.url ?? tracking.urls?.[0] ?? fulfillment.trackingUrl;
  fulfillment.updatedAt = timestamp(ctx.now());
  touch(order, ctx.now());
  ctx.emitWebhook("fulfillments/update", fulfillmentPayload(ctx.shop, order, fulfillment));
  return { ok: true, value: fulfillment };
}

export interface FulfillmentEventInput {
  fulfillmentId: Gid;
  status: string;
  message?: string | null;
  happenedAt?: string | null;
  estimatedDeliveryAt?: string | null;
  city?: string | null;
  province?: string | null;
  country?: string | null;
  zip?: string | null;
  address1?: string | null;
}

export function createFulfillmentEvent(
  ctx: SandboxContext,
  input: FulfillmentEventInput,
): Outcome<{ order: Order; fulfillment: Fulfillment; event: Fulfillment["events"][number] }> {
  const found = findFulfillment(ctx.shop, input.fulfillmentId);
  if (!found)
    return fail({ field: ["fulfillmentEvent", "fulfillmentId"], message: "Fulfillment does not exist." });
  const { order, fulfillment } = found;
  const now = ctx.now();
  const event = {
    id: newGid(ctx.shop, "FulfillmentEvent"),
    status: input.status,
    happenedAt: input.happenedAt ?? timestamp(now),
    message: input.message ?? null,
  };
  fulfillment.events.push(event);
  if (input.estimatedDeliveryAt) fulfillment.estimatedDeliveryAt = input.estimatedDeliveryAt;
  if (input.status === "DELIVERED") fulfillment.deliveredAt = event.happenedAt;
  fulfillment.updatedAt = timestamp(now);
  touch(order, now);
  ctx.emitWebhook("fulfillment_events/create", {
    id: Number(numericId(event.id)),
    admin_graphql_api_id: event.id,
    fulfillment_id: Number(numericId(fulfillment.id)),
    order_id: Number(order.legacyResourceId),
    shop_id: Number(numericId(ctx.shop.id)),
    status: event.status.toLowerCase(),
    message: event.message,
    happened_at: shopTime(ctx.shop, event.happenedAt),
    estimated_delivery_at: shopTime(ctx.shop, fulfillment.estimatedDeliveryAt),
    city: input.city ?? null,
    province: input.province ?? null,
    country: input.country ?? null,
    zip: input.zip ?? null,
    address1: input.address1 ?? null,
    latitude: null,
    longitude: null,
    created_at: shopTime(ctx.shop, timestamp(now)),
    updated_at: shopTime(ctx.shop, timestamp(now)),
  });
  ctx.emitWebhook("fulfillments/update", fulfillmentPayload(ctx.shop, order, fulfillment));
  return { ok: true, value: { order, fulfillment, event } };
}
