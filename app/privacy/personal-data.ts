import type { CheckoutSession } from "../checkout/model";
import type { AgentOrder } from "../orders/events";

/**
 * Where buyer personal data sits in what the app stores, and how each place is erased. Pure:
 * the jobs in this folder load rows, call these, and write the results.
 *
 * Kept (the money trail): ids, statuses, line items, amounts, currency, the order reference and
 * the country/region the taxes were computed for are not personal data on their own.
 */

/** Who a compliance request is about (Shopify's `customer` object and order ids). */
export interface CustomerRef {
  customerId: string | null;
  email: string | null;
  phone: string | null;
  /** Shopify order ids (numeric, as the webhook sends them). */
  orderIds: string[];
}

export function customerRefFrom(payload: Record<string, unknown>, ordersField: string): CustomerRef {
  const customer = (payload.customer ?? {}) as Record<string, unknown>;
  const orders = Array.isArray(payload[ordersField]) ? (payload[ordersField] as unknown[]) : [];
  return {
    customerId: customer.id == null ? null : String(customer.id),
    email: typeof customer.email === "string" && customer.email.trim() ? customer.email.trim() : null,
    phone: typeof customer.phone === "string" && customer.phone.trim() ? customer.phone.trim() : null,
    orderIds: orders.map((id) => String(id)).filter((id) => /^\d+$/.test(id)),
  };
}

export function orderGid(id: string): string {
  return `gid://shopify/Order/${id}`;
}

function digits(phone: string): string {
  return phone.replace(/\D/g, "");
}

/**
 * Same phone number, whatever the formatting: equal digits, or one ends with the other and the
 * shorter is still a national number (Shopify may send "555-625-1199" for "+15556251199").
 */
export function samePhone(a: string, b: string): boolean {
  const [x, y] = [digits(a), digits(b)];
  if (x.length < 7 || y.length < 7) return false;
  if (x === y) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length >= 8 && long.endsWith(short);
}

export function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Whether the session's buyer or delivery contact is this customer (by email or phone). */
export function sessionBelongsTo(session: CheckoutSession, customer: CustomerRef): boolean {
  const emails = [session.buyer?.email, session.fulfillmentDetails?.email].filter(Boolean) as string[];
  const phones = [session.buyer?.phoneNumber, session.fulfillmentDetails?.phoneNumber].filter(
    Boolean,
  ) as string[];
  if (customer.email && emails.some((email) => sameEmail(email, customer.email!))) return true;
  if (customer.phone && phones.some((phone) => samePhone(phone, customer.phone!))) return true;
  return false;
}

/** Whether anything personal is left on the session state. */
export function hasPersonalData(session: CheckoutSession): boolean {
  return Boolean(session.buyer || session.fulfillmentDetails || session.metadata);
}

/**
 * The session without the buyer: contact, names, delivery address and the agent's free-form
 * metadata go; items, totals, options, the order reference and statuses stay.
 */
export function redactSession(session: CheckoutSession): CheckoutSession {
  return { ...session, buyer: null, fulfillmentDetails: null, metadata: null };
}

/** What the buyer-facing parts of a session look like in a data request report. */
export function sessionReport(session: CheckoutSession) {
  return {
    id: session.id,
    status: session.status,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    currency: session.currency,
    buyer: session.buyer,
    fulfillmentDetails: session.fulfillmentDetails,
    metadata: session.metadata,
    items: session.lines.map((line) => ({
      itemId: line.itemId,
      name: line.name,
      quantity: line.quantity,
      total: line.total,
    })),
    total: session.totals.total,
    order: session.order ? { id: session.order.id, orderNumber: session.order.orderNumber } : null,
  };
}

/** The order as told to the agent, without parcel tracking (it locates the buyer's parcel). */
export function redactAgentOrder(order: AgentOrder): AgentOrder {
  return {
    ...order,
    fulfillments: order.fulfillments.map((fulfillment) => ({
      ...fulfillment,
      trackingNumber: null,
      trackingUrl: null,
    })),
  };
}

/** ACP wire fields (every version) that carry the buyer; removed from stored responses. */
const WIRE_PERSONAL_FIELDS = new Set([
  "buyer",
  "fulfillment_address",
  "fulfillment_details",
  "billing_address",
  "metadata",
]);

/** A stored ACP response body without the buyer's fields, at any depth. */
export function redactWireBody(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactWireBody);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !WIRE_PERSONAL_FIELDS.has(key))
        .map(([key, inner]) => [key, redactWireBody(inner)]),
    );
  }
  return value;
}

/** The cancel intent trace without its free text (reason code kept). */
export function redactCancelTrace(trace: string | null): string | null {
  if (!trace) return trace;
  try {
    const parsed = JSON.parse(trace) as { reasonCode?: unknown };
    return JSON.stringify({ reasonCode: parsed.reasonCode ?? null, traceSummary: null, metadata: null });
  } catch {
    return null;
  }
}

/** Checkout event details are codes; anything else is free text and goes. */
export function isCodeLike(detail: string): boolean {
  return /^[a-z0-9_.:-]{1,64}$/i.test(detail);
}
