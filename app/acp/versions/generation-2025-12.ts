/**
 * ACP 2025-12-12 and 2026-01-16: `fulfillment_details`, `selected_fulfillment_options[]` (nested
 * `{type, shipping: {option_id, item_ids}}`), `intent_trace` on cancel, line display fields,
 * `authentication_result` on complete. Still `items`, flat line amounts and `{token, provider}`.
 * What 2026-01-16 changed is in {@link Generation2025_12}.
 *
 * @see vendor/acp-spec/changelog/2025-12-12.md, vendor/acp-spec/changelog/2026-01-16.md
 */
import { z } from "zod";
import type { CheckoutSession, MessageTarget, SessionLine, FulfillmentOption } from "../../checkout/model";
import { renderInEnglish, type RenderText } from "../../i18n/catalog";
import type { AcpVersionAdapter, SerializeContext } from "../version-adapter";
import {
  addressSchema,
  AUTHENTICATION_OUTCOMES,
  AUTHENTICATION_OUTCOMES_2026_01_16,
  authenticationResultSchema,
  buyerSchema,
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
  wireBuyer,
  wireFulfillmentDetails,
  wireLinks,
  wireMessages,
  wireOptionTotals,
  wireSessionTotals,
  type LinkTable,
  type MisplacedField,
  type SessionPaths,
  type StatusTable,
  type Wire,
} from "./common";
import {
  HANDLER_PAYMENT_FIELDS,
  LEGACY_MESSAGES,
  wireFlatLine,
  wireFlatOption,
  wireOrder,
} from "./generation-2025-09";

/** What separates the versions of this generation. */
export interface Generation2025_12 {
  version: "2025-12-12" | "2026-01-16";
  /**
   * 2026-01-16: `payment_provider.merchant_id` is required and `authentication_provider` (3DS) exists.
   * Without a merchant id both are left out rather than sent invalid.
   */
  merchantScopedProviders: boolean;
  /** 2026-01-16: fulfillment options carry `totals[]` and `description` instead of flat amounts and `subtitle`. */
  optionTotals: boolean;
}

const STATUS: StatusTable = {
  not_ready_for_payment: "not_ready_for_payment",
  ready_for_payment: "ready_for_payment",
  authentication_required: "authentication_required",
  complete_in_progress: "in_progress",
  completed: "completed",
  canceled: "canceled",
  expired: "canceled",
};

// seller_shop_policies was replaced by return_policy; there is no shipping policy link until 2026-01-30.
const LINKS: LinkTable = {
  terms_of_use: "terms_of_use",
  privacy_policy: "privacy_policy",
  return_policy: "return_policy",
  shipping_policy: null,
};

const PATHS: SessionPaths = {
  address: "$.fulfillment_details.address",
  fulfillmentOption: "$.selected_fulfillment_options",
  lineQuantity: ".item.quantity",
  discountCodes: null,
};
const pathOf = (target: MessageTarget) => messagePathOf(PATHS, target);

const CARD = { type: "card", supported_card_networks: ["amex", "discover", "mastercard", "visa"] };

function wireLine(line: SessionLine): Wire {
  const out = wireFlatLine(line);
  if (line.name) out.name = line.name;
  if (line.description) out.description = line.description;
  if (line.imageUrls.length > 0) out.images = line.imageUrls;
  out.unit_amount = line.unitAmount;
  if (line.variantOptions.length > 0) {
    out.custom_attributes = line.variantOptions.map((option) => ({
      display_name: option.name,
      value: option.value,
    }));
  }
  return out;
}

function wireTotalsOption(option: FulfillmentOption, render: RenderText): Wire {
  const out: Wire = { type: option.type, id: option.id, title: optionTitle(option, render) };
  if (option.description) out.description = option.description;
  if (option.type === "shipping") {
    if (option.carrier) out.carrier = option.carrier;
    if (option.earliestDeliveryTime) out.earliest_delivery_time = option.earliestDeliveryTime;
    if (option.latestDeliveryTime) out.latest_delivery_time = option.latestDeliveryTime;
  }
  out.totals = wireOptionTotals(option, render);
  return out;
}

function wireSelection(session: CheckoutSession): Wire[] | null {
  const id = session.selectedFulfillmentOptionId;
  if (!id) return null;
  const option = session.fulfillmentOptions.find((candidate) => candidate.id === id);
  const type = option?.type ?? "shipping";
  return [{ type, [type]: { option_id: id, item_ids: option?.itemIds ?? [] } }];
}

const itemSchema = z.object({ id: idSchema, quantity: quantitySchema });
const buyer = buyerSchema("names_and_email");

const selectionSchema = z
  .object({
    type: z.enum(["shipping", "digital"], { error: 'must be "shipping" or "digital"' }),
    shipping: z.object({ option_id: idSchema, item_ids: z.array(z.string()).optional() }).optional(),
    digital: z.object({ option_id: idSchema, item_ids: z.array(z.string()).optional() }).optional(),
  })
  .superRefine((selection, ctx) => {
    if (!selection[selection.type]) {
      ctx.addIssue({
        code: "custom",
        path: [selection.type],
        message: `is required when type is "${selection.type}"`,
        params: { problem: "missing_field" },
      });
    }
  });

