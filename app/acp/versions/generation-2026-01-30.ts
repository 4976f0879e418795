/**
 * ACP 2026-01-30 and 2026-04-17: capability negotiation (`capabilities` in every response, with
 * payment handlers instead of `payment_provider`), `line_items[{id, item{id}, quantity, totals[]}]`,
 * `payment_data{handler_id, instrument{type, credential{type:"spt", token}}}`, the discount
 * extension, warnings, the wide status enum. What 2026-04-17 changed is in {@link Generation2026}.
 *
 * Request `line_items` are typed as `Item`, which has no `quantity` (vendor/acp-spec/SOURCE.md
 * caveat 3, upstream issue #264): `quantity` is accepted and defaults to 1.
 *
 * @see vendor/acp-spec/changelog/2026-01-30.md, vendor/acp-spec/changelog/2026-04-17.md
 */
import { z } from "zod";
import type {
  CheckoutSession,
  DiscountState,
  MessageCode,
  MessageTarget,
  SessionLine,
} from "../../checkout/model";
import { localized, renderInEnglish, type RenderText } from "../../i18n/catalog";
import type { AcpVersionAdapter, SerializeContext } from "../version-adapter";
import {
  addressSchema,
  AUTHENTICATION_OUTCOMES,
  authenticationResultSchema,
  buyerSchema,
  currencySchema,
  fulfillmentDetailsSchema,
  fulfillmentLabel,
  optionTitle,
  idSchema,
  intentTraceSchema,
  isEmptyBody,
  mapSent,
  messagePathOf,
  parseBody,
  quantitySchema,
  toAddress,
  toAuthenticationResult,
  toBuyer,
  toFulfillmentDetails,
  toIntentTrace,
  toStringMetadata,
  wireAuthenticationMetadata,
  wireBuyer,
  wireFulfillmentDetails,
  wireLinks,
  wireMessages,
  wireOptionTotals,
  wireSessionTotals,
  type LinkTable,
  type MessageVocabulary,
  type MisplacedField,
  type SessionPaths,
  type Wire,
} from "./common";
import { wireOrder } from "./generation-2025-09";

/** What separates the versions of this generation. */
export interface Generation2026 {
  version: "2026-01-30" | "2026-04-17";
  /** 2026-04-17: every POST must carry an Idempotency-Key. */
  idempotencyKeyRequired: boolean;
  /** 2026-04-17: messages carry `resolution`. */
  messageResolution: boolean;
  /** 2026-04-17: PaymentHandler gained `display_name` (additionalProperties is false before). */
  handlerDisplayName: boolean;
  /** 2026-04-17: `order_notes` (≤ 5000 chars) on create, update and complete. */
  orderNotes: boolean;
  /**
   * 2026-04-17: `authentication_metadata` without a browser `channel`. Before, the channel (the
   * buyer's browser) is required, and an agent checkout has no browser of the buyer to describe.
   */
  authenticationMetadata: boolean;
}

// Every domain code exists as an error code here except price_change, which is warning-only.
export const ERROR_CODES: Readonly<Record<MessageCode, string>> = {
  missing: "missing",
  invalid: "invalid",
  out_of_stock: "out_of_stock",
  payment_declined: "payment_declined",
  requires_sign_in: "requires_sign_in",
  requires_3ds: "requires_3ds",
  low_stock: "low_stock",
  quantity_exceeded: "quantity_exceeded",
  coupon_invalid: "coupon_invalid",
  coupon_expired: "coupon_expired",
  minimum_not_met: "minimum_not_met",
  maximum_exceeded: "maximum_exceeded",
  region_restricted: "region_restricted",
  not_found: "not_found",
  expired: "expired",
  unsupported: "unsupported",
  price_change: "invalid",
};

