import { decimalToMinorUnits, formatFeedPrice, legacyId, normalizeGtin } from "./format";
import { htmlToPlainText, truncateAtWordBoundary } from "./plain-text";
import {
  DEFAULT_FEED_RULES,
  applyRules,
  mappedMetafieldValues,
  resolveEligibility,
  type FeedRules,
  type MetafieldTarget,
} from "./rules";
import type {
  ShopContext,
  ShopMarket,
  ShopifyImage,
  ShopifyProduct,
  ShopifyVariant,
  ShopifyWeightUnit,
} from "./shopify-product";

/**
 * Shopify product → feed items (one per variant per market), and the two wire shapes they are sent as:
 *
 * - `toOpenAiFeedRow`: OpenAI's file-upload product feed ("G2", `jsonl.gz` / `csv.gz`), one flat row
 *   per variant. Field names, limits and enums: https://developers.openai.com/commerce/specs/file-upload/products
 *   ("currently stable" tables, read 2026-11; cross-checked with elliotjreed/openai-product-feed-php
 *   `Internal/Columns.php`, `Internal/ProductRules.php` and `Enum/Availability.php` @ 8c5812b).
 * - `toAcpFeedProduct`: ACP Feed API `Product` of 2026-04-17 (`app/catalog/spec/schema.feed.json`),
 *   one product with its variants, money in integer minor units.
 *
 * Choices, with the rule behind each:
 * - Ids: `item_id` / `Variant.id` is the numeric variant id and `group_id` / `Product.id` the numeric product
 *   id. OpenAI wants an alphanumeric `item_id` ≤ 100 chars unique per variant and a `group_id` that differs
 *   from it; the ACP RFC (§3.2) wants `Variant.id` accepted by `POST /checkout_sessions`, so checkout maps
 *   it back with `variantGidForItemId`.
 * - Markets: one item per variant per published market, priced in that market's currency. OpenAI rows hold
 *   one `price` and use only the first `target_countries` entry, and an ACP feed has one `target_country`
 *   (RFC §3.1: "Merchants MAY create multiple feeds for different markets"), so each market becomes its own
 *   feed; `item.market` says which. A market in another currency without a contextual price is reported,
 *   never converted.
 * - Sale: Shopify `compareAtPrice` > `price` → OpenAI `price` = compare-at and `sale_price` = price
 *   ("sale_price … Must be ≤ price"); ACP `price` = price and `list_price` = compare-at.
 * - Availability: untracked or stock > 0 → `in_stock`; out of stock with policy CONTINUE → `backorder`
 *   (G2 enum `in_stock|out_of_stock|pre_order|backorder|unknown`; only `pre_order` needs
 *   `availability_date`); DENY → `out_of_stock`. Shopify has no pre-order state, so we never send `pre_order`.
 * - Digital: `requiresShipping: false` → `is_digital: true`, and no weight (nothing ships).
 * - Gift cards: excluded by default (rules `includeGiftCards`); when included they are searchable but never
 *   checkout-eligible, because an agent order would need the gift card issued and delivered, which our
 *   checkout does not do.
 * - Descriptions are plain text cut to 5,000 chars on a word boundary; a title made too long only by the
 *   appended variant name is shortened on the product-name part so the variant stays visible.
 */

/** OpenAI G2 limits ("Max N chars"). */
export const LIMITS = {
  itemId: 100,
  groupId: 70,
  title: 150,
  description: 5000,
  brand: 70,
  mpn: 70,
  material: 100,
  color: 40,
  size: 20,
  sellerName: 70,
} as const;

export type FeedAvailability = "in_stock" | "out_of_stock" | "pre_order" | "backorder" | "unknown";
export type FeedWeightUnit = "g" | "kg" | "oz" | "lb";
export type OptionKind = "color" | "size";

/** Money in integer minor units of an upper-case ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

export interface FeedImage {
  url: string;
  altText: string | null;
}

export interface FeedOption {
  name: string;
  value: string;
  /** Recognized meaning of the option name (Colour, Farbe, Größe, Taille …), null for anything else. */
  kind: OptionKind | null;
}

/** Shop-wide facts, one shared object per shop (validation memoizes on it). */
export interface FeedSeller {
  name: string;
  url: string;
  privacyPolicyUrl: string | null;
  termsOfServiceUrl: string | null;
  refundPolicyUrl: string | null;
  shippingPolicyUrl: string | null;
  returnWindowDays: number | null;
  storeCountry: string;
}

