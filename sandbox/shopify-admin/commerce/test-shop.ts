/**
 * A small, fully deterministic shop for the commerce tests (the catalog fixtures are owned
 * elsewhere and may change shape; these tests pin exact cents, so they own their products).
 */
import { seedCommerce } from "../fixtures/commerce";
import type { Product, ShopState, Variant } from "../store";

export const LOCATION_ID = "gid://shopify/Location/7001";

interface VariantSpec {
  id: number;
  title?: string;
  sku: string;
  price: string;
  available?: number;
  tracked?: boolean;
  policy?: "DENY" | "CONTINUE";
  taxable?: boolean;
  requiresShipping?: boolean;
  contextualPrices?: Variant["contextualPrices"];
}

function product(
  id: number,
  title: string,
  variants: VariantSpec[],
  extra: Partial<Pick<Product, "status" | "isGiftCard" | "vendor">> = {},
): Product {
  const productId = `gid://shopify/Product/${id}`;
  const stamp = "2026-01-01T00:00:00Z";
  return {
    id: productId,
    handle: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    title,
    descriptionHtml: "",
    vendor: extra.vendor ?? "Acme",
    productType: "",
    status: extra.status ?? "ACTIVE",
    tags: [],
    isGiftCard: extra.isGiftCard ?? false,
    publishedOnlineStore: true,
    category: null,
    options: [],
    images: [],
    metafields: [],
    collectionIds: [],
    createdAt: stamp,
    updatedAt: stamp,
    publishedAt: stamp,
    variants: variants.map((spec, position) => ({
      id: `gid://shopify/ProductVariant/${spec.id}`,
      productId,
      title: spec.title ?? "Default Title",
      sku: spec.sku,
      barcode: null,
      price: spec.price,
      compareAtPrice: null,
      inventoryPolicy: spec.policy ?? "DENY",
      taxable: spec.taxable ?? true,
      selectedOptions: [],
      imageId: null,
      inventoryItem: {
        id: `gid://shopify/InventoryItem/${spec.id}`,
        sku: spec.sku,
        tracked: spec.tracked ?? true,
        requiresShipping: spec.requiresShipping ?? true,
        weight: { value: 200, unit: "GRAMS" },
        levels: [{ locationId: LOCATION_ID, available: spec.available ?? 100, updatedAt: stamp }],
      },
      contextualPrices: spec.contextualPrices ?? [],
      position: position + 1,
      createdAt: stamp,
      updatedAt: stamp,
    })),
  };
}

export const VARIANTS = {
  tshirtSmall: "gid://shopify/ProductVariant/101",
  tshirtLarge: "gid://shopify/ProductVariant/102",
  hoodie: "gid://shopify/ProductVariant/201",
  mug: "gid://shopify/ProductVariant/301",
  sticker: "gid://shopify/ProductVariant/401",
  ebook: "gid://shopify/ProductVariant/501",
  soldOut: "gid://shopify/ProductVariant/601",
  preorder: "gid://shopify/ProductVariant/701",
  draft: "gid://shopify/ProductVariant/801",
  archived: "gid://shopify/ProductVariant/901",
} as const;