// MessageWarning's code enum is closed and required; a warning with no fitting code goes out as info.
export const WARNING_CODES: Readonly<Record<MessageCode, string | null>> = {
  missing: null,
  invalid: null,
  out_of_stock: "limited_availability",
  payment_declined: null,
  requires_sign_in: null,
  requires_3ds: null,
  low_stock: "low_stock",
  quantity_exceeded: "limited_availability",
  coupon_invalid: "discount_code_invalid",
  coupon_expired: "discount_code_expired",
  minimum_not_met: "discount_code_minimum_not_met",
  maximum_exceeded: "limited_availability",
  region_restricted: null,
  not_found: null,
  expired: null,
  unsupported: null,
  price_change: "price_change",
};

const LINKS: LinkTable = {
  terms_of_use: "terms_of_use",
  privacy_policy: "privacy_policy",
  return_policy: "return_policy",
  shipping_policy: "shipping_policy",
};

const PATHS: SessionPaths = {
  address: "$.fulfillment_details.address",
  fulfillmentOption: "$.selected_fulfillment_options",
  lineQuantity: ".quantity",
  discountCodes: "$.discounts.codes",
};
const pathOf = (target: MessageTarget) => messagePathOf(PATHS, target);

const REJECTION: Readonly<
  Record<DiscountState["rejected"][number]["reason"], { code: string; text: string }>
> = {
  invalid: { code: "discount_code_invalid", text: "is not a valid code" },
  expired: { code: "discount_code_expired", text: "has expired" },
  minimum_not_met: { code: "discount_code_minimum_not_met", text: "needs a larger order" },
  not_combinable: {
    code: "discount_code_combination_disallowed",
    text: "cannot be combined with the other discounts",
  },
};

/** InterventionCapabilities.supported is a closed enum; unknown values are ignored (capability RFC §4.6). */
const KNOWN_INTERVENTIONS = new Set(["3ds", "biometric", "address_verification"]);

/** The `extends` paths of the discount extension (vendor/acp-spec/examples/<v>/discount-extension/README.md). */
const DISCOUNT_EXTENSION = Object.freeze({
  name: "discount",
  extends: [
    "$.CheckoutSessionCreateRequest.discounts",
    "$.CheckoutSessionUpdateRequest.discounts",
    "$.CheckoutSession.discounts",
  ],
});

/** Used when the session has no handler id of its own; the examples' name for the same handler. */
export const DEFAULT_HANDLER_ID = "card_tokenized";

function paymentHandler(handlerId: string, merchantId: string, displayName: boolean): Wire {
  const out: Wire = { id: handlerId, name: "dev.acp.tokenized.card" };
  if (displayName) out.display_name = "Card";
  out.version = "2026-01-22";
  out.spec = "https://acp.dev/handlers/tokenized.card";
  out.requires_delegate_payment = true;
  out.requires_pci_compliance = false;
  out.psp = "stripe";
  out.config_schema = "https://acp.dev/schemas/handlers/tokenized.card/config.json";
  out.instrument_schemas = ["https://acp.dev/schemas/handlers/tokenized.card/instrument.json"];
  // merchant_id must be the account the agent's Shared Payment Token allowance names.
  out.config = {
    merchant_id: merchantId,
    psp: "stripe",
    accepted_brands: ["visa", "mastercard", "amex", "discover"],
    supports_3ds: true,
  };
  return out;
}

/** The line-level labels, put into words once per response rather than once per line. */
function lineLabels(render: RenderText) {
  const label = (
    key: "label.base_amount" | "label.discount" | "label.subtotal" | "label.tax" | "label.total",
  ) => render(localized(key));
  return {
    base: label("label.base_amount"),
    discount: label("label.discount"),
    subtotal: label("label.subtotal"),
    tax: label("label.tax"),
    total: label("label.total"),
  };
}
type LineLabels = ReturnType<typeof lineLabels>;

function lineTotals(line: SessionLine, taxKnown: boolean, labels: LineLabels): Wire[] {
  const out: Wire[] = [{ type: "items_base_amount", display_text: labels.base, amount: line.baseAmount }];
  if (line.discountAmount !== 0)
    out.push({ type: "discount", display_text: labels.discount, amount: line.discountAmount });
  out.push({ type: "subtotal", display_text: labels.subtotal, amount: line.subtotal });
  if (taxKnown) out.push({ type: "tax", display_text: labels.tax, amount: line.tax });
  out.push({ type: "total", display_text: labels.total, amount: line.total });
  return out;
}

