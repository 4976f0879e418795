/**
 * Domain checkout sessions for adapter tests: every status the wire must show, shipping + tax +
 * fee + both discount kinds, an order, and messages of every type, code and target. Amounts are
 * consistent (the rules in app/checkout/model.ts hold), so contract tests can check arithmetic.
 */
import type {
  CheckoutMessage,
  CheckoutSession,
  FulfillmentOption,
  MessageCode,
  MessageTarget,
  SessionLine,
} from "../../checkout/model";

const CREATED_AT = "2026-05-04T10:00:00.000Z";
const UPDATED_AT = "2026-05-04T10:05:00.000Z";
const EXPIRES_AT = "2026-05-05T10:00:00.000Z";

export const MERCHANT_ID = "acct_1TestMerchant";

const JACKET: SessionLine = {
  id: "li_jacket",
  itemId: "item_jacket_blue_m",
  variantId: "gid://shopify/ProductVariant/4001",
  quantity: 2,
  name: "Denim Jacket",
  description: "Blue denim jacket with brass buttons",
  imageUrls: ["https://cdn.example.com/jacket.jpg"],
  productUrl: "https://example-shop.myshopify.com/products/denim-jacket",
  sku: "JKT-BLU-M",
  variantOptions: [
    { name: "Size", value: "M" },
    { name: "Color", value: "Blue" },
  ],
  unitAmount: 2500,
  baseAmount: 5000,
  discountAmount: 500,
  subtotal: 4500,
  tax: 360,
  total: 4860,
  availableQuantity: 12,
};

const SOCKS: SessionLine = {
  id: "li_socks",
  itemId: "item_socks",
  variantId: "gid://shopify/ProductVariant/4002",
  quantity: 1,
  name: "Wool Socks",
  description: null,
  imageUrls: [],
  productUrl: null,
  sku: null,
  variantOptions: [],
  unitAmount: 1200,
  baseAmount: 1200,
  discountAmount: 0,
  subtotal: 1200,
  tax: 96,
  total: 1296,
  availableQuantity: null,
};

const STANDARD: FulfillmentOption = {
  id: "shopify-Standard-7.99",
  type: "shipping",
  title: "Standard",
  description: "Arrives in 4-5 business days",
  carrier: "USPS",
  earliestDeliveryTime: "2026-05-08T00:00:00.000Z",
  latestDeliveryTime: "2026-05-09T00:00:00.000Z",
  subtotal: 799,
  tax: 0,
  total: 799,
  itemIds: ["item_jacket_blue_m", "item_socks"],
};

const EXPRESS: FulfillmentOption = {
  id: "shopify-Express-19.99",
  type: "shipping",
  title: "Express",
  description: null,
  carrier: null,
  earliestDeliveryTime: null,
  latestDeliveryTime: null,
  subtotal: 1999,
  tax: 160,
  total: 2159,
  itemIds: ["item_jacket_blue_m", "item_socks"],
};

const ADDRESS = {
  name: "Ada Lovelace",
  lineOne: "1 Market St",
  lineTwo: "Suite 400",
  city: "San Francisco",
  state: "CA",
  country: "US",
  postalCode: "94105",
};

/** Not ready: items priced, no address yet, so no shipping options and no tax. */
export const notReadySession: CheckoutSession = {
  id: "cs_not_ready",
  shop: "example-shop.myshopify.com",
  agentId: "agent_openai",
  status: "not_ready_for_payment",
  currency: "usd",
  locale: null,
  lines: [{ ...SOCKS, tax: 0, total: 1200 }],
  buyer: null,
  fulfillmentDetails: null,
  fulfillmentOptions: [],
  selectedFulfillmentOptionId: null,
  discounts: { codes: [], applied: [], rejected: [] },
  totals: {
    itemsBaseAmount: 1200,
    itemsDiscount: 0,
    subtotal: 1200,
    discount: 0,
    fulfillment: null,
    tax: null,
    fees: [],
    total: 1200,
  },
  messages: [
    {
      type: "error",
      code: "missing",
      target: { kind: "fulfillmentAddress" },
      text: "Add a shipping address to see delivery options and tax.",
      contentType: "plain",
      resolution: "requires_buyer_input",
    },
  ],
  links: [
    {
      type: "terms_of_use",
      url: "https://example-shop.myshopify.com/policies/terms-of-service",
      title: null,
    },
    {
      type: "privacy_policy",
      url: "https://example-shop.myshopify.com/policies/privacy-policy",
      title: null,
    },
  ],
  payment: null,
  interventions: [],
  metadata: null,
  order: null,
  expiresAt: EXPIRES_AT,
  createdAt: CREATED_AT,
  updatedAt: CREATED_AT,
};

/**
 * Ready: two lines (one with a line discount), standard shipping selected, tax, a service fee,
 * an order-level automatic discount and a rejected code.
 * 6200 base − 500 line discount = 5700; 5700 − 300 + 799 + 456 + 150 = 6805.
 */
