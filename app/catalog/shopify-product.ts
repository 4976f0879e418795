/**
 * The catalog mapper's input: a Shopify product as the sync produces it from a bulk-export JSONL line
 * (children joined on `__parentId`) or a targeted GraphQL re-read, already normalized so the mapper
 * never sees connections, edges or `MoneyBag`s. Field names follow the Admin API 2026-04 where one exists.
 */

/** `ProductStatus` in the Admin API. */
export type ProductStatus = "ACTIVE" | "DRAFT" | "ARCHIVED";

/** `ProductVariantInventoryPolicy`: DENY stops selling at zero, CONTINUE keeps selling (backorders). */
export type InventoryPolicy = "DENY" | "CONTINUE";

/** `WeightUnit` in the Admin API. */
export type ShopifyWeightUnit = "GRAMS" | "KILOGRAMS" | "OUNCES" | "POUNDS";

export interface ShopifyImage {
  url: string;
  altText: string | null;
}

export interface ShopifyMetafield {
  namespace: string;
  key: string;
  /** Raw metafield value; list types hold a JSON array string. */
  value: string;
  /** Metafield type name, e.g. `single_line_text_field`, `list.single_line_text_field`, `number_integer`. */
  type: string;
}

export interface ShopifyCollectionRef {
  id: string;
  handle: string;
  title: string;
}

/**
 * A variant's price in one market (from `contextualPricing(context: { country })`), in that market's
 * currency. The sync asks once per market and lists the countries that returned the same price.
 */
export interface ShopifyContextualPrice {
  currency: string;
  /** Decimal string in `currency`, e.g. "24.00". */
  price: string;
  compareAtPrice: string | null;
  countries: string[];
}

export interface ShopifyVariant {
  /** `gid://shopify/ProductVariant/<n>` */
  id: string;
  /** "Default Title" when the product has no options. */
  title: string;
  sku: string | null;
  barcode: string | null;
  /** Decimal string in the shop currency, e.g. "19.99". */
  price: string;
  compareAtPrice: string | null;
  inventoryPolicy: InventoryPolicy;
  /** `inventoryItem.tracked`. */
  inventoryTracked: boolean;
  /** Sum of `available` over locations (the variant's `inventoryQuantity`). */
  inventoryQuantity: number;
  /** `inventoryItem.requiresShipping`: false for digital goods and services. */
  requiresShipping: boolean;
  /** `inventoryItem.measurement.weight`. */
  weight: { value: number; unit: ShopifyWeightUnit } | null;
  selectedOptions: { name: string; value: string }[];
  image: ShopifyImage | null;
  /** Prices per market; absent when the shop sells in one currency only. */
  contextualPrices?: ShopifyContextualPrice[];
}

export interface ShopifyProduct {
  /** `gid://shopify/Product/<n>` */
  id: string;
  handle: string;
  title: string;
  descriptionHtml: string;
  vendor: string;
  productType: string;
  status: ProductStatus;
  tags: string[];
  /** Null when the product is not published to the Online Store (or the shop is password-protected). */
  onlineStoreUrl: string | null;
  publishedOnOnlineStore: boolean;
  isGiftCard: boolean;
  /** ISO 8601. */
  updatedAt: string;
  /** Shopify Standard Product Taxonomy category, e.g. "Apparel & Accessories > Clothing > Shirts & Tops". */
  category: { fullName: string } | null;
  options: { name: string; values: string[] }[];
  /** Product media that are images, in merchant order (the first is the featured image). */
  images: ShopifyImage[];
  metafields: ShopifyMetafield[];
  collections: ShopifyCollectionRef[];
  variants: ShopifyVariant[];
}

/** A Shopify Market as far as feeds care: one currency, a set of countries. */
export interface ShopMarket {
  handle: string;
  /** ISO 4217, upper case. */
  currency: string;
  /** ISO 3166-1 alpha-2, upper case; the first one is the market's main country. */
  countries: string[];
}

/**
 * Shop-wide facts every feed item repeats (seller, policies, markets). Build one per sync and don't mutate
 * it: the mapper derives the seller once per object and shares it across items.
 */
export interface ShopContext {
  name: string;
  /** `shop.primaryDomain.url`, e.g. "https://example.com" (no trailing slash needed). */
  primaryDomainUrl: string;
  /** Shop currency (`shop.currencyCode`): the currency of `ShopifyVariant.price`. */
  currency: string;
  /** Country the store operates from (`shop.billingAddress.countryCodeV2`): OpenAI's `store_country`. */
  country: string;
  /** `shop.shopPolicies` URLs by type; null when the merchant has not written that policy. */
  policies: {
    refund: string | null;
    privacy: string | null;
    terms: string | null;
    shipping: string | null;
  };
  /** Days a buyer has to return an item; 0 = final sale; null = not stated. */
  returnWindowDays: number | null;
  /** Markets to publish; empty means one market: the shop currency in the store country. */
  markets: ShopMarket[];
}