const createSchema = z.object({
  items: z.array(itemSchema).min(1, { error: "must contain at least one item" }),
  buyer: buyer.nullish(),
  fulfillment_details: fulfillmentDetailsSchema.nullish(),
});

const updateSchema = z.object({
  items: z.array(itemSchema).optional(),
  buyer: buyer.nullable().optional(),
  fulfillment_details: fulfillmentDetailsSchema.nullable().optional(),
  selected_fulfillment_options: z.array(selectionSchema).nullable().optional(),
});

const completeSchemaFor = (outcomes: readonly [string, ...string[]]) =>
  z.object({
    buyer: buyer.nullish(),
    payment_data: z.object({
      token: idSchema,
      provider: z.literal("stripe", {
        error: 'must be "stripe", the only payment provider this store accepts',
      }),
      billing_address: addressSchema.nullish(),
    }),
    authentication_result: authenticationResultSchema(outcomes).nullish(),
  });

const cancelSchema = z.object({ intent_trace: intentTraceSchema.nullish() });

const SESSION_FIELDS: MisplacedField[] = [
  { path: ["line_items"], hint: "send `items` ([{id, quantity}]); `line_items` arrived in 2026-01-30." },
  {
    path: ["fulfillment_address"],
    hint: "send `fulfillment_details.address`; `fulfillment_address` was replaced in 2025-12-12.",
  },
  {
    path: ["fulfillment_option_id"],
    hint: "send `selected_fulfillment_options`; `fulfillment_option_id` was replaced in 2025-12-12.",
  },
];

const toLines = (items: z.output<typeof itemSchema>[]) =>
  items.map((item) => ({ itemId: item.id, quantity: item.quantity }));

// The schema's refinement guarantees the object named by `type` is present.
const optionIds = (selections: z.output<typeof selectionSchema>[]) =>
  selections.map((selection) => selection[selection.type]!.option_id);

export function createGeneration2025_12Adapter(traits: Generation2025_12): AcpVersionAdapter {
  const wireOption = traits.optionTotals ? wireTotalsOption : wireFlatOption;
  // 2026-01-16 narrowed the outcome list; 2025-12-12 has the one later versions kept.
  const completeSchema = completeSchemaFor(
    traits.version === "2026-01-16" ? AUTHENTICATION_OUTCOMES_2026_01_16 : AUTHENTICATION_OUTCOMES,
  );

  function paymentProviders(out: Wire, merchantId: string | null): void {
    if (!traits.merchantScopedProviders) {
      out.payment_provider = { provider: "stripe", supported_payment_methods: [CARD] };
      return;
    }
    if (!merchantId) return;
    out.payment_provider = { provider: "stripe", merchant_id: merchantId, supported_payment_methods: [CARD] };
    // Stripe runs 3DS for the PaymentIntent, so the authentication provider is the same account.
    out.authentication_provider = {
      provider: "stripe",
      merchant_id: merchantId,
      supported_authentication_methods: ["3ds"],
    };
  }

  function serializeSession(session: CheckoutSession, context: SerializeContext): Wire {
    const render = context.render ?? renderInEnglish;
    const out: Wire = { id: session.id };
    const buyerWire = wireBuyer(session.buyer, "names_and_email");
    if (buyerWire) out.buyer = buyerWire;
    paymentProviders(out, context.paymentMerchantId ?? session.payment?.merchantId ?? null);
    out.status = STATUS[session.status];
    out.currency = session.currency;
    out.line_items = session.lines.map(wireLine);
    const details = wireFulfillmentDetails(session.fulfillmentDetails);
    if (details) out.fulfillment_details = details;
    out.fulfillment_options = session.fulfillmentOptions.map((option) => wireOption(option, render));
    const selection = wireSelection(session);
    if (selection) out.selected_fulfillment_options = selection;
    const label = fulfillmentLabel(session.fulfillmentOptions, session.selectedFulfillmentOptionId, render);
    out.totals = wireSessionTotals(session.totals, label, true, render);
    out.messages = wireMessages(session.messages, LEGACY_MESSAGES, pathOf, render);
    out.links = wireLinks(session.links, LINKS, false);
    const order = wireOrder(session, false);
    if (order) out.order = order;
    return out;
  }

  return {
    version: traits.version,
    idempotencyKeyRequired: false,
    parseCreate: (body) =>
      parseBody(createSchema, body, SESSION_FIELDS, (wire) => ({
        lines: toLines(wire.items),
        currency: null,
        buyer: wire.buyer ? toBuyer(wire.buyer) : null,
        fulfillmentDetails: wire.fulfillment_details ? toFulfillmentDetails(wire.fulfillment_details) : null,
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
        fulfillmentDetails: mapSent(wire.fulfillment_details, toFulfillmentDetails),
        selectedFulfillmentOptionIds: mapSent(wire.selected_fulfillment_options, optionIds),
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
    messagePath: (target: MessageTarget) => pathOf(target) ?? "$",
  };
}