/**
 * Something the mapper noticed and left out or changed; `validate` turns each into a problem with a
 * merchant-facing message. Codes are stable.
 */
export type FeedNoteCode =
  | "barcode_not_gtin"
  | "gtin_invalid"
  | "mpn_too_long"
  | "material_too_long"
  | "color_too_long"
  | "size_too_long"
  | "age_group_invalid"
  | "gender_invalid"
  | "condition_invalid"
  | "size_system_invalid"
  | "price_invalid"
  | "market_price_missing"
  | "description_truncated"
  | "title_shortened"
  | "gift_card_checkout_disabled";

export interface FeedNote {
  code: FeedNoteCode;
  /** The `FeedItem` field concerned. */
  field: keyof FeedItem;
  /** The value as found in Shopify, when there is one. */
  value?: string;
}

/** The canonical feed item: one Shopify variant in one market, in our own camelCase vocabulary. */
export interface FeedItem {
  /** Numeric variant id: OpenAI `item_id`, ACP `Variant.id`, the id checkout accepts. */
  id: string;
  /** Numeric product id: OpenAI `group_id`, ACP `Product.id`. */
  groupId: string;
  variantGid: string;
  productGid: string;
  /** Product title, plus " - <variant title>" unless the variant is "Default Title". */
  title: string;
  /** The product title alone (OpenAI `item_group_title`, ACP `Product.title`). */
  groupTitle: string;
  /** Plain text, at most `LIMITS.description` characters; "" when the product has none. */
  description: string;
  /** Variant page: the Online Store product URL with `?variant=<id>`; null when not on the Online Store. */
  url: string | null;
  productUrl: string | null;
  /** The variant's image first when it has one, then the product's; [0] is the primary image. */
  images: FeedImage[];
  /** The product's images in merchant order (ACP `Product.media`). */
  productImages: FeedImage[];
  /** What a buyer pays now, in `market.currency`; null when there is no usable price for the market. */
  price: Money | null;
  /** Set only when greater than `price` (the item is on sale). */
  compareAtPrice: Money | null;
  market: ShopMarket;
  availability: FeedAvailability;
  brand: string;
  gtin: string | null;
  mpn: string | null;
  condition: "new" | "refurbished" | "used";
  /** Shopify taxonomy path, else the merchant's product type. */
  productCategory: { value: string; taxonomy: "shopify" | "merchant" } | null;
  material: string | null;
  ageGroup: "newborn" | "infant" | "toddler" | "kids" | "adult" | null;
  gender: "male" | "female" | "unisex" | null;
  color: string | null;
  size: string | null;
  /** ISO 3166-1 alpha-2 of the size chart, e.g. "US". */
  sizeSystem: string | null;
  /** The variant's selected options; empty for a product without options. */
  options: FeedOption[];
  /** More than one variant under the same `groupId` (OpenAI `listing_has_variations`). */
  hasVariants: boolean;
  weight: { value: number; unit: FeedWeightUnit } | null;
  isDigital: boolean;
  isGiftCard: boolean;
  isEligibleSearch: boolean;
  isEligibleCheckout: boolean;
  seller: FeedSeller;
  updatedAt: string;
  notes: FeedNote[];
}

// ---------------------------------------------------------------------------------------------------
// Ids

const VARIANT_GID_PREFIX = "gid://shopify/ProductVariant/";

/** The Shopify variant GID behind a feed `item_id` / ACP `Variant.id` (what checkout receives). */
export function variantGidForItemId(itemId: string): string {
  return VARIANT_GID_PREFIX + itemId;
}

// ---------------------------------------------------------------------------------------------------
// Option names

/** Option names meaning colour or size, folded by `foldOptionName`. */
// prettier-ignore
const OPTION_KINDS: ReadonlyMap<string, OptionKind> = new Map<string, OptionKind>([
  ...[
    "color", "colour", "colors", "colours", "farbe", "farben", "couleur", "couleurs", "colore", "colori",
    "kleur", "farg", "farve", "farge", "kolor", "cor", "renk", "vari", "barva", "szin", "culoare",
  ].map((name): [string, OptionKind] => [name, "color"]),
  ...[
    "size", "sizes", "grosse", "groesse", "grossen", "taille", "tailles", "talla", "tallas", "taglia",
    "taglie", "tamanho", "tamano", "maat", "storlek", "størrelse", "storrelse", "rozmiar", "velikost",
    "meret", "koko", "beden", "razmer",
  ].map((name): [string, OptionKind] => [name, "size"]),
]);

