import type { ShopContext, ShopifyProduct, ShopifyVariant } from "./shopify-product";

/**
 * Realistic catalog data for the catalog tests (and later the sync and sandbox seeds): a shop with three
 * markets and products that exercise options, HTML, inventory policies, gift cards and digital goods.
 * Builders take overrides so a table test states only what it is about.
 */

const CDN = "https://cdn.shopify.com/s/files/1/0000/0001/files";

export const SHOP: ShopContext = {
  name: "Northwind Outfitters",
  primaryDomainUrl: "https://northwind.example",
  currency: "USD",
  country: "US",
  policies: {
    refund: "https://northwind.example/policies/refund-policy",
    privacy: "https://northwind.example/policies/privacy-policy",
    terms: "https://northwind.example/policies/terms-of-service",
    shipping: "https://northwind.example/policies/shipping-policy",
  },
  returnWindowDays: 30,
  markets: [
    { handle: "us", currency: "USD", countries: ["US"] },
    { handle: "ca", currency: "CAD", countries: ["CA"] },
    { handle: "eu", currency: "EUR", countries: ["DE", "FR", "NL"] },
  ],
};

/** The shop with only its home market, for tests that are not about markets. */
export const SINGLE_MARKET_SHOP: ShopContext = { ...SHOP, markets: [SHOP.markets[0]] };

export function makeShop(overrides: Partial<ShopContext> = {}): ShopContext {
  return { ...SINGLE_MARKET_SHOP, ...overrides };
}

let nextId = 9_000_000;

export function makeVariant(overrides: Partial<ShopifyVariant> = {}): ShopifyVariant {
  const id = nextId++;
  return {
    id: `gid://shopify/ProductVariant/${id}`,
    title: "Default Title",
    sku: `SKU-${id}`,
    barcode: null,
    price: "25.00",
    compareAtPrice: null,
    inventoryPolicy: "DENY",
    inventoryTracked: true,
    inventoryQuantity: 10,
    requiresShipping: true,
    weight: { value: 250, unit: "GRAMS" },
    selectedOptions: [{ name: "Title", value: "Default Title" }],
    image: null,
    ...overrides,
  };
}

export function makeProduct(overrides: Partial<ShopifyProduct> = {}): ShopifyProduct {
  const id = nextId++;
  const handle = overrides.handle ?? `product-${id}`;
  return {
    id: `gid://shopify/Product/${id}`,
    handle,
    title: "Everyday Canvas Tote",
    descriptionHtml: "<p>A sturdy canvas tote for groceries, books and beach days.</p>",
    vendor: "Northwind",
    productType: "Bags",
    status: "ACTIVE",
    tags: [],
    onlineStoreUrl: `https://northwind.example/products/${handle}`,
    publishedOnOnlineStore: true,
    isGiftCard: false,
    updatedAt: "2026-11-20T10:00:00Z",
    category: { fullName: "Apparel & Accessories > Handbags, Wallets & Cases > Handbags > Tote Bags" },
    options: [{ name: "Title", values: ["Default Title"] }],
    images: [{ url: `${CDN}/tote-front.jpg`, altText: "Canvas tote, front" }],
    metafields: [],
    collections: [],
    variants: [makeVariant()],
    ...overrides,
  };
}

const TEE_COLORS = ["Forest Green", "Navy", "Oat"] as const;
const TEE_SIZES = ["S", "M", "L", "XL"] as const;
/** Valid EAN-13s (check digits computed) for the Navy tees; the others have no barcode. */
const NAVY_BARCODES = ["0885909950805", "4006381333931", "5901234123457", "9780201379624"];

/** 12 variants (Color × Size), HTML description, sale prices, per-market prices, variant images. */
export const TEE: ShopifyProduct = makeProduct({
  id: "gid://shopify/Product/7001",
  handle: "organic-crew-tee",
  title: "Organic Cotton Crew Tee",
  descriptionHtml:
    "<h2>Soft &amp; breathable</h2><p>Our everyday tee, cut from <strong>100% organic cotton</strong>" +
    "&nbsp;jersey.</p><ul><li>Relaxed fit</li><li>Pre-shrunk</li><li>Made in Portugal</li></ul>" +
    "<p>Machine wash cold.<br>Tumble dry low.</p><script>trackView()</script>",
  vendor: "Northwind Apparel",
  productType: "T-Shirts",
  tags: ["organic", "Summer", "bestseller"],
  category: { fullName: "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts" },
  options: [
    { name: "Color", values: [...TEE_COLORS] },
    { name: "Size", values: [...TEE_SIZES] },
  ],
  images: [
    { url: `${CDN}/tee-forest-green.jpg`, altText: "Crew tee in forest green" },
    { url: `${CDN}/tee-navy.jpg`, altText: "Crew tee in navy" },
    { url: `${CDN}/tee-oat.jpg`, altText: null },
    { url: `${CDN}/tee-detail.jpg`, altText: "Collar detail" },
  ],
  metafields: [
    { namespace: "custom", key: "material", value: "100% organic cotton", type: "single_line_text_field" },
    { namespace: "custom", key: "age_group", value: "Adult", type: "single_line_text_field" },
  ],
  collections: [
    { id: "gid://shopify/Collection/301", handle: "tees", title: "Tees" },
    { id: "gid://shopify/Collection/302", handle: "summer-sale", title: "Summer Sale" },
  ],
  variants: TEE_COLORS.flatMap((color, c) =>
    TEE_SIZES.map((size, s) =>
      makeVariant({
        id: `gid://shopify/ProductVariant/${70010 + c * 10 + s}`,
        title: `${color} / ${size}`,
        sku: `TEE-${color.slice(0, 3).toUpperCase()}-${size}`,
        barcode: color === "Navy" ? NAVY_BARCODES[s] : null,
        price: "28.00",
        compareAtPrice: color === "Oat" ? "35.00" : null,
        inventoryQuantity: size === "XL" ? 0 : 12,
        weight: { value: 180, unit: "GRAMS" },
        selectedOptions: [
          { name: "Color", value: color },
          { name: "Size", value: size },
        ],
        image: { url: `${CDN}/tee-${color.toLowerCase().replace(" ", "-")}.jpg`, altText: null },
        contextualPrices: [
          {
            currency: "CAD",
            price: "38.00",
            compareAtPrice: color === "Oat" ? "47.00" : null,
            countries: ["CA"],
          },
          { currency: "EUR", price: "26.00", compareAtPrice: null, countries: ["DE", "FR", "NL"] },
        ],
      }),
    ),
  ),
});

