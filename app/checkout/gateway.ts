import type { Address, PolicyLink } from "./model";

/**
 * What checkout needs from the store. The store prices everything (Shopify's draft-order
 * calculator: shipping rates, taxes, discounts); checkout only arranges the answer.
 */
export interface StoreGateway {
  shopInfo(shop: string): Promise<ShopInfo>;
  lookupVariants(shop: string, variantIds: string[]): Promise<Map<string, VariantFacts>>;
  quote(shop: string, request: QuoteRequest): Promise<Quote>;
}

export interface ShopInfo {
  name: string;
  /** Lower-case ISO 4217. */
  currency: string;
  /** Lower-case currencies buyers may pay in. */
  presentmentCurrencies: string[];
  shipsToCountries: string[];
  links: PolicyLink[];
}

export interface VariantFacts {
  variantId: string;
  /** The product is active and published: agents may buy it. */
  purchasable: boolean;
  name: string;
  description: string | null;
  imageUrls: string[];
  productUrl: string | null;
  sku: string | null;
  options: { name: string; value: string }[];
  /** Units the buyer may order, null when not limited (untracked or continue-selling). */
  availableQuantity: number | null;
  requiresShipping: boolean;
}

export interface QuoteRequest {
  currency: string;
  lines: { variantId: string; quantity: number }[];
  address: Address | null;
  email: string | null;
  shippingRateHandle: string | null;
  discountCodes: string[];
}

export interface QuotedLine {
  variantId: string;
  quantity: number;
  unitAmount: number;
  baseAmount: number;
  discountAmount: number;
  tax: number;
}

export interface QuotedShippingRate {
  handle: string;
  title: string;
  amount: number;
}

export interface Quote {
  currency: string;
  lines: QuotedLine[];
  shippingRates: QuotedShippingRate[];
  /** The selected rate as Shopify priced it (after shipping discounts), with its tax. */
  shipping: { handle: string; title: string; amount: number; tax: number } | null;
  /** Discount not allocated to lines (order-level). */
  orderDiscount: number;
  appliedDiscounts: { code: string | null; title: string; amount: number; automatic: boolean }[];
  rejectedCodes: string[];
  /** Null when Shopify cannot compute tax yet (no address). */
  tax: number | null;
  total: number;
  taxesIncluded: boolean;
}

/** Shopify could not be reached or kept failing; the request may be retried. */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 2,
  ) {
    super(message);
  }
}
