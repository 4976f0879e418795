/**
 * ACP 2025-09-29, the first release: `items[{id, quantity}]`, `fulfillment_address`, a single
 * `fulfillment_option_id`, `payment_provider`, flat integer amounts on lines and fulfillment options,
 * messages of type info|error with six error codes. Later generations reuse the flat pieces.
 *
 * @see vendor/acp-spec/spec/2025-09-29/json-schema/schema.agentic_checkout.json
 */
import { z } from "zod";
import type {
  CheckoutSession,
  FulfillmentOption,
  MessageCode,
  MessageTarget,
  SessionLine,
} from "../../checkout/model";
import { renderInEnglish, type RenderText } from "../../i18n/catalog";
import type { AcpVersionAdapter, SerializeContext } from "../version-adapter";
import {
  addressSchema,
  buyerSchema,
  fulfillmentLabel,
  optionTitle,
  idSchema,
  mapSent,
  messagePathOf,
  parseBody,
  quantitySchema,
  toAddress,
  toBuyer,
  wireAddress,
  wireBuyer,
  wireLinks,
  wireMessages,
  wireSessionTotals,
  type LinkTable,
  type MessageVocabulary,
  type MisplacedField,
  type SessionPaths,
  type StatusTable,
  type Wire,
} from "./common";

/**
 * Error codes up to 2026-01-16 are only missing|invalid|out_of_stock|payment_declined|
 * requires_sign_in|requires_3ds. Newer domain codes map to the closest: "not enough stock" is
 * out_of_stock, everything else the buyer must change is invalid.
 */
export const LEGACY_ERROR_CODES: Readonly<Record<MessageCode, string>> = {
  missing: "missing",
  invalid: "invalid",
  out_of_stock: "out_of_stock",
  payment_declined: "payment_declined",
  requires_sign_in: "requires_sign_in",
  requires_3ds: "requires_3ds",
  low_stock: "out_of_stock",
  quantity_exceeded: "invalid",
  coupon_invalid: "invalid",
  coupon_expired: "invalid",
  minimum_not_met: "invalid",
  maximum_exceeded: "invalid",
  region_restricted: "invalid",
  not_found: "invalid",
  expired: "invalid",
  unsupported: "invalid",
  price_change: "invalid",
};

/** No MessageWarning before 2026-01-30: warnings go out as info (the text survives, the code cannot). */
export const LEGACY_MESSAGES: MessageVocabulary = {
  error: LEGACY_ERROR_CODES,
  errorFallback: "invalid",
  warning: null,
  resolution: false,
};

const STATUS: StatusTable = {
  not_ready_for_payment: "not_ready_for_payment",
  ready_for_payment: "ready_for_payment",
  // No 3DS flow in this version: the session simply cannot take payment yet.
  authentication_required: "not_ready_for_payment",
  complete_in_progress: "in_progress",
  completed: "completed",
  canceled: "canceled",
  // No `expired` yet: an expired session is as unusable as a canceled one.
  expired: "canceled",
};

const LINKS: LinkTable = {
  terms_of_use: "terms_of_use",
  privacy_policy: "privacy_policy",
  return_policy: "seller_shop_policies",
  shipping_policy: "seller_shop_policies",
};

const PATHS: SessionPaths = {
  address: "$.fulfillment_address",
  fulfillmentOption: "$.fulfillment_option_id",
  lineQuantity: ".item.quantity",
  discountCodes: null,
};
const pathOf = (target: MessageTarget) => messagePathOf(PATHS, target);

/** Flat line amounts, the shape every version before 2026-01-30 shares. */
export function wireFlatLine(line: SessionLine): Wire {
  return {
    id: line.id,
    item: { id: line.itemId, quantity: line.quantity },
    base_amount: line.baseAmount,
    discount: line.discountAmount,
    subtotal: line.subtotal,
    tax: line.tax,
    total: line.total,
  };
}

/** Flat fulfillment option amounts (2025-09-29, 2025-12-12); the detail line is `subtitle`. */
export function wireFlatOption(option: FulfillmentOption, render: RenderText): Wire {
  const out: Wire = { type: option.type, id: option.id, title: optionTitle(option, render) };
  if (option.description) out.subtitle = option.description;
  if (option.type === "shipping") {
    if (option.carrier) out.carrier = option.carrier;
    if (option.earliestDeliveryTime) out.earliest_delivery_time = option.earliestDeliveryTime;
    if (option.latestDeliveryTime) out.latest_delivery_time = option.latestDeliveryTime;
  }
  out.subtotal = option.subtotal;
  out.tax = option.tax;
  out.total = option.total;
  return out;
}

export function wireOrder(session: CheckoutSession, orderNumber: boolean): Wire | null {
  const order = session.order;
  if (!order) return null;
  const out: Wire = {
    id: order.id,
    checkout_session_id: order.checkoutSessionId,
    permalink_url: order.permalinkUrl,
  };
  if (orderNumber && order.orderNumber) out.order_number = order.orderNumber;
  return out;
}

const itemSchema = z.object({ id: idSchema, quantity: quantitySchema });
const buyer = buyerSchema("names_and_email");