/** German option names (Farbe, Größe), continue-selling when out of stock, weight in kilograms. */
export const BOOTS: ShopifyProduct = makeProduct({
  id: "gid://shopify/Product/7002",
  handle: "wanderstiefel-alpin",
  title: "Wanderstiefel Alpin",
  descriptionHtml: "<p>Wasserdichter Wanderstiefel mit Vibram&reg;-Sohle.</p>",
  vendor: "Bergwerk",
  productType: "Boots",
  category: { fullName: "Apparel & Accessories > Shoes > Boots" },
  options: [
    { name: "Farbe", values: ["Braun"] },
    { name: "Größe", values: ["42", "43"] },
  ],
  variants: ["42", "43"].map((size, i) =>
    makeVariant({
      id: `gid://shopify/ProductVariant/${70020 + i}`,
      title: `Braun / ${size}`,
      sku: `ALP-BR-${size}`,
      barcode: "4006381333932", // wrong check digit: not a GTIN
      price: "189.90",
      inventoryPolicy: "CONTINUE",
      inventoryQuantity: i === 0 ? 3 : 0,
      weight: { value: 1.4, unit: "KILOGRAMS" },
      selectedOptions: [
        { name: "Farbe", value: "Braun" },
        { name: "Größe", value: size },
      ],
    }),
  ),
});

/** A Shopify gift card: digital, untracked, three denominations. */
export const GIFT_CARD: ShopifyProduct = makeProduct({
  id: "gid://shopify/Product/7003",
  handle: "gift-card",
  title: "Northwind Gift Card",
  descriptionHtml: "<p>The gift of choice, delivered by email.</p>",
  vendor: "Northwind Outfitters",
  productType: "Gift Cards",
  isGiftCard: true,
  category: null,
  options: [{ name: "Denominations", values: ["$25", "$50", "$100"] }],
  variants: ["25", "50", "100"].map((amount, i) =>
    makeVariant({
      id: `gid://shopify/ProductVariant/${70030 + i}`,
      title: `$${amount}`,
      sku: null,
      price: `${amount}.00`,
      inventoryTracked: false,
      inventoryQuantity: 0,
      requiresShipping: false,
      weight: null,
      selectedOptions: [{ name: "Denominations", value: `$${amount}` }],
    }),
  ),
});

/** A digital download: no shipping, untracked inventory, one variant. */
export const EBOOK: ShopifyProduct = makeProduct({
  id: "gid://shopify/Product/7004",
  handle: "trail-guide-ebook",
  title: "Pacific Crest Trail Guide (eBook)",
  descriptionHtml: "<p>A 240-page PDF guide to the PCT, with maps &#8211; updated for 2026.</p>",
  vendor: "Northwind Press",
  productType: "Books",
  category: { fullName: "Media > Books > E-books" },
  variants: [
    makeVariant({
      id: "gid://shopify/ProductVariant/70040",
      sku: "PCT-EBOOK-2026",
      barcode: "9780201379624",
      price: "14.99",
      inventoryTracked: false,
      inventoryQuantity: 0,
      requiresShipping: false,
      weight: { value: 0, unit: "GRAMS" },
    }),
  ],
});

/** A draft product the feed must not publish by default. */
export const DRAFT: ShopifyProduct = makeProduct({
  id: "gid://shopify/Product/7005",
  handle: "prototype-jacket",
  title: "Prototype Rain Jacket",
  status: "DRAFT",
  onlineStoreUrl: null,
  publishedOnOnlineStore: false,
});

/** Everything optional missing: no SKU, barcode, image, description, vendor; not on the Online Store. */
export const BARE: ShopifyProduct = makeProduct({
  id: "gid://shopify/Product/7006",
  handle: "mystery-item",
  title: "Mystery Item",
  descriptionHtml: "",
  vendor: "",
  productType: "",
  category: null,
  onlineStoreUrl: null,
  publishedOnOnlineStore: false,
  images: [],
  variants: [makeVariant({ id: "gid://shopify/ProductVariant/70060", sku: null, weight: null })],
});

export const ALL_PRODUCTS: readonly ShopifyProduct[] = [TEE, BOOTS, GIFT_CARD, EBOOK, DRAFT, BARE];
