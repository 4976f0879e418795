/**
 * The sandbox store's in-memory state: one `ShopState` per shop domain. Plain data in Shopify's
 * own vocabulary (GIDs, decimal-string money as the Admin API returns it), so resolvers can build
 * GraphQL objects from it directly. This file is the contract between the catalog resolvers,
 * the commerce resolvers, the fixtures and the control endpoint.
 */

export type Gid = string;
/** Decimal string in the currency's major unit, as the Admin API returns `Decimal`/`Money.amount`. */
export type Decimal = string;

export interface MoneyV2 {
  amount: Decimal;
  currencyCode: string;
}

export interface Location {
  id: Gid;
  name: string;
  isActive: boolean;
  countryCode: string;
}

export interface InventoryLevel {
  locationId: Gid;
  available: number;
  updatedAt: string;
}

export interface InventoryItem {
  id: Gid;
  sku: string | null;
  tracked: boolean;
  requiresShipping: boolean;
  weight: { value: number; unit: "GRAMS" | "KILOGRAMS" | "OUNCES" | "POUNDS" } | null;
  levels: InventoryLevel[];
}

export interface ProductImage {
  id: Gid;
  url: string;
  altText: string | null;
  width: number;
  height: number;
}

export interface Variant {
  id: Gid;
  productId: Gid;
  title: string;
  sku: string | null;
  barcode: string | null;
  price: Decimal;
  compareAtPrice: Decimal | null;
  inventoryPolicy: "DENY" | "CONTINUE";
  taxable: boolean;
  selectedOptions: { name: string; value: string }[];
  imageId: Gid | null;
  inventoryItem: InventoryItem;
  /** Fixed prices per market currency (Markets price lists); absent → converted from shop currency. */
  contextualPrices: { currencyCode: string; price: Decimal; compareAtPrice: Decimal | null }[];
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface Metafield {
  id: Gid;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface Product {
  id: Gid;
  handle: string;
  title: string;
  descriptionHtml: string;
  vendor: string;
  productType: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  tags: string[];
  isGiftCard: boolean;
  /** Published to the Online Store sales channel (drives `onlineStoreUrl`). */
  publishedOnlineStore: boolean;
  category: { id: Gid; fullName: string } | null;
  options: { id: Gid; name: string; position: number; values: string[] }[];
  images: ProductImage[];
  variants: Variant[];
  metafields: Metafield[];
  collectionIds: Gid[];
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

export interface Collection {
  id: Gid;
  handle: string;
  title: string;
}

export interface ShopPolicy {
  type: "REFUND_POLICY" | "PRIVACY_POLICY" | "TERMS_OF_SERVICE" | "SHIPPING_POLICY";
  title: string;
  body: string;
  url: string;
}

export interface Market {
  id: Gid;
  handle: string;
  name: string;
  currencyCode: string;
  countryCodes: string[];
  primary: boolean;
  /** Multiplier from shop currency when no fixed contextual price exists. */
  conversionRate: number;
}

/** Shipping zones and rates the draft-order calculator offers (Shopify "shipping profiles"). */
export interface ShippingZone {
  id: Gid;
  name: string;
  countryCodes: string[];
  rates: ShippingRate[];
}

export interface ShippingRate {
  handle: string;
  title: string;
  price: Decimal;
  /** Free above this subtotal (shop currency), like Shopify's price-based rate conditions. */
  freeAbove: Decimal | null;
  minDeliveryDays: number;
  maxDeliveryDays: number;
}

export interface TaxRate {
  countryCode: string;
  provinceCode: string | null;
  title: string;
  rate: number;
  /** Whether shipping is taxed in this region. */
  shippingTaxed: boolean;
}

export interface DiscountCode {
  code: string;
  kind: "PERCENTAGE" | "FIXED_AMOUNT" | "FREE_SHIPPING";
  value: number;
  minimumSubtotal: Decimal | null;
  active: boolean;
  /** Automatic discounts apply without a code when `acceptAutomaticDiscounts` is set. */
  automatic: boolean;
  title: string;
}

export interface MailingAddress {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  countryCode?: string | null;
  zip?: string | null;
  phone?: string | null;
}

export interface OrderLineItem {
  id: Gid;
  variantId: Gid | null;
  productId: Gid | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  originalUnitPrice: Decimal;
  discountedTotal: Decimal;
  taxLines: { title: string; rate: number; price: Decimal }[];
  requiresShipping: boolean;
  currentQuantity: number;
  fulfilledQuantity: number;
  /** Optional fields below were added by the commerce module (orderCreate / draft completion). */
  taxable?: boolean;
  vendor?: string | null;
  isGiftCard?: boolean;
  customAttributes?: { key: string; value: string }[];
  /** Order-level discount allocations: index into `Order.discountApplications`, amount. */
  discountAllocations?: { application: number; amount: Decimal }[];
}

export interface OrderTransaction {
  id: Gid;
  kind: "SALE" | "AUTHORIZATION" | "CAPTURE" | "REFUND" | "VOID";
  status: "SUCCESS" | "PENDING" | "FAILURE" | "ERROR";
  gateway: string;
  amount: Decimal;
  currencyCode: string;
  authorizationCode: string | null;
  parentId: Gid | null;
  processedAt: string;
  test?: boolean;
}

export interface Fulfillment {
  id: Gid;
  status: "SUCCESS" | "CANCELLED" | "ERROR" | "FAILURE" | "OPEN" | "PENDING";
  trackingCompany: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  lineItems: { lineItemId: Gid; quantity: number }[];
  events: { id: Gid; status: string; happenedAt: string; message: string | null }[];
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  estimatedDeliveryAt: string | null;
  /** "#1001.1": the order name and the fulfillment's position. */
  name?: string;
  locationId?: Gid | null;
  fulfillmentOrderIds?: Gid[];
}

export interface Refund {
  id: Gid;
  createdAt: string;
  note: string | null;
  amount: Decimal;
  currencyCode: string;
  lineItems: { lineItemId: Gid; quantity: number; restockType: string }[];
  transactionIds: Gid[];
  /** Part of `amount` that refunded shipping. */
  shippingAmount?: Decimal;
}

/** A group of line items to fulfill from one location (`Order.fulfillmentOrders`). */
export interface FulfillmentOrder {
  id: Gid;
  status: "OPEN" | "IN_PROGRESS" | "CLOSED" | "CANCELLED" | "INCOMPLETE" | "SCHEDULED" | "ON_HOLD";
  requestStatus: "UNSUBMITTED";
  locationId: Gid | null;
  lineItems: { id: Gid; lineItemId: Gid; totalQuantity: number; remainingQuantity: number }[];
  createdAt: string;
  updatedAt: string;
}

/** How an order-level discount was applied (`Order.discountApplications`). */
export interface OrderDiscountApplication {
  kind: "DISCOUNT_CODE" | "AUTOMATIC" | "MANUAL";
  code: string | null;
  title: string;
  valueType: "FIXED_AMOUNT" | "PERCENTAGE";
  /** Percent for PERCENTAGE, else the amount (presentment currency). */
  value: number;
  targetType: "LINE_ITEM" | "SHIPPING_LINE";
  amount: Decimal;
}

export interface Order {
  id: Gid;
  legacyResourceId: string;
  name: string;
  email: string | null;
  phone: string | null;
  currencyCode: string;
  presentmentCurrencyCode: string;
  sourceName: string | null;
  sourceIdentifier: string | null;
  tags: string[];
  note: string | null;
  customAttributes: { key: string; value: string }[];
  shippingAddress: MailingAddress | null;
  billingAddress: MailingAddress | null;
  lineItems: OrderLineItem[];
  shippingLines: {
    title: string;
    code: string | null;
    price: Decimal;
    taxLines: { title: string; rate: number; price: Decimal }[];
    /** Optional, added by the commerce module: price after shipping discounts, source, rate handle. */
    discountedPrice?: Decimal;
    source?: string | null;
    shippingRateHandle?: string | null;
  }[];
  taxesIncluded: boolean;
  subtotal: Decimal;
  totalDiscounts: Decimal;
  totalShipping: Decimal;
  totalTax: Decimal;
  total: Decimal;
  discountCodes: string[];
  transactions: OrderTransaction[];
  fulfillments: Fulfillment[];
  refunds: Refund[];
  displayFinancialStatus:
    | "PENDING"
    | "AUTHORIZED"
    | "PAID"
    | "PARTIALLY_PAID"
    | "PARTIALLY_REFUNDED"
    | "REFUNDED"
    | "VOIDED";
  displayFulfillmentStatus: "UNFULFILLED" | "PARTIALLY_FULFILLED" | "FULFILLED" | "IN_PROGRESS" | "ON_HOLD";
  cancelledAt: string | null;
  cancelReason: string | null;
  closed: boolean;
  /** The order status page (`statusPageUrl` in the Admin API). */
  statusPageUrl: string;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  /**
   * Optional fields below were added by the commerce module. Order amounts above are in the
   * presentment currency (Shopify prices in it and converts to shop money); `shopMoneyRate` is
   * shop-currency units per presentment unit, absent meaning 1.
   */
  shopMoneyRate?: number;
  test?: boolean;
  closedAt?: string | null;
  taxExempt?: boolean;
  /** orderCreate got neither transactions nor financialStatus: Shopify reports the status as null. */
  financialStatusUnset?: boolean;
  fulfillmentOrders?: FulfillmentOrder[];
  discountApplications?: OrderDiscountApplication[];
  cancelStaffNote?: string | null;
  /** The draft this order was completed from. */
  draftOrderId?: Gid | null;
}

export interface DraftOrder {
  id: Gid;
  name: string;
  status: "OPEN" | "INVOICE_SENT" | "COMPLETED";
  /** The DraftOrderInput it was created/updated with (validated), recalculated on read. */
  input: Record<string, unknown>;
  orderId: Gid | null;
  createdAt: string;
  updatedAt: string;
  completedAt?: string | null;
}

/**
 * A mutation run under `@idempotent(key:)`: a retry with the same key replays the recorded outcome
 * instead of acting twice; the same key with other arguments is refused.
 */
export interface IdempotencyRecord {
  key: string;
  field: string;
  fingerprint: string;
  /** What the first run produced, enough to rebuild its payload (ids, user errors). */
  outcome: Record<string, unknown>;
  createdAt: string;
}

/** An asynchronous Admin job (`Job`): orderCancel runs as one. */
export interface SandboxJob {
  id: Gid;
  done: boolean;
  createdAt: string;
}

export interface BulkOperation {
  id: Gid;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";
  type: "QUERY" | "MUTATION";
  query: string;
  groupObjects: boolean;
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface AppInstallation {
  /** The offline access token the app must send (`X-Shopify-Access-Token`). */
  accessToken: string;
  scopes: string[];
  /** Where and how webhooks go: the app's base URL and the secret that signs them. */
  appUrl: string | null;
  apiSecret: string | null;
  /** topic (`products/update`) → relative or absolute URI, from the app's toml subscriptions. */
  webhookSubscriptions: Record<string, string>;
  /** Set by the sandbox's uninstall: the token stops working and no more webhooks go out. */
  uninstalledAt?: string | null;
}

export interface ShopState {
  domain: string;
  id: Gid;
  name: string;
  email: string;
  currencyCode: string;
  primaryDomainUrl: string;
  taxesIncluded: boolean;
  weightUnit: "GRAMS" | "KILOGRAMS" | "OUNCES" | "POUNDS";
  ianaTimezone: string;
  shipsToCountries: string[];
  enabledPresentmentCurrencies: string[];
  plan: { partnerDevelopment: boolean; shopifyPlus: boolean };
  /** The store's business address (`Shop.shopAddress` / deprecated `billingAddress`). */
  address?: MailingAddress;
  installation: AppInstallation;
  locations: Location[];
  products: Map<Gid, Product>;
  collections: Map<Gid, Collection>;
  policies: ShopPolicy[];
  markets: Market[];
  shippingZones: ShippingZone[];
  taxRates: TaxRate[];
  discountCodes: DiscountCode[];
  draftOrders: Map<Gid, DraftOrder>;
  orders: Map<Gid, Order>;
  bulkOperations: Map<Gid, BulkOperation>;
  /** Monotonic id source for new objects (per shop, deterministic for tests). */
  nextId: number;
  /** Optional fields below were added by the commerce module. */
  idempotency?: Map<string, IdempotencyRecord>;
  /** When recent orderCreate calls happened (ms), for the trial/dev-store 5-per-minute limit. */
  orderCreateTimes?: number[];
  jobs?: Map<Gid, SandboxJob>;
}

/**
 * A shop with an empty catalog, installed for the app with `accessToken`. Fixtures fill it in;
 * `firstId` keeps GIDs of different shops apart (Shopify ids are global, not per shop).
 */
export function createShopState(init: {
  domain: string;
  accessToken: string;
  firstId?: number;
  overrides?: Partial<ShopState>;
}): ShopState {
  const handle = init.domain.replace(/\.myshopify\.com$/, "");
  const firstId = init.firstId ?? 1000;
  return {
    domain: init.domain,
    id: `gid://shopify/Shop/${firstId}`,
    name: handle,
    email: `owner@${handle}.example`,
    currencyCode: "USD",
    primaryDomainUrl: `https://${init.domain}`,
    taxesIncluded: false,
    weightUnit: "KILOGRAMS",
    ianaTimezone: "America/New_York",
    shipsToCountries: [],
    enabledPresentmentCurrencies: ["USD"],
    plan: { partnerDevelopment: true, shopifyPlus: false },
    installation: {
      accessToken: init.accessToken,
      scopes: [],
      appUrl: null,
      apiSecret: null,
      webhookSubscriptions: {},
      uninstalledAt: null,
    },
    locations: [],
    products: new Map(),
    collections: new Map(),
    policies: [],
    markets: [],
    shippingZones: [],
    taxRates: [],
    discountCodes: [],
    draftOrders: new Map(),
    orders: new Map(),
    bulkOperations: new Map(),
    nextId: firstId,
    ...init.overrides,
  };
}

/** A new numeric id for `type`, as a GID: `gid://shopify/<type>/<n>`. */
export function newGid(shop: ShopState, type: string): Gid {
  shop.nextId += 1;
  return `gid://shopify/${type}/${shop.nextId}`;
}

export function numericId(gid: Gid): string {
  return gid.slice(gid.lastIndexOf("/") + 1);
}

export function findVariant(shop: ShopState, id: Gid): { product: Product; variant: Variant } | null {
  return lookup(shop, "byVariantId", id);
}

/** The variant that owns an inventory item (Shopify: one item per variant). */
export function findInventoryItem(
  shop: ShopState,
  id: Gid,
): { product: Product; variant: Variant; item: InventoryItem } | null {
  const hit = lookup(shop, "byInventoryItemId", id);
  return hit ? { ...hit, item: hit.variant.inventoryItem } : null;
}

/**
 * Variant and inventory-item lookups go through a per-shop index so that 100k-variant stores stay
 * fast. The index is rebuilt when the product count or `nextId` changed (every new object gets its
 * id from `newGid`), and every hit is checked against the live data, so an edit that moved or
 * removed a variant never returns a stale answer. Code that restructures products without
 * `newGid` (hand-written ids) calls `invalidateIndex`.
 */
interface ShopIndex {
  signature: string;
  byVariantId: Map<Gid, { product: Product; variant: Variant }>;
  byInventoryItemId: Map<Gid, { product: Product; variant: Variant }>;
}

const indexes = new WeakMap<ShopState, ShopIndex>();

export function invalidateIndex(shop: ShopState): void {
  indexes.delete(shop);
}

function indexSignature(shop: ShopState): string {
  return `${shop.products.size}:${shop.nextId}`;
}

function buildIndex(shop: ShopState): ShopIndex {
  const index: ShopIndex = {
    signature: indexSignature(shop),
    byVariantId: new Map(),
    byInventoryItemId: new Map(),
  };
  for (const product of shop.products.values()) {
    for (const variant of product.variants) {
      index.byVariantId.set(variant.id, { product, variant });
      index.byInventoryItemId.set(variant.inventoryItem.id, { product, variant });
    }
  }
  indexes.set(shop, index);
  return index;
}

function lookup(
  shop: ShopState,
  key: "byVariantId" | "byInventoryItemId",
  id: Gid,
): { product: Product; variant: Variant } | null {
  const isCurrent = (hit: { product: Product; variant: Variant } | undefined) =>
    !!hit &&
    shop.products.get(hit.product.id) === hit.product &&
    hit.product.variants.includes(hit.variant) &&
    (key === "byVariantId" ? hit.variant.id : hit.variant.inventoryItem.id) === id;
  let index = indexes.get(shop);
  const fresh = !index || index.signature !== indexSignature(shop);
  if (!index || fresh) index = buildIndex(shop);
  const hit = index[key].get(id);
  if (isCurrent(hit)) return hit!;
  if (fresh || !hit) return null;
  // The hit went stale (a variant moved or was removed in place): rebuild once and look again.
  const rebuilt = buildIndex(shop)[key].get(id);
  return isCurrent(rebuilt) ? rebuilt! : null;
}

/** Units available to sell across active locations (what `inventoryQuantity` reports). */
export function availableQuantity(shop: ShopState, item: InventoryItem): number {
  const active = new Set(
    shop.locations.filter((location) => location.isActive).map((location) => location.id),
  );
  return item.levels
    .filter((level) => active.has(level.locationId))
    .reduce((sum, level) => sum + level.available, 0);
}
