/**
 * The protocol-independent checkout domain. Money is integer minor units of `currency`; names
 * are camelCase. Nothing here knows ACP wire names or versions: app/acp/versions/* translate.
 */
import type { Text } from "../i18n/catalog";

export const CHECKOUT_STATUSES = [
  "not_ready_for_payment",
  "ready_for_payment",
  "authentication_required",
  "complete_in_progress",
  "completed",
  "canceled",
  "expired",
] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export interface Address {
  name: string;
  lineOne: string;
  lineTwo?: string | null;
  city: string;
  /** ISO 3166-2 subdivision code without country prefix (e.g. "CA"), when the country has them. */
  state?: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  postalCode: string;
}

export interface Buyer {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phoneNumber?: string | null;
}

export interface FulfillmentDetails {
  name?: string | null;
  phoneNumber?: string | null;
  email?: string | null;
  address?: Address | null;
}

export interface SessionLine {
  /** Our line id (`li_…`), stable across updates for the same item. */
  id: string;
  /** The item id the agent sent (the feed item id). */
  itemId: string;
  /** The Shopify variant GID the item id resolved to; null when unknown. */
  variantId: string | null;
  quantity: number;
  name: string | null;
  description: string | null;
  imageUrls: string[];
  productUrl: string | null;
  sku: string | null;
  variantOptions: { name: string; value: string }[];
  unitAmount: number;
  /** unitAmount × quantity. */
  baseAmount: number;
  discountAmount: number;
  /** baseAmount − discountAmount. */
  subtotal: number;
  tax: number;
  /** subtotal + tax. */
  total: number;
  availableQuantity: number | null;
  /** The variant is physical (absent in sessions stored before this was recorded). */
  requiresShipping?: boolean;
}

export interface FulfillmentOption {
  /** Shopify's shipping rate handle, or "digital" for orders with nothing to ship. */
  id: string;
  type: "shipping" | "digital";
  /** Shopify's rate title; for "digital" the serializers show the catalog's label instead. */
  title: string;
  description: string | null;
  carrier: string | null;
  earliestDeliveryTime: string | null;
  latestDeliveryTime: string | null;
  subtotal: number;
  tax: number;
  total: number;
  /** Item ids this option fulfils. */
  itemIds: string[];
}

export interface FeeLine {
  label: string;
  amount: number;
  description: string | null;
}

export interface Totals {
  itemsBaseAmount: number;
  itemsDiscount: number;
  /** itemsBaseAmount − itemsDiscount. */
  subtotal: number;
  /** Order-level discount not allocated to lines (Shopify allocates, so usually 0). */
  discount: number;
  /** Null until a fulfillment option is selected. */
  fulfillment: number | null;
  /** Null until Shopify can compute tax (needs an address). */
  tax: number | null;
  fees: FeeLine[];
  /** subtotal − discount + fulfillment + tax + fees. */
  total: number;
  /** The shop's prices include tax (amounts above are then reported net of it). */
  taxesIncluded?: boolean;
}

/** Where a message points; each API version turns it into its own JSONPath. */
export type MessageTarget =
  | { kind: "line"; index: number }
  | { kind: "lineQuantity"; index: number }
  | { kind: "fulfillmentAddress"; field?: keyof Address }
  | { kind: "fulfillmentOption" }
  | { kind: "discountCode"; index: number }
  | { kind: "buyer"; field?: keyof Buyer }
  | { kind: "payment" };

export type MessageCode =
  | "missing"
  | "invalid"
  | "out_of_stock"
  | "payment_declined"
  | "requires_sign_in"
  | "requires_3ds"
  | "low_stock"
  | "quantity_exceeded"
  | "coupon_invalid"
  | "coupon_expired"
  | "minimum_not_met"
  | "maximum_exceeded"
  | "region_restricted"
  | "not_found"
  | "expired"
  | "unsupported"
  | "price_change";

export interface CheckoutMessage {
  type: "info" | "warning" | "error";
  code: MessageCode | null;
  target: MessageTarget | null;
  /**
   * Catalog key + parameters, rendered in the language of each response (ADR 015); plain text, or
   * CommonMark without raw HTML when contentType is markdown.
   */
  text: Text;
  contentType: "plain" | "markdown";
  resolution: "recoverable" | "requires_buyer_input" | "requires_buyer_review" | null;
}

export interface PolicyLink {
  type: "terms_of_use" | "privacy_policy" | "return_policy" | "shipping_policy";
  url: string;
  title: string | null;
}