/** Lower case, accents removed, ß → ss: "Größe" → "grosse", "Couleur " → "couleur". */
export function foldOptionName(name: string): string {
  const decomposed = name.trim().toLowerCase().normalize("NFD");
  let folded = "";
  for (let i = 0; i < decomposed.length; i++) {
    const c = decomposed.charCodeAt(i);
    if (c >= 0x300 && c <= 0x36f) continue; // combining accents
    folded += c === 0xdf ? "ss" : decomposed[i];
  }
  return folded;
}

/** "Colour" → color, "Shoe size" → size, "Material" → null. */
export function optionKind(name: string): OptionKind | null {
  const folded = foldOptionName(name);
  const direct = OPTION_KINDS.get(folded);
  if (direct) return direct;
  // "Shoe Size", "Frame colour": judge by the last word.
  const space = folded.lastIndexOf(" ");
  return space === -1 ? null : (OPTION_KINDS.get(folded.slice(space + 1)) ?? null);
}

// ---------------------------------------------------------------------------------------------------
// Field mappers

const DEFAULT_VARIANT_TITLE = "Default Title";
const WEIGHT_UNITS: Record<ShopifyWeightUnit, FeedWeightUnit> = {
  GRAMS: "g",
  KILOGRAMS: "kg",
  OUNCES: "oz",
  POUNDS: "lb",
};
// prettier-ignore
const AGE_GROUPS: ReadonlyMap<string, NonNullable<FeedItem["ageGroup"]>> = new Map([
  ["newborn", "newborn"], ["infant", "infant"], ["baby", "infant"], ["toddler", "toddler"],
  ["kids", "kids"], ["kid", "kids"], ["child", "kids"], ["children", "kids"], ["adult", "adult"], ["adults", "adult"],
] as const);
// prettier-ignore
const GENDERS: ReadonlyMap<string, NonNullable<FeedItem["gender"]>> = new Map([
  ["male", "male"], ["men", "male"], ["man", "male"], ["mens", "male"], ["men's", "male"],
  ["female", "female"], ["women", "female"], ["woman", "female"], ["womens", "female"], ["women's", "female"],
  ["unisex", "unisex"],
] as const);
const CONDITIONS = new Set<FeedItem["condition"]>(["new", "refurbished", "used"]);

/** Product title + variant title, shortening only the product part when the suffix pushed it over. */
export function composeTitle(
  productTitle: string,
  variantTitle: string,
): { title: string; shortened: boolean } {
  const base = productTitle.trim();
  const variant = variantTitle.trim();
  if (!variant || variant === DEFAULT_VARIANT_TITLE) return { title: base, shortened: false };
  const suffix = ` - ${variant}`;
  const full = base + suffix;
  const room = LIMITS.title - suffix.length;
  // A product title that is itself too long is the merchant's to fix (validate reports it).
  if (full.length <= LIMITS.title || base.length > LIMITS.title || room < 20) {
    return { title: full, shortened: false };
  }
  return { title: truncateAtWordBoundary(base, room) + suffix, shortened: true };
}

/** See the module comment: inventory + policy → OpenAI availability. */
export function availabilityOf(
  variant: Pick<ShopifyVariant, "inventoryTracked" | "inventoryQuantity" | "inventoryPolicy">,
): FeedAvailability {
  if (!variant.inventoryTracked || variant.inventoryQuantity > 0) return "in_stock";
  return variant.inventoryPolicy === "CONTINUE" ? "backorder" : "out_of_stock";
}

function withVariantParam(url: string, id: string): string {
  const hash = url.indexOf("#");
  const base = hash === -1 ? url : url.slice(0, hash);
  return `${base}${base.includes("?") ? "&" : "?"}variant=${id}`;
}

function trimTrailingSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}

function productUrlOf(product: ShopifyProduct, shop: ShopContext): string | null {
  if (product.onlineStoreUrl) return product.onlineStoreUrl;
  if (!product.publishedOnOnlineStore || !shop.primaryDomainUrl) return null;
  return `${trimTrailingSlash(shop.primaryDomainUrl)}/products/${encodeURIComponent(product.handle)}`;
}

function toFeedImage(image: ShopifyImage): FeedImage {
  const altText = image.altText?.trim();
  return { url: image.url, altText: altText || null };
}

// One seller object per shop context, so every item shares it and validation checks it once.
const sellers = new WeakMap<ShopContext, FeedSeller>();