function wireLine(line: SessionLine, taxKnown: boolean, labels: LineLabels): Wire {
  const out: Wire = { id: line.id, item: { id: line.itemId }, quantity: line.quantity };
  if (line.name) out.name = line.name;
  if (line.description) out.description = line.description;
  if (line.imageUrls.length > 0) out.images = line.imageUrls;
  out.unit_amount = line.unitAmount;
  if (line.sku) out.sku = line.sku;
  if (line.variantId) out.variant_id = line.variantId;
  if (line.availableQuantity !== null && line.availableQuantity >= 0)
    out.available_quantity = line.availableQuantity;
  if (line.variantOptions.length > 0) out.variant_options = line.variantOptions;
  out.totals = lineTotals(line, taxKnown, labels);
  return out;
}

function wireDiscounts(discounts: DiscountState): Wire {
  const applied: Wire[] = [];
  for (let i = 0; i < discounts.applied.length; i++) {
    const discount = discounts.applied[i];
    // No discount ids in the domain: the code identifies a code discount, the position an automatic one.
    const id = discount.code ?? `automatic_${i + 1}`;
    const entry: Wire = { id };
    if (discount.code) entry.code = discount.code;
    entry.coupon = { id, name: discount.title };
    entry.amount = discount.amount;
    entry.automatic = discount.automatic;
    applied.push(entry);
  }
  const rejected = discounts.rejected.map((rejection) => ({
    code: rejection.code,
    reason: REJECTION[rejection.reason].code,
    message: `Code "${rejection.code}" ${REJECTION[rejection.reason].text}.`,
  }));
  return { codes: discounts.codes, applied, rejected };
}

const lineSchema = z.object({ id: idSchema, quantity: quantitySchema.optional() });
const buyer = buyerSchema("email");
const codesSchema = z.array(z.string().min(1, { error: "must not be empty" }));
const discountsSchema = z.object({ codes: codesSchema.nullish() });

const capabilitiesSchema = z.object({
  interventions: z.object({ supported: z.array(z.string()).nullish() }).nullish(),
});

const selectionSchema = z.object({
  type: z.enum(["shipping", "digital", "pickup", "local_delivery"], {
    error: 'must be "shipping", "digital", "pickup" or "local_delivery"',
  }),
  option_id: idSchema,
  // The server knows which items an option covers; agents may leave item_ids out.
  item_ids: z.array(z.string()).optional(),
});

const paymentDataSchema = z.object({
  handler_id: idSchema,
  instrument: z.object({
    type: z.string(),
    credential: z.object({
      type: z.literal("spt", { error: 'must be "spt": this store accepts Shared Payment Tokens only' }),
      token: idSchema,
    }),
  }),
  billing_address: addressSchema.nullish(),
});

const SESSION_FIELDS: MisplacedField[] = [
  { path: ["items"], hint: "send `line_items` ([{id, quantity}]); `items` was replaced in 2026-01-30." },
  {
    path: ["fulfillment_address"],
    hint: "send `fulfillment_details.address`; `fulfillment_address` was replaced in 2025-12-12.",
  },
  {
    path: ["fulfillment_option_id"],
    hint: "send `selected_fulfillment_options`; `fulfillment_option_id` was replaced in 2025-12-12.",
  },
];
const PAYMENT_FIELDS: MisplacedField[] = ["token", "provider"].map((field) => ({
  path: ["payment_data", field],
  hint: "send `payment_data.handler_id` and `payment_data.instrument.credential.token`; `{token, provider}` was replaced in 2026-01-30.",
}));

const toLines = (lines: z.output<typeof lineSchema>[]) =>
  lines.map((line) => ({ itemId: line.id, quantity: line.quantity ?? 1 }));

