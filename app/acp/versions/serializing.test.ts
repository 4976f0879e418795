/**
 * Serializer mapping tables per version (status, message codes, links, message paths), payment
 * declarations and the fields each version has. The expected tables here are the documentation.
 */
import { describe, expect, it } from "vitest";
import type { CheckoutSession, CheckoutStatus, MessageCode, MessageTarget } from "../../checkout/model";
import { ACP_VERSIONS, type AcpVersion } from "../version-adapter";
import {
  ALL_MESSAGE_CODES,
  completedSession,
  digitalSession,
  MERCHANT_ID,
  notReadySession,
  readySession,
  SESSION_FIXTURES,
} from "./fixtures";
import { adapterFor, adapters } from "./index";

const context = { paymentMerchantId: MERCHANT_ID };
type Wire = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading JSON

const serialize = (
  version: AcpVersion,
  session: CheckoutSession,
  merchantId: string | null = MERCHANT_ID,
): Wire => adapters[version].serializeSession(session, { paymentMerchantId: merchantId });

const LEGACY_STATUS: Record<CheckoutStatus, string> = {
  not_ready_for_payment: "not_ready_for_payment",
  ready_for_payment: "ready_for_payment",
  authentication_required: "authentication_required",
  complete_in_progress: "in_progress",
  completed: "completed",
  canceled: "canceled",
  expired: "canceled",
};
const STATUS: Record<AcpVersion, Record<CheckoutStatus, string>> = {
  "2025-09-29": { ...LEGACY_STATUS, authentication_required: "not_ready_for_payment" },
  "2025-12-12": LEGACY_STATUS,
  "2026-01-16": LEGACY_STATUS,
  "2026-01-30": Object.fromEntries(Object.keys(LEGACY_STATUS).map((s) => [s, s])) as Record<
    CheckoutStatus,
    string
  >,
  "2026-04-17": Object.fromEntries(Object.keys(LEGACY_STATUS).map((s) => [s, s])) as Record<
    CheckoutStatus,
    string
  >,
};