function sellerOf(shop: ShopContext): FeedSeller {
  let seller = sellers.get(shop);
  if (!seller) {
    seller = {
      name: shop.name.trim(),
      url: shop.primaryDomainUrl,
      privacyPolicyUrl: shop.policies.privacy,
      termsOfServiceUrl: shop.policies.terms,
      refundPolicyUrl: shop.policies.refund,
      shippingPolicyUrl: shop.policies.shipping,
      returnWindowDays: shop.returnWindowDays,
      storeCountry: shop.country.toUpperCase(),
    };
    sellers.set(shop, seller);
  }
  return seller;
}

function marketsOf(shop: ShopContext, rules: FeedRules): ShopMarket[] {
  const all: ShopMarket[] =
    shop.markets.length > 0
      ? shop.markets
      : [{ handle: "primary", currency: shop.currency, countries: [shop.country.toUpperCase()] }];
  if (rules.markets.length === 0) return all;
  return all.filter((m) => rules.markets.includes(m.handle));
}

/** Price and compare-at for one market, plus a note when there is none. */
function priceIn(
  variant: ShopifyVariant,
  market: ShopMarket,
  shopCurrency: string,
): { price: Money | null; compareAtPrice: Money | null; note: FeedNote | null } {
  let price = variant.price;
  let compareAt = variant.compareAtPrice;
  const contextual = variant.contextualPrices?.find(
    (p) =>
      p.currency === market.currency &&
      (p.countries.length === 0 || p.countries.some((c) => market.countries.includes(c))),
  );
  if (contextual) {
    price = contextual.price;
    compareAt = contextual.compareAtPrice;
  } else if (market.currency !== shopCurrency) {
    return {
      price: null,
      compareAtPrice: null,
      note: { code: "market_price_missing", field: "price", value: market.currency },
    };
  }
  const amount = decimalToMinorUnits(price, market.currency);
  if (amount === null) {
    return {
      price: null,
      compareAtPrice: null,
      note: { code: "price_invalid", field: "price", value: price },
    };
  }
  const compareAmount = compareAt === null ? null : decimalToMinorUnits(compareAt, market.currency);
  return {
    price: { amount, currency: market.currency },
    compareAtPrice:
      compareAmount !== null && compareAmount > amount
        ? { amount: compareAmount, currency: market.currency }
        : null,
    note: null,
  };
}

/** Per-product work done once, shared by every variant and market. */
interface ProductFacts {
  groupId: string;
  groupTitle: string;
  description: string;
  productUrl: string | null;
  productImages: FeedImage[];
  brand: string;
  mapped: Partial<Record<MetafieldTarget, string>>;
  productCategory: FeedItem["productCategory"];
  material: string | null;
  ageGroup: FeedItem["ageGroup"];
  gender: FeedItem["gender"];
  condition: FeedItem["condition"];
  sizeSystem: string | null;
  optionKinds: Map<string, OptionKind | null>;
  hasVariants: boolean;
  isEligibleSearch: boolean;
  isEligibleCheckout: boolean;
  notes: FeedNote[];
}