export function makeTestShop(overrides: Partial<ShopState> = {}): ShopState {
  const products = [
    product(1, "Classic Tee", [
      { id: 101, title: "Small", sku: "TEE-S", price: "25.00", available: 10 },
      { id: 102, title: "Large", sku: "TEE-L", price: "25.00", available: 3 },
    ]),
    product(2, "Hoodie", [
      {
        id: 201,
        sku: "HOOD",
        price: "60.00",
        contextualPrices: [{ currencyCode: "EUR", price: "55.00", compareAtPrice: null }],
      },
    ]),
    product(3, "Mug", [{ id: 301, sku: "MUG", price: "12.99", tracked: false }]),
    product(4, "Sticker", [{ id: 401, sku: "STK", price: "3.33", tracked: false }]),
    product(5, "E-book", [{ id: 501, sku: "EBOOK", price: "9.99", tracked: false, requiresShipping: false }]),
    product(6, "Sold Out Cap", [{ id: 601, sku: "CAP", price: "20.00", available: 0 }]),
    product(7, "Preorder Jacket", [
      { id: 701, sku: "JKT", price: "120.00", available: 0, policy: "CONTINUE" },
    ]),
    product(8, "Draft Product", [{ id: 801, sku: "DRAFT", price: "10.00" }], { status: "DRAFT" }),
    product(9, "Archived Product", [{ id: 901, sku: "OLD", price: "10.00" }], { status: "ARCHIVED" }),
  ];
  const shop: ShopState = {
    domain: "acme-outfitters.myshopify.com",
    id: "gid://shopify/Shop/548380009",
    name: "Acme Outfitters",
    email: "owner@acme.example",
    currencyCode: "USD",
    primaryDomainUrl: "https://acme-outfitters.myshopify.com",
    taxesIncluded: false,
    weightUnit: "GRAMS",
    ianaTimezone: "America/New_York",
    shipsToCountries: [],
    enabledPresentmentCurrencies: ["USD", "EUR", "JPY", "CAD"],
    plan: { partnerDevelopment: false, shopifyPlus: false },
    installation: {
      accessToken: "shpat_test",
      // The app's toml scopes, plus what a fulfillment app would hold for the fulfillment tests.
      scopes: [
        "read_products",
        "read_inventory",
        "read_locations",
        "read_markets",
        "write_draft_orders",
        "write_orders",
        "read_fulfillments",
        "write_fulfillments",
        "write_merchant_managed_fulfillment_orders",
      ],
      appUrl: null,
      apiSecret: null,
      webhookSubscriptions: {},
    },
    locations: [{ id: LOCATION_ID, name: "Warehouse", isActive: true, countryCode: "US" }],
    products: new Map(products.map((entry) => [entry.id, entry])),
    collections: new Map(),
    policies: [],
    markets: [
      {
        id: "gid://shopify/Market/1",
        handle: "us",
        name: "United States",
        currencyCode: "USD",
        countryCodes: ["US"],
        primary: true,
        conversionRate: 1,
      },
      {
        id: "gid://shopify/Market/2",
        handle: "eu",
        name: "Europe",
        currencyCode: "EUR",
        countryCodes: ["AT", "BE", "DE", "ES", "FR", "IE", "IT", "NL"],
        primary: false,
        conversionRate: 0.92,
      },
      {
        id: "gid://shopify/Market/3",
        handle: "jp",
        name: "Japan",
        currencyCode: "JPY",
        countryCodes: ["JP"],
        primary: false,
        conversionRate: 150,
      },
      {
        id: "gid://shopify/Market/4",
        handle: "ca",
        name: "Canada",
        currencyCode: "CAD",
        countryCodes: ["CA"],
        primary: false,
        conversionRate: 1.36,
      },
    ],
    shippingZones: [],
    taxRates: [],
    discountCodes: [],
    draftOrders: new Map(),
    orders: new Map(),
    bulkOperations: new Map(),
    nextId: 10_000,
    ...overrides,
  };
  seedCommerce(shop);
  return shop;
}

export const ADDRESSES = {
  california: {
    firstName: "Ada",
    lastName: "Lovelace",
    address1: "1 Infinite Loop",
    city: "Cupertino",
    provinceCode: "CA",
    countryCode: "US",
    zip: "95014",
  },
  newYork: {
    firstName: "Grace",
    lastName: "Hopper",
    address1: "350 5th Ave",
    city: "New York",
    provinceCode: "NY",
    countryCode: "US",
    zip: "10118",
  },
  oregon: { address1: "1 Main St", city: "Portland", provinceCode: "OR", countryCode: "US", zip: "97201" },
  ontario: {
    address1: "1 King St W",
    city: "Toronto",
    provinceCode: "ON",
    countryCode: "CA",
    zip: "M5H 1A1",
  },
  britishColumbia: {
    address1: "1 Robson St",
    city: "Vancouver",
    provinceCode: "BC",
    countryCode: "CA",
    zip: "V6B 1A1",
  },
  berlin: { address1: "Unter den Linden 1", city: "Berlin", countryCode: "DE", zip: "10117" },
  tokyo: { address1: "1-1 Chiyoda", city: "Tokyo", countryCode: "JP", zip: "100-0001" },
  moscow: { address1: "Red Square 1", city: "Moscow", countryCode: "RU", zip: "109012" },
} as const;