/** Error code on the wire for each domain code. */
const LEGACY_ERRORS: Record<MessageCode, string> = {
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
const CURRENT_ERRORS: Record<MessageCode, string> = {
  ...(Object.fromEntries(ALL_MESSAGE_CODES.map((code) => [code, code])) as Record<MessageCode, string>),
  price_change: "invalid",
};
/** Warning code on the wire; null = sent as info (2026-01-30+). Before 2026-01-30 every warning is info. */
const CURRENT_WARNINGS: Record<MessageCode, string | null> = {
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

const isCurrent = (version: AcpVersion) => version === "2026-01-30" || version === "2026-04-17";

const TARGETS: Array<[MessageTarget, Record<"2025-09-29" | "2025-12" | "2026", string>]> = [
  [
    { kind: "line", index: 2 },
    { "2025-09-29": "$.line_items[2]", "2025-12": "$.line_items[2]", "2026": "$.line_items[2]" },
  ],
  [
    { kind: "lineQuantity", index: 0 },
    {
      "2025-09-29": "$.line_items[0].item.quantity",
      "2025-12": "$.line_items[0].item.quantity",
      "2026": "$.line_items[0].quantity",
    },
  ],
  [
    { kind: "fulfillmentAddress", field: "postalCode" },
    {
      "2025-09-29": "$.fulfillment_address.postal_code",
      "2025-12": "$.fulfillment_details.address.postal_code",
      "2026": "$.fulfillment_details.address.postal_code",
    },
  ],
  [
    { kind: "fulfillmentOption" },
    {
      "2025-09-29": "$.fulfillment_option_id",
      "2025-12": "$.selected_fulfillment_options",
      "2026": "$.selected_fulfillment_options",
    },
  ],
  // No discount codes in the session before 2026-01-30: the message has no param there.
  [
    { kind: "discountCode", index: 1 },
    { "2025-09-29": "$", "2025-12": "$", "2026": "$.discounts.codes[1]" },
  ],
  [
    { kind: "buyer", field: "firstName" },
    { "2025-09-29": "$.buyer.first_name", "2025-12": "$.buyer.first_name", "2026": "$.buyer.first_name" },
  ],
  [
    { kind: "payment" },
    { "2025-09-29": "$.payment_data", "2025-12": "$.payment_data", "2026": "$.payment_data" },
  ],
];
const generationOf = (version: AcpVersion) =>
  version === "2025-09-29" ? "2025-09-29" : isCurrent(version) ? "2026" : "2025-12";

function withMessage(
  type: "error" | "warning" | "info",
  code: MessageCode | null,
  target: MessageTarget | null = null,
) {
  return {
    ...readySession,
    messages: [
      { type, code, target, text: "x", contentType: "plain" as const, resolution: "recoverable" as const },
    ],
  };
}

function hasNullish(value: unknown, path = "$"): string | null {
  if (value === null || value === undefined) return path;
  if (typeof value !== "object") return null;
  for (const [key, child] of Object.entries(value)) {
    const found = hasNullish(child, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe.each(ACP_VERSIONS)("ACP %s serializing", (version) => {
  const adapter = adapters[version];

  it("maps every domain status to the version's closest status", () => {
    const seen: Record<string, string> = {};
    for (const status of Object.keys(LEGACY_STATUS) as CheckoutStatus[]) {
      seen[status] = serialize(version, { ...readySession, status }).status;
    }
    expect(seen).toEqual(STATUS[version]);
  });

  it("maps error codes to the version's error enum", () => {
    const expected = isCurrent(version) ? CURRENT_ERRORS : LEGACY_ERRORS;
    for (const code of ALL_MESSAGE_CODES) {
      expect(serialize(version, withMessage("error", code)).messages[0], code).toMatchObject({
        type: "error",
        code: expected[code],
      });
    }
    expect(serialize(version, withMessage("error", null)).messages[0]).toMatchObject({
      type: "error",
      code: "invalid",
    });
  });

  it("maps warnings to warning codes, or to info where the version has no fitting code", () => {
    for (const code of [...ALL_MESSAGE_CODES, null]) {
      const message = serialize(version, withMessage("warning", code)).messages[0];
      const wireCode = isCurrent(version) && code ? CURRENT_WARNINGS[code] : null;
      if (wireCode) expect(message, String(code)).toMatchObject({ type: "warning", code: wireCode });
      else expect(message, String(code)).toMatchObject({ type: "info", content_type: "plain", content: "x" });
      if (!wireCode) expect(message, String(code)).not.toHaveProperty("code");
    }
  });

  it("sends info messages without a code, and resolution only in 2026-04-17", () => {
    const message = serialize(version, withMessage("info", "low_stock", { kind: "line", index: 0 }))
      .messages[0];
    const expected: Wire = { type: "info", param: "$.line_items[0]", content_type: "plain", content: "x" };
    if (version === "2026-04-17") expected.resolution = "recoverable";
    expect(message).toEqual(expected);
  });

  it.each(TARGETS)("points messages about %j at the version's JSONPath", (target, paths) => {
    const path = paths[generationOf(version)];
    expect(adapter.messagePath(target)).toBe(path);
    const message = serialize(version, withMessage("error", "invalid", target)).messages[0];
    if (path === "$") expect(message).not.toHaveProperty("param");
    else expect(message.param).toBe(path);
  });

  it("maps policy links to the version's link types", () => {
    const links = serialize(version, readySession).links.map((link: Wire) => link.type);
    const expected = {
      "2025-09-29": ["terms_of_use", "privacy_policy", "seller_shop_policies", "seller_shop_policies"],
      "2025-12-12": ["terms_of_use", "privacy_policy", "return_policy"],
      "2026-01-16": ["terms_of_use", "privacy_policy", "return_policy"],
      "2026-01-30": ["terms_of_use", "privacy_policy", "return_policy", "shipping_policy"],
      "2026-04-17": ["terms_of_use", "privacy_policy", "return_policy", "shipping_policy"],
    }[version];
    expect(links).toEqual(expected);
    expect(serialize(version, readySession).links[0].title).toBe(isCurrent(version) ? "Terms" : undefined);
  });

  it.each(Object.entries(SESSION_FIXTURES))("never sends null or undefined (%s)", (_name, session) => {
    expect(hasNullish(serialize(version, session))).toBeNull();
    expect(hasNullish(serialize(version, session, null))).toBeNull();
  });

  it("reads the session without changing it", () => {
    const frozen = deepFreeze(structuredClone(completedSession));
    expect(() => adapter.serializeSession(frozen, context)).not.toThrow();
  });

  it("includes the order only once there is one, with order_number from 2026-01-30", () => {
    expect(serialize(version, readySession)).not.toHaveProperty("order");
    const order: Wire = {
      id: "gid://shopify/Order/9001",
      checkout_session_id: "cs_completed",
      permalink_url: "https://example-shop.myshopify.com/account/orders/9001",
    };
    if (isCurrent(version)) order.order_number = "#1001";
    expect(serialize(version, completedSession).order).toEqual(order);
  });

  it("shows the selected fulfillment option in the version's shape", () => {
    const wire = serialize(version, readySession);
    const id = readySession.selectedFulfillmentOptionId;
    const itemIds = ["item_jacket_blue_m", "item_socks"];
    if (version === "2025-09-29") expect(wire.fulfillment_option_id).toBe(id);
    else if (isCurrent(version)) {
      expect(wire.selected_fulfillment_options).toEqual([
        { type: "shipping", option_id: id, item_ids: itemIds },
      ]);
    } else {
      expect(wire.selected_fulfillment_options).toEqual([
        { type: "shipping", shipping: { option_id: id, item_ids: itemIds } },
      ]);
    }
    expect(serialize(version, notReadySession)).not.toHaveProperty(
      version === "2025-09-29" ? "fulfillment_option_id" : "selected_fulfillment_options",
    );
  });

  it("leaves fulfillment and tax out of totals until they are known", () => {
    const types = serialize(version, notReadySession).totals.map((total: Wire) => total.type);
    expect(types).toEqual(["items_base_amount", "subtotal", "total"]);
    const ready = serialize(version, readySession).totals.map((total: Wire) => [
      total.type,
      total.display_text,
    ]);
    expect(ready).toEqual([
      ["items_base_amount", "Items"],
      ["items_discount", "Item discounts"],
      ["subtotal", "Subtotal"],
      ["discount", "Order discount"],
      ["fulfillment", "Shipping"],
      ["tax", "Tax"],
      ["fee", "Service fee"],
      ["total", "Total"],
    ]);
    const fee = serialize(version, readySession).totals.find((total: Wire) => total.type === "fee");
    expect(fee.description).toBe(version === "2025-09-29" ? undefined : "Covers payment processing");
  });

  it("keeps a stateless address valid and drops a buyer the version cannot express", () => {
    const wire = serialize(version, digitalSession);
    const address = version === "2025-09-29" ? wire.fulfillment_address : wire.fulfillment_details.address;
    expect(address).toMatchObject({ country: "SG", state: "" });
    expect(wire.totals.find((total: Wire) => total.type === "fulfillment").display_text).toBe(
      "Digital delivery",
    );
    // Names are required in Buyer up to 2026-01-16; email alone is enough after.
    expect(wire.buyer).toEqual(isCurrent(version) ? { email: "lin@example.com" } : undefined);
  });

  it("requires idempotency keys only from 2026-04-17", () => {
    expect(adapter.idempotencyKeyRequired).toBe(version === "2026-04-17");
    expect(adapter.version).toBe(version);
    expect(adapterFor(version)).toBe(adapter);
  });
});

describe("payment declarations", () => {
  it("2025-09-29 and 2025-12-12 declare Stripe cards without a merchant id", () => {
    expect(serialize("2025-09-29", readySession, null).payment_provider).toEqual({
      provider: "stripe",
      supported_payment_methods: ["card"],
    });
    expect(serialize("2025-12-12", readySession, null).payment_provider).toEqual({
      provider: "stripe",
      supported_payment_methods: [
        { type: "card", supported_card_networks: ["amex", "discover", "mastercard", "visa"] },
      ],
    });
  });

  it("2026-01-16 names the merchant on payment and authentication providers, or declares neither", () => {
    const wire = serialize("2026-01-16", readySession, "acct_context");
    expect(wire.payment_provider.merchant_id).toBe("acct_context");
    expect(wire.authentication_provider).toEqual({
      provider: "stripe",
      merchant_id: "acct_context",
      supported_authentication_methods: ["3ds"],
    });
    // Falls back to the session's own payment setup.
    expect(serialize("2026-01-16", readySession, null).payment_provider.merchant_id).toBe(MERCHANT_ID);
    const none = serialize("2026-01-16", { ...readySession, payment: null }, null);
    expect(none).not.toHaveProperty("payment_provider");
    expect(none).not.toHaveProperty("authentication_provider");
  });

  it.each(["2026-01-30", "2026-04-17"] as const)(
    "%s declares a Stripe SPT handler for the context's merchant",
    (version) => {
      const wire = serialize(version, readySession, "acct_context");
      expect(wire).not.toHaveProperty("payment_provider");
      expect(wire.protocol).toEqual({ version });
      const [handler, ...others] = wire.capabilities.payment.handlers;
      expect(others).toEqual([]);
      expect(handler).toMatchObject({
        id: "card_tokenized",
        name: "dev.acp.tokenized.card",
        psp: "stripe",
        requires_delegate_payment: true,
        config: { merchant_id: "acct_context", psp: "stripe" },
      });
      expect(handler.display_name).toBe(version === "2026-04-17" ? "Card" : undefined);
      expect(serialize(version, { ...readySession, payment: null }, null).capabilities.payment).toEqual({
        handlers: [],
      });
    },
  );

  it.each(["2026-01-30", "2026-04-17"] as const)(
    "%s returns only known interventions of the negotiated set",
    (version) => {
      const wire = serialize(version, {
        ...readySession,
        interventions: ["3ds", "address_verification", "retina_scan"],
      });
      expect(wire.capabilities.interventions).toEqual({
        supported: ["3ds", "address_verification"],
        required: [],
        enforcement: "conditional",
      });
      expect(wire.capabilities.extensions).toEqual([
        expect.objectContaining({
          name: "discount",
          extends: expect.arrayContaining(["$.CheckoutSession.discounts"]),
        }),
      ]);
    },
  );
});

describe("2026 session-only fields", () => {
  it.each(ACP_VERSIONS)("%s: timestamps, locale, metadata and discounts only from 2026-01-30", (version) => {
    const wire = serialize(version, readySession);
    for (const field of [
      "created_at",
      "updated_at",
      "expires_at",
      "locale",
      "metadata",
      "discounts",
      "protocol",
      "capabilities",
    ]) {
      expect(Object.hasOwn(wire, field), field).toBe(isCurrent(version));
    }
  });

  it("spells out applied and rejected discounts", () => {
    expect(serialize("2026-04-17", readySession).discounts).toEqual({
      codes: ["SPRING10", "EXPIRED5"],
      applied: [
        {
          id: "SPRING10",
          code: "SPRING10",
          coupon: { id: "SPRING10", name: "10% off jackets" },
          amount: 500,
          automatic: false,
        },
        {
          id: "automatic_2",
          coupon: { id: "automatic_2", name: "Loyalty discount" },
          amount: 300,
          automatic: true,
        },
      ],
      rejected: [
        { code: "EXPIRED5", reason: "discount_code_expired", message: 'Code "EXPIRED5" has expired.' },
      ],
    });
  });
});

describe("adapterFor", () => {
  it("returns null for a version this server does not speak", () => {
    expect(adapterFor("2026-01-22")).toBeNull();
    expect(adapterFor("")).toBeNull();
    expect(adapterFor("2026-04-17")).toBe(adapters["2026-04-17"]);
  });
});