function productFacts(product: ShopifyProduct, shop: ShopContext, rules: FeedRules): ProductFacts {
  const notes: FeedNote[] = [];
  const mapped = mappedMetafieldValues(product, rules);

  const fullDescription = htmlToPlainText(product.descriptionHtml);
  const description = truncateAtWordBoundary(fullDescription, LIMITS.description);
  if (description.length < fullDescription.length) {
    notes.push({
      code: "description_truncated",
      field: "description",
      value: String(fullDescription.length),
    });
  }

  const seen = new Set<string>();
  const productImages: FeedImage[] = [];
  for (const image of product.images) {
    if (!image.url || seen.has(image.url)) continue;
    seen.add(image.url);
    productImages.push(toFeedImage(image));
  }

  const categoryPath = mapped.productCategory ?? product.category?.fullName;
  const productCategory = categoryPath
    ? { value: categoryPath, taxonomy: mapped.productCategory ? ("merchant" as const) : ("shopify" as const) }
    : product.productType.trim()
      ? { value: product.productType.trim(), taxonomy: "merchant" as const }
      : null;

  let material = mapped.material ?? null;
  if (material && material.length > LIMITS.material) {
    notes.push({ code: "material_too_long", field: "material", value: material });
    material = null;
  }

  let ageGroup: FeedItem["ageGroup"] = null;
  if (mapped.ageGroup) {
    ageGroup = AGE_GROUPS.get(mapped.ageGroup.toLowerCase()) ?? null;
    if (!ageGroup) notes.push({ code: "age_group_invalid", field: "ageGroup", value: mapped.ageGroup });
  }
  let gender: FeedItem["gender"] = null;
  if (mapped.gender) {
    gender = GENDERS.get(mapped.gender.toLowerCase()) ?? null;
    if (!gender) notes.push({ code: "gender_invalid", field: "gender", value: mapped.gender });
  }
  let condition: FeedItem["condition"] = "new";
  if (mapped.condition) {
    const value = mapped.condition.toLowerCase() as FeedItem["condition"];
    if (CONDITIONS.has(value)) condition = value;
    else notes.push({ code: "condition_invalid", field: "condition", value: mapped.condition });
  }
  let sizeSystem: string | null = null;
  if (mapped.sizeSystem) {
    const value = mapped.sizeSystem.trim().toUpperCase();
    if (value.length === 2 && value >= "AA" && value <= "ZZ") sizeSystem = value;
    else notes.push({ code: "size_system_invalid", field: "sizeSystem", value: mapped.sizeSystem });
  }

  const optionKinds = new Map<string, OptionKind | null>();
  for (const option of product.options) optionKinds.set(option.name, optionKind(option.name));

  const eligibility = resolveEligibility(product, rules);
  const isEligibleSearch = eligibility.isEligibleSearch;
  let isEligibleCheckout = eligibility.isEligibleCheckout;
  if (product.isGiftCard && isEligibleCheckout) {
    isEligibleCheckout = false;
    notes.push({ code: "gift_card_checkout_disabled", field: "isEligibleCheckout" });
  }

  return {
    groupId: legacyId(product.id),
    groupTitle: product.title.trim(),
    description,
    productUrl: productUrlOf(product, shop),
    productImages,
    brand: (mapped.brand ?? product.vendor).trim(),
    mapped,
    productCategory,
    material,
    ageGroup,
    gender,
    condition,
    sizeSystem,
    optionKinds,
    hasVariants: product.variants.length > 1,
    isEligibleSearch,
    isEligibleCheckout,
    notes,
  };
}

function optionsOf(variant: ShopifyVariant, facts: ProductFacts): FeedOption[] {
  if (variant.title === DEFAULT_VARIANT_TITLE) return [];
  const options: FeedOption[] = [];
  for (const { name, value } of variant.selectedOptions) {
    let kind = facts.optionKinds.get(name);
    if (kind === undefined) {
      kind = optionKind(name);
      facts.optionKinds.set(name, kind);
    }
    options.push({ name, value, kind });
  }
  return options;
}

/**
 * One feed item per variant per published market for `product`, or [] when the merchant's rules leave the
 * product out (call `applyRules` for the reason) or it has no variants. Pure and allocation-light: the
 * sync streams ~100k variants through it.
 */
export function toFeedItems(
  product: ShopifyProduct,
  shop: ShopContext,
  rules: FeedRules = DEFAULT_FEED_RULES,
): FeedItem[] {
  if (product.variants.length === 0 || applyRules(product, rules).excluded) return [];
  const markets = marketsOf(shop, rules);
  if (markets.length === 0) return [];

  const facts = productFacts(product, shop, rules);
  const seller = sellerOf(shop);
  const productGtin = facts.hasVariants ? undefined : facts.mapped.gtin; // one GTIN can't name several variants
  const items: FeedItem[] = [];

  for (const variant of product.variants) {
    const notes: FeedNote[] = facts.notes.length > 0 ? [...facts.notes] : [];
    const id = legacyId(variant.id);

    const composed = composeTitle(product.title, variant.title);
    if (composed.shortened) notes.push({ code: "title_shortened", field: "title", value: composed.title });

    let images = facts.productImages;
    if (variant.image?.url && variant.image.url !== images[0]?.url) {
      const own = toFeedImage(variant.image);
      images = [own, ...images.filter((image) => image.url !== own.url)];
    }

    let gtin: string | null = null;
    if (productGtin) {
      gtin = normalizeGtin(productGtin);
      if (!gtin) notes.push({ code: "gtin_invalid", field: "gtin", value: productGtin });
    } else if (variant.barcode?.trim()) {
      gtin = normalizeGtin(variant.barcode);
      if (!gtin) notes.push({ code: "barcode_not_gtin", field: "gtin", value: variant.barcode });
    }

    let mpn = facts.mapped.mpn ?? (variant.sku?.trim() || null);
    if (mpn && mpn.length > LIMITS.mpn) {
      notes.push({ code: "mpn_too_long", field: "mpn", value: mpn });
      mpn = null;
    }

    const options = optionsOf(variant, facts);
    let color = options.find((o) => o.kind === "color")?.value ?? facts.mapped.color ?? null;
    if (color && color.length > LIMITS.color) {
      notes.push({ code: "color_too_long", field: "color", value: color });
      color = null;
    }
    let size = options.find((o) => o.kind === "size")?.value ?? facts.mapped.size ?? null;
    if (size && size.length > LIMITS.size) {
      notes.push({ code: "size_too_long", field: "size", value: size });
      size = null;
    }

    const isDigital = !variant.requiresShipping;
    const weight =
      !isDigital && variant.weight && variant.weight.value > 0
        ? { value: variant.weight.value, unit: WEIGHT_UNITS[variant.weight.unit] }
        : null;

    const url = facts.productUrl ? withVariantParam(facts.productUrl, id) : null;
    const availability = availabilityOf(variant);

    for (const market of markets) {
      const priced = priceIn(variant, market, shop.currency);
      items.push({
        id,
        groupId: facts.groupId,
        variantGid: variant.id,
        productGid: product.id,
        title: composed.title,
        groupTitle: facts.groupTitle,
        description: facts.description,
        url,
        productUrl: facts.productUrl,
        images,
        productImages: facts.productImages,
        price: priced.price,
        compareAtPrice: priced.compareAtPrice,
        market,
        availability,
        brand: facts.brand,
        gtin,
        mpn,
        condition: facts.condition,
        productCategory: facts.productCategory,
        material: facts.material,
        ageGroup: facts.ageGroup,
        gender: facts.gender,
        color,
        size,
        sizeSystem: facts.sizeSystem,
        options,
        hasVariants: facts.hasVariants,
        weight,
        isDigital,
        isGiftCard: product.isGiftCard,
        isEligibleSearch: facts.isEligibleSearch,
        isEligibleCheckout: facts.isEligibleCheckout,
        seller,
        updatedAt: product.updatedAt,
        notes: priced.note ? [...notes, priced.note] : notes,
      });
    }
  }
  return items;
}