export const readySession: CheckoutSession = {
  id: "cs_ready",
  shop: "example-shop.myshopify.com",
  agentId: "agent_openai",
  status: "ready_for_payment",
  currency: "usd",
  locale: "en-US",
  lines: [JACKET, SOCKS],
  buyer: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phoneNumber: "+14155550100" },
  fulfillmentDetails: {
    name: "Ada Lovelace",
    phoneNumber: "+14155550100",
    email: "ada@example.com",
    address: ADDRESS,
  },
  fulfillmentOptions: [STANDARD, EXPRESS],
  selectedFulfillmentOptionId: STANDARD.id,
  discounts: {
    codes: ["SPRING10", "EXPIRED5"],
    applied: [
      { code: "SPRING10", title: "10% off jackets", amount: 500, automatic: false },
      { code: null, title: "Loyalty discount", amount: 300, automatic: true },
    ],
    rejected: [{ code: "EXPIRED5", reason: "expired" }],
  },
  totals: {
    itemsBaseAmount: 6200,
    itemsDiscount: 500,
    subtotal: 5700,
    discount: 300,
    fulfillment: 799,
    tax: 456,
    fees: [{ label: "Service fee", amount: 150, description: "Covers payment processing" }],
    total: 6805,
  },
  messages: [
    {
      type: "warning",
      code: "coupon_expired",
      target: { kind: "discountCode", index: 1 },
      text: "Code EXPIRED5 has expired.",
      contentType: "plain",
      resolution: "recoverable",
    },
  ],
  links: [
    {
      type: "terms_of_use",
      url: "https://example-shop.myshopify.com/policies/terms-of-service",
      title: "Terms",
    },
    {
      type: "privacy_policy",
      url: "https://example-shop.myshopify.com/policies/privacy-policy",
      title: "Privacy",
    },
    {
      type: "return_policy",
      url: "https://example-shop.myshopify.com/policies/refund-policy",
      title: "Returns",
    },
    {
      type: "shipping_policy",
      url: "https://example-shop.myshopify.com/policies/shipping-policy",
      title: null,
    },
  ],
  payment: { provider: "stripe", merchantId: MERCHANT_ID, handlerId: "card_tokenized" },
  interventions: ["3ds"],
  metadata: { campaign: "spring" },
  order: null,
  expiresAt: EXPIRES_AT,
  createdAt: CREATED_AT,
  updatedAt: UPDATED_AT,
};

export const completedSession: CheckoutSession = {
  ...readySession,
  id: "cs_completed",
  status: "completed",
  messages: [],
  order: {
    id: "gid://shopify/Order/9001",
    checkoutSessionId: "cs_completed",
    permalinkUrl: "https://example-shop.myshopify.com/account/orders/9001",
    orderNumber: "#1001",
  },
};

export const canceledSession: CheckoutSession = {
  ...readySession,
  id: "cs_canceled",
  status: "canceled",
  messages: [],
};

/** A digital-only order to a country without subdivisions: no address state, digital fulfillment. */
export const digitalSession: CheckoutSession = {
  ...notReadySession,
  id: "cs_digital",
  status: "ready_for_payment",
  buyer: { firstName: null, lastName: null, email: "lin@example.com", phoneNumber: null },
  fulfillmentDetails: {
    name: "Lin Tan",
    phoneNumber: null,
    email: "lin@example.com",
    address: {
      name: "Lin Tan",
      lineOne: "8 Marina Blvd",
      city: "Singapore",
      state: null,
      country: "SG",
      postalCode: "018981",
    },
  },
  fulfillmentOptions: [
    {
      id: "digital",
      type: "digital",
      title: "Email delivery",
      description: null,
      carrier: null,
      earliestDeliveryTime: null,
      latestDeliveryTime: null,
      subtotal: 0,
      tax: 0,
      total: 0,
      itemIds: ["item_socks"],
    },
  ],
  selectedFulfillmentOptionId: "digital",
  lines: [{ ...SOCKS, tax: 108, total: 1308 }],
  totals: { ...notReadySession.totals, fulfillment: 0, tax: 108, total: 1308 },
  messages: [],
};

const CODES: Record<MessageCode, true> = {
  missing: true,
  invalid: true,
  out_of_stock: true,
  payment_declined: true,
  requires_sign_in: true,
  requires_3ds: true,
  low_stock: true,
  quantity_exceeded: true,
  coupon_invalid: true,
  coupon_expired: true,
  minimum_not_met: true,
  maximum_exceeded: true,
  region_restricted: true,
  not_found: true,
  expired: true,
  unsupported: true,
  price_change: true,
};
/** Every domain message code (a Record so the compiler notices a new one). */
export const ALL_MESSAGE_CODES = Object.keys(CODES) as MessageCode[];

export const ALL_TARGETS: MessageTarget[] = [
  { kind: "line", index: 0 },
  { kind: "lineQuantity", index: 1 },
  { kind: "fulfillmentAddress" },
  { kind: "fulfillmentAddress", field: "postalCode" },
  { kind: "fulfillmentOption" },
  { kind: "discountCode", index: 0 },
  { kind: "buyer" },
  { kind: "buyer", field: "phoneNumber" },
  { kind: "payment" },
];

function everyMessage(): CheckoutMessage[] {
  const messages: CheckoutMessage[] = [];
  for (const type of ["error", "warning", "info"] as const) {
    for (const code of [...ALL_MESSAGE_CODES, null]) {
      messages.push({
        type,
        code,
        target: ALL_TARGETS[messages.length % ALL_TARGETS.length],
        text: `**${type}** about ${code ?? "nothing in particular"}`,
        contentType: messages.length % 2 === 0 ? "plain" : "markdown",
        resolution: messages.length % 3 === 0 ? null : "requires_buyer_review",
      });
    }
  }
  return messages;
}

/** Ready session carrying an error, a warning and an info message for every code and target. */
export const messagesSession: CheckoutSession = {
  ...readySession,
  id: "cs_messages",
  status: "not_ready_for_payment",
  messages: everyMessage(),
};

export const SESSION_FIXTURES: Readonly<Record<string, CheckoutSession>> = {
  notReady: notReadySession,
  ready: readySession,
  completed: completedSession,
  canceled: canceledSession,
  digital: digitalSession,
  messages: messagesSession,
};