const createSchema = z.object({
  items: z.array(itemSchema).min(1, { error: "must contain at least one item" }),
  buyer: buyer.nullish(),
  fulfillment_address: addressSchema.nullish(),
});

const updateSchema = z.object({
  items: z.array(itemSchema).optional(),
  buyer: buyer.nullable().optional(),
  fulfillment_address: addressSchema.nullable().optional(),
  fulfillment_option_id: idSchema.nullable().optional(),
});

const completeSchema = z.object({
  buyer: buyer.nullish(),
  payment_data: z.object({
    token: idSchema,
    provider: z.literal("stripe", {
      error: 'must be "stripe", the only payment provider this store accepts',
    }),
    billing_address: addressSchema.nullish(),
  }),
});

const SESSION_FIELDS: MisplacedField[] = [
  { path: ["line_items"], hint: "send `items` ([{id, quantity}]); `line_items` arrived in 2026-01-30." },
  {
    path: ["fulfillment_details"],
    hint: "send `fulfillment_address`; `fulfillment_details` arrived in 2025-12-12.",
  },
  {
    path: ["selected_fulfillment_options"],
    hint: "send `fulfillment_option_id`; `selected_fulfillment_options` arrived in 2025-12-12.",
  },
];
/** 2026-01-30 payment_data, sent to a version that takes `{token, provider}`. */
export const HANDLER_PAYMENT_FIELDS: MisplacedField[] = ["handler_id", "instrument"].map((field) => ({
  path: ["payment_data", field],
  hint: "send `payment_data.token` and `payment_data.provider`; payment handlers arrived in 2026-01-30.",
}));

const toLines = (items: z.output<typeof itemSchema>[]) =>
  items.map((item) => ({ itemId: item.id, quantity: item.quantity }));

function messagePath(target: MessageTarget): string {
  return pathOf(target) ?? "$";
}

function serializeSession(session: CheckoutSession, context: SerializeContext): Wire {
  const render = context.render ?? renderInEnglish;
  const out: Wire = { id: session.id };
  const buyerWire = wireBuyer(session.buyer, "names_and_email");
  if (buyerWire) out.buyer = buyerWire;
  out.payment_provider = { provider: "stripe", supported_payment_methods: ["card"] };
  out.status = STATUS[session.status];
  out.currency = session.currency;
  out.line_items = session.lines.map(wireFlatLine);
  const address = session.fulfillmentDetails?.address;
  if (address) out.fulfillment_address = wireAddress(address);
  out.fulfillment_options = session.fulfillmentOptions.map((option) => wireFlatOption(option, render));
  if (session.selectedFulfillmentOptionId) out.fulfillment_option_id = session.selectedFulfillmentOptionId;
  const label = fulfillmentLabel(session.fulfillmentOptions, session.selectedFulfillmentOptionId, render);
  // Total has no `description` in this version.
  out.totals = wireSessionTotals(session.totals, label, false, render);
  out.messages = wireMessages(session.messages, LEGACY_MESSAGES, pathOf, render);
  out.links = wireLinks(session.links, LINKS, false);
  const order = wireOrder(session, false);
  if (order) out.order = order;
  return out;
}

export const adapter2025_09_29: AcpVersionAdapter = {
  version: "2025-09-29",
  idempotencyKeyRequired: false,
  parseCreate: (body) =>
    parseBody(createSchema, body, SESSION_FIELDS, (wire) => ({
      lines: toLines(wire.items),
      currency: null,
      buyer: wire.buyer ? toBuyer(wire.buyer) : null,
      fulfillmentDetails: wire.fulfillment_address ? { address: toAddress(wire.fulfillment_address) } : null,
      selectedFulfillmentOptionIds: null,
      discountCodes: null,
      agentInterventions: null,
      locale: null,
      metadata: null,
    })),
  parseUpdate: (body) =>
    parseBody(updateSchema, body, SESSION_FIELDS, (wire) => ({
      lines: wire.items && toLines(wire.items),
      buyer: mapSent(wire.buyer, toBuyer),
      // The address is all this version knows of fulfillment details, so it replaces them whole.
      fulfillmentDetails: mapSent(wire.fulfillment_address, (address) => ({ address: toAddress(address) })),
      selectedFulfillmentOptionIds: mapSent(wire.fulfillment_option_id, (id) => [id]),
    })),
  parseComplete: (body) =>
    parseBody(completeSchema, body, HANDLER_PAYMENT_FIELDS, (wire) => ({
      payment: {
        token: wire.payment_data.token,
        handlerId: null,
        provider: wire.payment_data.provider,
        billingAddress: wire.payment_data.billing_address
          ? toAddress(wire.payment_data.billing_address)
          : null,
      },
      buyer: wire.buyer ? toBuyer(wire.buyer) : null,
      authenticationResult: null,
      canAuthenticate: false,
    })),
  // Cancel had no body in 2025-09-29; whatever arrives (even a later version's intent_trace) is ignored.
  parseCancel: () => ({ ok: true, value: { intentTrace: null } }),
  serializeSession,
  messagePath,
};