// ---------------------------------------------------------------------------------------------------
// OpenAI file-upload row

/**
 * Every OpenAI column we emit, keyed by our name: `name` is the current (G2 "file upload") column and
 * `legacy` the launch-era (G1) name OpenAI replaced, kept here so old names resolve in one place.
 * Legacy aliases: developers.openai.com/commerce/specs/feed (G1) and elliotjreed/openai-product-feed-php
 * `Columns::SUPERSEDED_NAMES` @ 8c5812b.
 */
export const FIELD_NAMES = {
  isEligibleSearch: { name: "is_eligible_search", legacy: "enable_search" },
  isEligibleCheckout: { name: "is_eligible_checkout", legacy: "enable_checkout" },
  id: { name: "item_id", legacy: "id" },
  title: { name: "title" },
  description: { name: "description" },
  url: { name: "url", legacy: "link" },
  brand: { name: "brand" },
  gtin: { name: "gtin" },
  mpn: { name: "mpn" },
  condition: { name: "condition" },
  productCategory: { name: "product_category" },
  material: { name: "material" },
  ageGroup: { name: "age_group" },
  gender: { name: "gender" },
  weight: { name: "weight" },
  weightUnit: { name: "item_weight_unit" },
  imageUrl: { name: "image_url", legacy: "image_link" },
  additionalImageUrls: { name: "additional_image_urls", legacy: "additional_image_link" },
  price: { name: "price" },
  salePrice: { name: "sale_price" },
  availability: { name: "availability" },
  groupId: { name: "group_id", legacy: "item_group_id" },
  hasVariants: { name: "listing_has_variations" },
  variantDict: { name: "variant_dict" },
  groupTitle: { name: "item_group_title" },
  color: { name: "color" },
  size: { name: "size" },
  sizeSystem: { name: "size_system" },
  isDigital: { name: "is_digital" },
  sellerName: { name: "seller_name" },
  sellerUrl: { name: "seller_url" },
  sellerPrivacyPolicy: { name: "seller_privacy_policy" },
  sellerTos: { name: "seller_tos" },
  returnPolicy: { name: "return_policy" },
  acceptsReturns: { name: "accepts_returns" },
  returnWindowDays: { name: "return_deadline_in_days", legacy: "return_window" },
  targetCountries: { name: "target_countries" },
  storeCountry: { name: "store_country" },
} as const satisfies Record<string, { name: string; legacy?: string }>;

export type OpenAiFieldKey = keyof typeof FIELD_NAMES;
export type OpenAiColumn = (typeof FIELD_NAMES)[OpenAiFieldKey]["name"];
/** One OpenAI feed row: every value a string as the file wants it; unknown optional values are absent. */
export type OpenAiFeedRow = Partial<Record<OpenAiColumn, string>>;