/** `discounts.codes` wins; the older `coupons` list is read when no codes object says otherwise. */
function discountCodes(
  discounts: z.output<typeof discountsSchema> | null | undefined,
  coupons: string[] | null | undefined,
): string[] | null | undefined {
  if (discounts === null) return null;
  if (discounts?.codes !== undefined) return discounts.codes;
  return coupons;
}

export function createGeneration2026Adapter(traits: Generation2026): AcpVersionAdapter {
  const messages: MessageVocabulary = {
    error: ERROR_CODES,
    errorFallback: "invalid",
    warning: WARNING_CODES,
    resolution: traits.messageResolution,
  };
  const protocol = Object.freeze({ version: traits.version });
  // order_notes is validated where the version defines it; the domain has no field for it yet.
  const orderNotes = traits.orderNotes
    ? { order_notes: z.string().max(5000, { error: "must be at most 5000 characters" }).nullish() }
    : {};

  const createSchema = z.object({
    line_items: z.array(lineSchema).min(1, { error: "must contain at least one item" }),
    currency: currencySchema,
    capabilities: capabilitiesSchema.nullish(),
    buyer: buyer.nullish(),
    fulfillment_details: fulfillmentDetailsSchema.nullish(),
    discounts: discountsSchema.nullish(),
    coupons: codesSchema.nullish(),
    locale: z.string().nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    ...orderNotes,
  });

  const updateSchema = z.object({
    line_items: z.array(lineSchema).optional(),
    buyer: buyer.nullable().optional(),
    fulfillment_details: fulfillmentDetailsSchema.nullable().optional(),
    selected_fulfillment_options: z.array(selectionSchema).nullable().optional(),
    discounts: discountsSchema.nullable().optional(),
    coupons: codesSchema.nullable().optional(),
    ...orderNotes,
  });

  const completeSchema = z.object({
    buyer: buyer.nullish(),
    payment_data: paymentDataSchema,
    authentication_result: authenticationResultSchema(AUTHENTICATION_OUTCOMES).nullish(),
    ...orderNotes,
  });

  const cancelSchema = z.object({ intent_trace: intentTraceSchema.nullish() });

  function capabilities(session: CheckoutSession, merchantId: string | null): Wire {
    const handlers: Wire[] = [];
    if (merchantId) {
      handlers.push(
        paymentHandler(
          session.payment?.handlerId ?? DEFAULT_HANDLER_ID,
          merchantId,
          traits.handlerDisplayName,
        ),
      );
    }
    const supported: string[] = [];
    for (const intervention of session.interventions) {
      if (KNOWN_INTERVENTIONS.has(intervention)) supported.push(intervention);
    }
    return {
      payment: { handlers },
      // Stripe asks for 3DS only when the issuer demands it: nothing is required up front.
      interventions: { supported, required: [], enforcement: "conditional" },
      extensions: [DISCOUNT_EXTENSION],
    };
  }

  function serializeSession(session: CheckoutSession, context: SerializeContext): Wire {
    const merchantId = context.paymentMerchantId ?? session.payment?.merchantId ?? null;
    const render = context.render ?? renderInEnglish;
    const out: Wire = {
      id: session.id,
      protocol,
      capabilities: capabilities(session, merchantId),
    };
    const buyerWire = wireBuyer(session.buyer, "email");
    if (buyerWire) out.buyer = buyerWire;
    out.status = session.status;
    if (
      traits.authenticationMetadata &&
      session.status === "authentication_required" &&
      session.authentication
    )
      out.authentication_metadata = wireAuthenticationMetadata(session.authentication);
    out.currency = session.currency;
    if (session.locale) out.locale = session.locale;
    const taxKnown = session.totals.tax !== null;
    const lines: Wire[] = new Array(session.lines.length);
    const labels = lineLabels(render);
    for (let i = 0; i < session.lines.length; i++) lines[i] = wireLine(session.lines[i], taxKnown, labels);
    out.line_items = lines;
    const details = wireFulfillmentDetails(session.fulfillmentDetails);
    if (details) out.fulfillment_details = details;
    out.fulfillment_options = session.fulfillmentOptions.map((option) => {
      const wire: Wire = { type: option.type, id: option.id, title: optionTitle(option, render) };
      if (option.description) wire.description = option.description;
      if (option.type === "shipping") {
        if (option.carrier) wire.carrier = option.carrier;
        if (option.earliestDeliveryTime) wire.earliest_delivery_time = option.earliestDeliveryTime;
        if (option.latestDeliveryTime) wire.latest_delivery_time = option.latestDeliveryTime;
      }
      wire.totals = wireOptionTotals(option, render);
      return wire;
    });
    const selectedId = session.selectedFulfillmentOptionId;
    if (selectedId) {
      const option = session.fulfillmentOptions.find((candidate) => candidate.id === selectedId);
      out.selected_fulfillment_options = [
        { type: option?.type ?? "shipping", option_id: selectedId, item_ids: option?.itemIds ?? [] },
      ];
    }
    out.totals = wireSessionTotals(
      session.totals,
      fulfillmentLabel(session.fulfillmentOptions, selectedId, render),
      true,
      render,
    );
    out.messages = wireMessages(session.messages, messages, pathOf, render);
    out.links = wireLinks(session.links, LINKS, true);
    out.created_at = session.createdAt;
    out.updated_at = session.updatedAt;
    out.expires_at = session.expiresAt;
    if (session.metadata) out.metadata = session.metadata;
    out.discounts = wireDiscounts(session.discounts);
    const order = wireOrder(session, true);
    if (order) out.order = order;
    return out;
  }

  return {
    version: traits.version,
    idempotencyKeyRequired: traits.idempotencyKeyRequired,
    parseCreate: (body) =>
      parseBody(createSchema, body, SESSION_FIELDS, (wire) => ({
        lines: toLines(wire.line_items),
        currency: wire.currency,
        buyer: wire.buyer ? toBuyer(wire.buyer) : null,
        fulfillmentDetails: wire.fulfillment_details ? toFulfillmentDetails(wire.fulfillment_details) : null,
        selectedFulfillmentOptionIds: null,
        discountCodes: discountCodes(wire.discounts, wire.coupons) ?? null,
        // Capabilities are required by the schema, but a missing block only means "supports nothing".
        agentInterventions: wire.capabilities?.interventions?.supported ?? null,
        locale: wire.locale ?? null,
        metadata: toStringMetadata(wire.metadata),
      })),
    parseUpdate: (body) =>
      parseBody(updateSchema, body, SESSION_FIELDS, (wire) => ({
        lines: wire.line_items && toLines(wire.line_items),
        buyer: mapSent(wire.buyer, toBuyer),
        fulfillmentDetails: mapSent(wire.fulfillment_details, toFulfillmentDetails),
        selectedFulfillmentOptionIds: mapSent(wire.selected_fulfillment_options, (selections) =>
          selections.map((selection) => selection.option_id),
        ),
        discountCodes: discountCodes(wire.discounts, wire.coupons),
      })),
    parseComplete: (body) =>
      parseBody(completeSchema, body, PAYMENT_FIELDS, (wire) => ({
        payment: {
          token: wire.payment_data.instrument.credential.token,
          handlerId: wire.payment_data.handler_id,
          provider: null,
          billingAddress: wire.payment_data.billing_address
            ? toAddress(wire.payment_data.billing_address)
            : null,
        },
        buyer: wire.buyer ? toBuyer(wire.buyer) : null,
        authenticationResult: wire.authentication_result
          ? toAuthenticationResult(wire.authentication_result)
          : null,
        canAuthenticate: true,
      })),
    parseCancel: (body) =>
      isEmptyBody(body)
        ? { ok: true, value: { intentTrace: null } }
        : parseBody(cancelSchema, body, [], (wire) => ({
            intentTrace: wire.intent_trace ? toIntentTrace(wire.intent_trace) : null,
          })),
    serializeSession,
    messagePath: (target) => pathOf(target) ?? "$",
  };
}