export interface DiscountState {
  /** Codes the agent asked for, in order. */
  codes: string[];
  applied: { code: string | null; title: string; amount: number; automatic: boolean }[];
  rejected: { code: string; reason: "invalid" | "expired" | "minimum_not_met" | "not_combinable" }[];
}

/** How the buyer pays: the merchant's Stripe account that receives Shared Payment Tokens. */
export interface PaymentSetup {
  provider: "stripe";
  /** The merchant's Stripe account id (acct_…), the SPT allowance's merchant_id. */
  merchantId: string;
  handlerId: string;
}

export interface OrderReference {
  id: string;
  checkoutSessionId: string;
  permalinkUrl: string;
  orderNumber: string | null;
}

/**
 * The card issuer asked for 3-D Secure: what the agent's 3DS provider needs to authenticate the
 * buyer against the acquirer that holds the authorization (ACP `authentication_metadata`).
 */
export interface AuthenticationChallenge {
  directoryServer: "visa" | "mastercard" | "american_express";
  acquirerBin: string;
  /** ISO 3166-1 alpha-2. */
  acquirerCountry: string;
  acquirerMerchantId: string;
  merchantName: string;
}

export interface IntentTrace {
  reasonCode: string;
  traceSummary: string | null;
  metadata: Record<string, string | number | boolean> | null;
}

export interface CheckoutSession {
  id: string;
  shop: string;
  agentId: string;
  status: CheckoutStatus;
  /** ISO 4217, lower case as the checkout spec recommends. */
  currency: string;
  /** The buyer's locale sent on create (2026-01-30+), a fallback of the response language. */
  locale: string | null;
  lines: SessionLine[];
  buyer: Buyer | null;
  fulfillmentDetails: FulfillmentDetails | null;
  fulfillmentOptions: FulfillmentOption[];
  selectedFulfillmentOptionId: string | null;
  discounts: DiscountState;
  totals: Totals;
  messages: CheckoutMessage[];
  links: PolicyLink[];
  payment: PaymentSetup | null;
  /** Interventions both sides support (2026-01-30+ capability negotiation). */
  interventions: string[];
  metadata: Record<string, string> | null;
  order: OrderReference | null;
  /** Set while the status is authentication_required. */
  authentication?: AuthenticationChallenge | null;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

/** A line as the agent asks for it. */
export interface RequestedLine {
  itemId: string;
  quantity: number;
}

/** Create: what every version's request boils down to. */
export interface CreateCommand {
  lines: RequestedLine[];
  currency: string | null;
  buyer: Buyer | null;
  fulfillmentDetails: FulfillmentDetails | null;
  selectedFulfillmentOptionIds: string[] | null;
  discountCodes: string[] | null;
  /** Interventions the agent supports (capabilities.interventions.supported); null = not sent. */
  agentInterventions: string[] | null;
  locale: string | null;
  metadata: Record<string, string> | null;
}

/** Update: `undefined` = leave unchanged, `null` = clear (ACP §6.2). */
export interface UpdateCommand {
  lines?: RequestedLine[];
  buyer?: Buyer | null;
  fulfillmentDetails?: FulfillmentDetails | null;
  selectedFulfillmentOptionIds?: string[] | null;
  discountCodes?: string[] | null;
}

export interface CompleteCommand {
  payment: {
    /** The Shared Payment Token (spt_…) or other delegated credential. */
    token: string;
    /** 2026-01-30+: the handler id the agent chose; older versions: the provider name. */
    handlerId: string | null;
    provider: string | null;
    billingAddress: Address | null;
  };
  buyer: Buyer | null;
  /** The 3DS outcome the agent sends after `authentication_required` (ACP AuthenticationResult). */
  authenticationResult: AuthenticationResult | null;
  /** Whether the agent's API version can send an authentication result at all (2025-12-12+). */
  canAuthenticate: boolean;
}

export interface AuthenticationResult {
  outcome: string;
  outcomeDetails: {
    threeDsCryptogram: string;
    electronicCommerceIndicator: string;
    transactionId: string;
    version: string;
  } | null;
}

export interface CancelCommand {
  intentTrace: IntentTrace | null;
}

/**
 * Sessions and carts stored before texts were keyed hold rendered English `content`: read it as a
 * literal text so they still serialize.
 */
export function withStoredTexts(messages: readonly CheckoutMessage[]): CheckoutMessage[] {
  return messages.map((message) => {
    if (message.text !== undefined) return message;
    const { content, ...rest } = message as CheckoutMessage & { content?: string };
    return { ...rest, text: content ?? "" };
  });
}