/** G1 column name → current column name, for reading feeds or settings written with the old names. */
export const LEGACY_COLUMN_ALIASES: Readonly<Record<string, OpenAiColumn>> = Object.fromEntries(
  Object.values(FIELD_NAMES).flatMap((f) => ("legacy" in f ? [[f.legacy, f.name]] : [])),
);

function bool(value: boolean): string {
  return value ? "true" : "false";
}

/** Commas separate list entries in the file, so a comma inside a URL must be escaped. */
function listUrl(url: string): string {
  return url.includes(",") ? url.replaceAll(",", "%2C") : url;
}

/** Weight as a plain decimal string (no exponent), e.g. 0.25 → "0.25". */
function decimalString(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/**
 * The OpenAI file-upload row for one item (columns per `FIELD_NAMES`, values per the stable spec: lower-case
 * booleans, "79.99 USD" prices, comma-separated lists). Optional values we don't know are left out, as the
 * spec asks ("do not submit placeholders").
 */
export function toOpenAiFeedRow(item: FeedItem): OpenAiFeedRow {
  const row: OpenAiFeedRow = {};
  const set = (key: OpenAiFieldKey, value: string | null | undefined) => {
    if (value !== null && value !== undefined && value !== "") row[FIELD_NAMES[key].name] = value;
  };
  const { seller } = item;

  set("isEligibleSearch", bool(item.isEligibleSearch));
  set("isEligibleCheckout", bool(item.isEligibleCheckout));
  set("id", item.id);
  set("title", item.title);
  set("description", item.description);
  set("url", item.url);
  set("brand", item.brand);
  set("gtin", item.gtin);
  set("mpn", item.mpn);
  set("condition", item.condition);
  set("productCategory", item.productCategory?.value);
  set("material", item.material);
  set("ageGroup", item.ageGroup);
  set("gender", item.gender);
  if (item.weight) {
    set("weight", decimalString(item.weight.value));
    set("weightUnit", item.weight.unit);
  }
  set("imageUrl", item.images[0]?.url);
  if (item.images.length > 1)
    set(
      "additionalImageUrls",
      item.images
        .slice(1)
        .map((i) => listUrl(i.url))
        .join(","),
    );
  if (item.price) {
    if (item.compareAtPrice) {
      set("price", formatFeedPrice(item.compareAtPrice.amount, item.compareAtPrice.currency));
      set("salePrice", formatFeedPrice(item.price.amount, item.price.currency));
    } else {
      set("price", formatFeedPrice(item.price.amount, item.price.currency));
    }
  }
  set("availability", item.availability);
  set("groupId", item.groupId);
  set("hasVariants", bool(item.hasVariants));
  if (item.hasVariants && item.options.length > 0) {
    const dict: Record<string, string> = {};
    for (const o of item.options) dict[o.kind ?? o.name] ??= o.value;
    set("variantDict", JSON.stringify(dict));
  }
  if (item.groupTitle.length <= LIMITS.title) set("groupTitle", item.groupTitle);
  set("color", item.color);
  set("size", item.size);
  set("sizeSystem", item.sizeSystem);
  set("isDigital", bool(item.isDigital));
  set("sellerName", seller.name);
  set("sellerUrl", seller.url);
  set("sellerPrivacyPolicy", seller.privacyPolicyUrl);
  set("sellerTos", seller.termsOfServiceUrl);
  set("returnPolicy", seller.refundPolicyUrl);
  const days = seller.returnWindowDays;
  if (days !== null && Number.isInteger(days) && days >= 0) {
    // 0 is a final sale; the deadline must be a positive integer, so it goes only with accepted returns.
    set("acceptsReturns", bool(days > 0));
    if (days > 0) set("returnWindowDays", String(days));
  }
  set("targetCountries", item.market.countries.join(","));
  set("storeCountry", seller.storeCountry);
  return row;
}

// ---------------------------------------------------------------------------------------------------
// ACP Feed API Product (2026-04-17)

/** `Price` */
export interface AcpFeedPrice {
  amount: number;
  currency: string;
}
/** `Media` */
export interface AcpFeedMedia {
  type: "image";
  url: string;
  alt_text?: string;
}
/** `Link` */
export interface AcpFeedLink {
  type: "privacy_policy" | "terms_of_service" | "refund_policy" | "shipping_policy";
  url: string;
}
/** `Seller` */
export interface AcpFeedSeller {
  name?: string;
  links?: AcpFeedLink[];
}
/** `Variant` */
export interface AcpFeedVariant {
  id: string;
  title: string;
  url?: string;
  barcodes?: { type: string; value: string }[];
  price?: AcpFeedPrice;
  list_price?: AcpFeedPrice;
  availability?: { available: boolean; status: string };
  categories?: { value: string; taxonomy?: string }[];
  condition?: string[];
  variant_options?: { name: string; value: string }[];
  media?: AcpFeedMedia[];
  seller?: AcpFeedSeller;
}
/** `Product` */
export interface AcpFeedProduct {
  id: string;
  title?: string;
  description?: { plain: string };
  url?: string;
  media?: AcpFeedMedia[];
  variants: AcpFeedVariant[];
}

/** ACP `Availability.status` values (known values in schema.feed.json). */
const ACP_STATUS: Record<FeedAvailability, string | null> = {
  in_stock: "in_stock",
  out_of_stock: "out_of_stock",
  backorder: "backorder",
  pre_order: "preorder",
  unknown: null,
};

function acpMedia(image: FeedImage): AcpFeedMedia {
  return image.altText
    ? { type: "image", url: image.url, alt_text: image.altText }
    : { type: "image", url: image.url };
}

const acpSellers = new WeakMap<FeedSeller, AcpFeedSeller>();

function acpSeller(seller: FeedSeller): AcpFeedSeller {
  let result = acpSellers.get(seller);
  if (!result) {
    const links: AcpFeedLink[] = [];
    if (seller.privacyPolicyUrl) links.push({ type: "privacy_policy", url: seller.privacyPolicyUrl });
    if (seller.termsOfServiceUrl) links.push({ type: "terms_of_service", url: seller.termsOfServiceUrl });
    if (seller.refundPolicyUrl) links.push({ type: "refund_policy", url: seller.refundPolicyUrl });
    if (seller.shippingPolicyUrl) links.push({ type: "shipping_policy", url: seller.shippingPolicyUrl });
    result = links.length > 0 ? { name: seller.name, links } : { name: seller.name };
    acpSellers.set(seller, result);
  }
  return result;
}

function acpVariant(item: FeedItem): AcpFeedVariant {
  const variant: AcpFeedVariant = { id: item.id, title: item.title };
  if (item.url) variant.url = item.url;
  if (item.gtin) variant.barcodes = [{ type: "GTIN", value: item.gtin }];
  if (item.price) {
    variant.price = { amount: item.price.amount, currency: item.price.currency };
    if (item.compareAtPrice) {
      variant.list_price = { amount: item.compareAtPrice.amount, currency: item.compareAtPrice.currency };
    }
  }
  const status = ACP_STATUS[item.availability];
  if (status) variant.availability = { available: item.availability !== "out_of_stock", status };
  if (item.productCategory) {
    variant.categories = [{ value: item.productCategory.value, taxonomy: item.productCategory.taxonomy }];
  }
  variant.condition = [item.condition];
  if (item.options.length > 0)
    variant.variant_options = item.options.map((o) => ({ name: o.name, value: o.value }));
  // Only a variant's own picture is variant media; the product's images are on the Product.
  if (item.images.length > 0 && item.images !== item.productImages)
    variant.media = [acpMedia(item.images[0])];
  variant.seller = acpSeller(item.seller);
  return variant;
}

/**
 * The ACP Feed API `Product` for one product's items in one market (what `toFeedItems` returned, after
 * `validate`). Variants not eligible for search are left out, since the ACP feed has no search flag;
 * returns null when none are left. Throws when the items span products or markets: that is a caller bug.
 */
export function toAcpFeedProduct(items: readonly FeedItem[]): AcpFeedProduct | null {
  if (items.length === 0) return null;
  const first = items[0];
  for (const item of items) {
    if (item.groupId !== first.groupId || item.market.handle !== first.market.handle) {
      throw new Error(
        `toAcpFeedProduct: items must share one product and market (got ${item.groupId}/${item.market.handle} ` +
          `after ${first.groupId}/${first.market.handle})`,
      );
    }
  }
  const variants = items.filter((i) => i.isEligibleSearch).map(acpVariant);
  if (variants.length === 0) return null;

  const product: AcpFeedProduct = { id: first.groupId, title: first.groupTitle, variants };
  if (first.description) product.description = { plain: first.description };
  if (first.productUrl) product.url = first.productUrl;
  if (first.productImages.length > 0) product.media = first.productImages.map(acpMedia);
  return product;
}
