import { GraphQLError } from "graphql";
import { connection, count, legacyId, type PageArgs } from "../connection";
import { dateTime, moneyScalar, moneyV2, plainText, unsignedInt64 } from "../format";
import {
  availableQuantity,
  findInventoryItem,
  numericId,
  type Collection,
  type InventoryItem,
  type InventoryLevel,
  type Location,
  type Market,
  type Metafield,
  type Product,
  type ProductImage,
  type ShopState,
  type Variant,
} from "../store";
import type { SandboxContext } from "./types";

/**
 * Views of catalog objects in the Admin API's shape. Each view lists the fields the sandbox
 * serves; a field the schema has but the view lacks fails loudly (see resolvers/types.ts).
 * Arguments the Admin API supports on a field (first/after, namespace/key, context) are honoured.
 */

type Args = Record<string, unknown> & PageArgs;

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
const currencyNames = new Intl.DisplayNames(["en"], { type: "currency" });

export function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** Lists kept in their natural order (variants by position, images, levels) page by index. */
function listConnection<T>(
  items: readonly T[],
  args: Args,
  ctx: SandboxContext,
  id: (item: T) => string,
  view: (item: T) => unknown,
) {
  const indexed = items.map((item, index) => ({ item, index }));
  const ordered = args.reverse ? [...indexed].reverse() : indexed;
  return connection(ordered, args, ctx, {
    id: ({ item }) => id(item),
    sortValue: ({ index }) => index,
    view: ({ item }) => view(item),
    reverse: !!args.reverse,
  });
}

// ---- shop-level objects ----

export function locationView(ctx: SandboxContext, location: Location) {
  const shop = ctx.shop;
  const levelsHere = () =>
    allVariants(shop).flatMap(({ variant }) =>
      variant.inventoryItem.levels
        .filter((level) => level.locationId === location.id)
        .map((level) => ({ item: variant.inventoryItem, level })),
    );
  return {
    __typename: "Location",
    id: location.id,
    legacyResourceId: unsignedInt64(numericId(location.id)),
    name: location.name,
    isActive: location.isActive,
    isPrimary: shop.locations[0]?.id === location.id,
    activatable: !location.isActive,
    deactivatable: location.isActive,
    deletable: !location.isActive,
    deactivatedAt: location.isActive ? null : dateTime(ctx.now()),
    fulfillsOnlineOrders: location.isActive,
    shipsInventory: location.isActive,
    hasActiveInventory: location.isActive,
    hasUnfulfilledOrders: false,
    isFulfillmentService: false,
    fulfillmentService: null,
    addressVerified: false,
    suggestedAddresses: [],
    createdAt: dateTime("2024-01-01T00:00:00Z"),
    updatedAt: dateTime("2024-01-01T00:00:00Z"),
    address: {
      address1: null,
      address2: null,
      city: null,
      country: countryName(location.countryCode),
      countryCode: location.countryCode,
      formatted: [countryName(location.countryCode)],
      latitude: null,
      longitude: null,
      phone: null,
      province: null,
      provinceCode: null,
      zip: null,
    },
    inventoryLevel: ({ inventoryItemId }: { inventoryItemId: string }) => {
      const found = levelsHere().find(({ item }) => item.id === inventoryItemId);
      return found ? inventoryLevelView(ctx, found.item, found.level) : null;
    },
    inventoryLevels: (args: Args) =>
      listConnection(
        levelsHere(),
        args,
        ctx,
        ({ item }) => item.id,
        ({ item, level }) => inventoryLevelView(ctx, item, level),
      ),
    ...emptyMetafields(ctx),
  };
}

export function collectionView(ctx: SandboxContext, collection: Collection) {
  const products = () =>
    [...ctx.shop.products.values()].filter((product) => product.collectionIds.includes(collection.id));
  return {
    __typename: "Collection",
    id: collection.id,
    legacyResourceId: unsignedInt64(numericId(collection.id)),
    handle: collection.handle,
    title: collection.title,
    description: ({ truncateAt }: { truncateAt?: number }) => plainText("", truncateAt),
    descriptionHtml: "",
    updatedAt: dateTime("2024-01-01T00:00:00Z"),
    sortOrder: "MANUAL",
    templateSuffix: null,
    image: null,
    ruleSet: null,
    seo: { title: null, description: null },
    productsCount: count(products().length),
    hasProduct: ({ id }: { id: string }) => products().some((product) => product.id === id),
    products: (args: Args) =>
      listConnection(
        products(),
        args,
        ctx,
        (product) => product.id,
        (product) => productView(ctx, product),
      ),
    ...emptyMetafields(ctx),
  };
}

export function currencySetting(code: string) {
  return {
    currencyCode: code,
    currencyName: currencyNames.of(code) ?? code,
    enabled: true,
    manualRate: null,
    rateUpdatedAt: null,
  };
}

export function marketView(ctx: SandboxContext, market: Market) {
  const regions = (args: Args) =>
    listConnection(
      market.countryCodes,
      args,
      ctx,
      (code) => `gid://shopify/MarketRegionCountry/${regionId(market, code)}`,
      (code) => ({
        __typename: "MarketRegionCountry",
        id: `gid://shopify/MarketRegionCountry/${regionId(market, code)}`,
        name: countryName(code),
        code,
        currency: currencySetting(market.currencyCode),
      }),
    );
  return {
    __typename: "Market",
    id: market.id,
    handle: market.handle,
    name: market.name,
    type: "REGION",
    status: "ACTIVE",
    enabled: true,
    primary: market.primary,
    currencySettings: {
      baseCurrency: currencySetting(market.currencyCode),
      localCurrencies: false,
      roundingEnabled: true,
    },
    conditions: {
      conditionTypes: ["REGION"],
      regionsCondition: { applicationLevel: "SPECIFIED", regions },
      locationsCondition: null,
      companyLocationsCondition: null,
    },
    regions,
    ...emptyMetafields(ctx),
  };
}

function regionId(market: Market, code: string): number {
  return legacyId(market.id) * 1000 + (code.charCodeAt(0) - 64) * 27 + (code.charCodeAt(1) - 64);
}

// ---- products ----

export function allVariants(shop: ShopState): { product: Product; variant: Variant }[] {
  const result: { product: Product; variant: Variant }[] = [];
  for (const product of shop.products.values())
    for (const variant of product.variants) result.push({ product, variant });
  return result;
}

function metafieldView(ctx: SandboxContext, metafield: Metafield, owner: () => unknown, ownerType: string) {
  return {
    __typename: "Metafield",
    id: metafield.id,
    legacyResourceId: unsignedInt64(numericId(metafield.id)),
    namespace: metafield.namespace,
    key: metafield.key,
    type: metafield.type,
    value: metafield.value,
    jsonValue: metafieldJson(metafield),
    compareDigest: Buffer.from(`${metafield.id}:${metafield.value}`).toString("base64url"),
    createdAt: dateTime("2024-01-01T00:00:00Z"),
    updatedAt: dateTime("2024-01-01T00:00:00Z"),
    definition: null,
    reference: null,
    references: null,
    owner,
    ownerType,
  };
}

function metafieldJson(metafield: Metafield): unknown {
  if (metafield.type.startsWith("list.") || metafield.type === "json" || metafield.type === "boolean") {
    try {
      return JSON.parse(metafield.value);
    } catch {
      return metafield.value;
    }
  }
  if (metafield.type === "number_integer" || metafield.type === "number_decimal")
    return Number(metafield.value);
  return metafield.value;
}

function metafieldFields(
  ctx: SandboxContext,
  metafields: Metafield[],
  owner: () => unknown,
  ownerType: string,
) {
  return {
    metafield: ({ namespace, key }: { namespace?: string | null; key: string }) => {
      // Without a namespace Shopify looks in the app's reserved namespace, which the sandbox keeps empty.
      const found = metafields.find(
        (metafield) => metafield.namespace === namespace && metafield.key === key,
      );
      return found ? metafieldView(ctx, found, owner, ownerType) : null;
    },
    metafields: (args: Args & { namespace?: string | null; keys?: string[] | null }) => {
      const keys = args.keys ?? null;
      const selected = metafields.filter(
        (metafield) =>
          (!args.namespace || metafield.namespace === args.namespace) &&
          (!keys || keys.includes(`${metafield.namespace}.${metafield.key}`)),
      );
      return listConnection(
        selected,
        args,
        ctx,
        (metafield) => metafield.id,
        (metafield) => metafieldView(ctx, metafield, owner, ownerType),
      );
    },
  };
}

function emptyMetafields(ctx: SandboxContext) {
  return metafieldFields(ctx, [], () => null, "SHOP");
}

function imageView(image: ProductImage) {
  return {
    __typename: "Image",
    id: image.id,
    altText: image.altText,
    width: image.width,
    height: image.height,
    url: () => image.url,
    thumbhash: null,
    metafield: () => null,
  };
}

function mediaImageView(image: ProductImage) {
  const id = image.id.replace("/ProductImage/", "/MediaImage/");
  return {
    __typename: "MediaImage",
    id,
    alt: image.altText,
    mediaContentType: "IMAGE",
    status: "READY",
    mediaErrors: [],
    mediaWarnings: [],
    fileErrors: [],
    fileStatus: "READY",
    mimeType: image.url.endsWith(".png") ? "image/png" : "image/jpeg",
    image: imageView(image),
    preview: { status: "READY", image: imageView(image) },
    createdAt: dateTime("2024-01-01T00:00:00Z"),
    updatedAt: dateTime("2024-01-01T00:00:00Z"),
  };
}

function isDefaultOnly(product: Product): boolean {
  return (
    product.variants.length === 1 &&
    product.options.length === 1 &&
    product.options[0].name === "Title" &&
    product.options[0].values.length === 1 &&
    product.options[0].values[0] === "Default Title"
  );
}

/** Shopify sums `inventoryQuantity` of tracked variants only. */
export function totalInventory(shop: ShopState, product: Product): number {
  return product.variants
    .filter((variant) => variant.inventoryItem.tracked)
    .reduce((sum, variant) => sum + availableQuantity(shop, variant.inventoryItem), 0);
}

export function isOnlineStorePublished(product: Product): boolean {
  return product.status === "ACTIVE" && product.publishedOnlineStore && product.publishedAt !== null;
}

export function onlineStoreUrl(shop: ShopState, product: Product): string | null {
  return isOnlineStorePublished(product) ? `${shop.primaryDomainUrl}/products/${product.handle}` : null;
}

function priceRange(prices: number[], currencyCode: string) {
  const min = prices.length > 0 ? Math.min(...prices) : 0;
  const max = prices.length > 0 ? Math.max(...prices) : 0;
  return { min: moneyV2(min.toFixed(2), currencyCode), max: moneyV2(max.toFixed(2), currencyCode) };
}

export function productView(ctx: SandboxContext, product: Product): Record<string, unknown> {
  const shop = ctx.shop;
  const self = () => productView(ctx, product);
  const range = () =>
    priceRange(
      product.variants.map((variant) => Number(variant.price)),
      shop.currencyCode,
    );
  const compareRange = () =>
    priceRange(
      product.variants.map((variant) => Number(variant.compareAtPrice ?? variant.price)),
      shop.currencyCode,
    );
  // Product.collections defaults to sortKey ID (TITLE is the other key apps use).
  const collections = (sortKey?: string) =>
    product.collectionIds
      .map((id) => shop.collections.get(id))
      .filter((collection): collection is Collection => !!collection)
      .sort((a, b) =>
        sortKey === "TITLE" ? a.title.localeCompare(b.title) : legacyId(a.id) - legacyId(b.id),
      );
  return {
    __typename: "Product",
    id: product.id,
    legacyResourceId: unsignedInt64(numericId(product.id)),
    defaultCursor: Buffer.from(
      JSON.stringify({ last_id: legacyId(product.id), last_value: String(legacyId(product.id)) }),
    ).toString("base64"),
    handle: product.handle,
    title: product.title,
    description: ({ truncateAt }: { truncateAt?: number | null }) =>
      plainText(product.descriptionHtml, truncateAt),
    descriptionHtml: product.descriptionHtml,
    vendor: product.vendor,
    productType: product.productType,
    status: product.status,
    // The Admin API returns tags sorted alphabetically.
    tags: [...product.tags].sort((a, b) => a.localeCompare(b)),
    isGiftCard: product.isGiftCard,
    giftCardTemplateSuffix: null,
    templateSuffix: null,
    requiresSellingPlan: false,
    onlineStoreUrl: onlineStoreUrl(shop, product),
    onlineStorePreviewUrl: isOnlineStorePublished(product)
      ? onlineStoreUrl(shop, product)
      : `https://${shop.domain}/products_preview?preview_key=${Buffer.from(product.id).toString("hex").slice(-32)}`,
    createdAt: dateTime(product.createdAt),
    updatedAt: dateTime(product.updatedAt),
    publishedAt: dateTime(product.publishedAt),
    category: product.category
      ? {
          __typename: "TaxonomyCategory",
          id: product.category.id,
          fullName: product.category.fullName,
          name: product.category.fullName.split(" > ").pop(),
          level: product.category.fullName.split(" > ").length,
          isLeaf: true,
          isRoot: product.category.fullName.split(" > ").length === 1,
          isArchived: false,
          parentId: null,
          ancestorIds: [],
          childrenIds: [],
        }
      : null,
    seo: { title: null, description: null },
    options: ({ first }: { first?: number | null }) =>
      product.options
        .slice(0, first ?? undefined)
        .sort((a, b) => a.position - b.position)
        .map((option) => ({
          __typename: "ProductOption",
          id: option.id,
          name: option.name,
          position: option.position,
          values: option.values,
          linkedMetafield: null,
          optionValues: option.values.map((value, index) => ({
            __typename: "ProductOptionValue",
            id: `gid://shopify/ProductOptionValue/${legacyId(option.id) * 100 + index + 1}`,
            name: value,
            hasVariants: product.variants.some((variant) =>
              variant.selectedOptions.some(
                (selected) => selected.name === option.name && selected.value === value,
              ),
            ),
            linkedMetafieldValue: null,
            swatch: null,
          })),
        })),
    featuredMedia: product.images[0] ? mediaImageView(product.images[0]) : null,
    featuredImage: product.images[0] ? imageView(product.images[0]) : null,
    media: (args: Args) => listConnection(product.images, args, ctx, (image) => image.id, mediaImageView),
    mediaCount: count(product.images.length),
    images: (args: Args) => listConnection(product.images, args, ctx, (image) => image.id, imageView),
    variants: (args: Args) =>
      listConnection(
        [...product.variants].sort((a, b) => a.position - b.position),
        args,
        ctx,
        (variant) => variant.id,
        (variant) => variantView(ctx, product, variant),
      ),
    variantsCount: count(product.variants.length),
    totalVariants: product.variants.length,
    hasOnlyDefaultVariant: isDefaultOnly(product),
    hasOutOfStockVariants: () =>
      product.variants.some(
        (variant) => variant.inventoryItem.tracked && availableQuantity(shop, variant.inventoryItem) <= 0,
      ),
    hasVariantsThatRequiresComponents: false,
    totalInventory: () => totalInventory(shop, product),
    tracksInventory: product.variants.some((variant) => variant.inventoryItem.tracked),
    priceRangeV2: () => ({ minVariantPrice: range().min, maxVariantPrice: range().max }),
    compareAtPriceRange: () =>
      product.variants.some((variant) => variant.compareAtPrice)
        ? { minVariantCompareAtPrice: compareRange().min, maxVariantCompareAtPrice: compareRange().max }
        : null,
    contextualPricing: ({ context }: { context: PricingContext }) => {
      const priced = product.variants.map((variant) => contextualPricingView(ctx, variant, context));
      const amounts = priced.map((entry) => Number(entry.price.amount));
      const currency = priced[0]?.price.currencyCode ?? shop.currencyCode;
      const min = priced[amounts.indexOf(Math.min(...amounts))] ?? null;
      const max = priced[amounts.indexOf(Math.max(...amounts))] ?? null;
      const contextRange = priceRange(amounts, currency);
      return {
        minVariantPricing: min,
        maxVariantPricing: max,
        priceRange: { minVariantPrice: contextRange.min, maxVariantPrice: contextRange.max },
        fixedQuantityRulesCount: 0,
      };
    },
    collections: (args: Args) =>
      listConnection(
        collections(args.sortKey as string | undefined),
        args,
        ctx,
        (collection) => collection.id,
        (collection) => collectionView(ctx, collection),
      ),
    inCollection: ({ id }: { id: string }) => product.collectionIds.includes(id),
    ...metafieldFields(ctx, product.metafields, self, "PRODUCT"),
  };
}

export interface PricingContext {
  country?: string | null;
  companyLocationId?: string | null;
  locationId?: string | null;
}

/**
 * Markets pricing: the buyer's country picks its market; a fixed price for that market's
 * currency wins (price lists), otherwise the shop price is converted with the market's rate.
 * Countries in no market price in the shop currency.
 */
export function contextualPrice(shop: ShopState, variant: Variant, country: string | null | undefined) {
  const market = country
    ? shop.markets.find((candidate) => candidate.countryCodes.includes(country))
    : undefined;
  if (!market || market.currencyCode === shop.currencyCode) {
    return { currencyCode: shop.currencyCode, price: variant.price, compareAtPrice: variant.compareAtPrice };
  }
  const fixed = variant.contextualPrices.find((entry) => entry.currencyCode === market.currencyCode);
  if (fixed) return fixed;
  const convert = (amount: string | null) =>
    amount === null ? null : (Number(amount) * market.conversionRate).toFixed(2);
  return {
    currencyCode: market.currencyCode,
    price: convert(variant.price)!,
    compareAtPrice: convert(variant.compareAtPrice),
  };
}

function contextualPricingView(ctx: SandboxContext, variant: Variant, context: PricingContext) {
  const priced = contextualPrice(ctx.shop, variant, context?.country);
  return {
    price: moneyV2(priced.price, priced.currencyCode),
    compareAtPrice:
      priced.compareAtPrice === null ? null : moneyV2(priced.compareAtPrice, priced.currencyCode),
    unitPrice: null,
    quantityRule: { minimum: 1, maximum: null, increment: 1, isDefault: true, originType: "FIXED" },
    quantityPriceBreaks: (args: Args) => connection([], args, ctx, { id: () => "0", view: () => null }),
  };
}

/** Shopify: sellable when inventory is not tracked, overselling is allowed, or units are available. */
export function availableForSale(shop: ShopState, product: Product, variant: Variant): boolean {
  if (product.status !== "ACTIVE") return false;
  const item = variant.inventoryItem;
  return !item.tracked || variant.inventoryPolicy === "CONTINUE" || availableQuantity(shop, item) > 0;
}

export function variantView(
  ctx: SandboxContext,
  product: Product,
  variant: Variant,
): Record<string, unknown> {
  const shop = ctx.shop;
  const image = variant.imageId
    ? product.images.find((candidate) => candidate.id === variant.imageId)
    : undefined;
  const quantity = availableQuantity(shop, variant.inventoryItem);
  const self = () => variantView(ctx, product, variant);
  return {
    __typename: "ProductVariant",
    id: variant.id,
    legacyResourceId: unsignedInt64(numericId(variant.id)),
    defaultCursor: Buffer.from(
      JSON.stringify({ last_id: legacyId(variant.id), last_value: String(legacyId(variant.id)) }),
    ).toString("base64"),
    title: variant.title,
    displayName: `${product.title} - ${variant.title}`,
    sku: variant.sku,
    barcode: variant.barcode,
    price: moneyScalar(variant.price),
    compareAtPrice: variant.compareAtPrice === null ? null : moneyScalar(variant.compareAtPrice),
    availableForSale: availableForSale(shop, product, variant),
    inventoryQuantity: quantity,
    sellableOnlineQuantity: Math.max(0, quantity),
    inventoryPolicy: variant.inventoryPolicy,
    taxable: variant.taxable,
    taxCode: null,
    position: variant.position,
    requiresComponents: false,
    showUnitPrice: false,
    unitPrice: null,
    unitPriceMeasurement: null,
    createdAt: dateTime(variant.createdAt),
    updatedAt: dateTime(variant.updatedAt),
    selectedOptions: variant.selectedOptions.map((selected) => {
      const option = product.options.find((candidate) => candidate.name === selected.name);
      const index = option ? option.values.indexOf(selected.value) : -1;
      return {
        name: selected.name,
        value: selected.value,
        optionValue: {
          __typename: "ProductOptionValue",
          id: `gid://shopify/ProductOptionValue/${option ? legacyId(option.id) * 100 + index + 1 : 0}`,
          name: selected.value,
          hasVariants: true,
          linkedMetafieldValue: null,
          swatch: null,
        },
      };
    }),
    image: image ? imageView(image) : null,
    media: (args: Args) =>
      listConnection(image ? [image] : [], args, ctx, (entry) => entry.id, mediaImageView),
    product: () => productView(ctx, product),
    inventoryItem: () => inventoryItemView(ctx, product, variant),
    contextualPricing: ({ context }: { context: PricingContext }) =>
      contextualPricingView(ctx, variant, context),
    ...metafieldFields(ctx, [], self, "PRODUCTVARIANT"),
  };
}

const QUANTITY_NAMES = new Set([
  "available",
  "committed",
  "damaged",
  "incoming",
  "on_hand",
  "quality_control",
  "reserved",
  "safety_stock",
]);

export function inventoryLevelId(item: InventoryItem, locationId: string): string {
  return `gid://shopify/InventoryLevel/${numericId(locationId)}?inventory_item_id=${numericId(item.id)}`;
}

export function inventoryLevelView(
  ctx: SandboxContext,
  item: InventoryItem,
  level: InventoryLevel,
): Record<string, unknown> {
  const location = ctx.shop.locations.find((candidate) => candidate.id === level.locationId);
  return {
    __typename: "InventoryLevel",
    id: inventoryLevelId(item, level.locationId),
    canDeactivate: true,
    deactivationAlert: null,
    createdAt: dateTime(level.updatedAt),
    updatedAt: dateTime(level.updatedAt),
    location: location ? locationView(ctx, location) : null,
    item: () => {
      const owner = findInventoryItem(ctx.shop, item.id);
      if (!owner) throw new GraphQLError(`Inventory item ${item.id} has no variant`);
      return inventoryItemView(ctx, owner.product, owner.variant);
    },
    quantities: ({ names }: { names: string[] }) => {
      const invalid = names.filter((name) => !QUANTITY_NAMES.has(name));
      if (invalid.length > 0) {
        throw new GraphQLError(`The quantity names ${invalid.join(", ")} are not valid.`, {
          extensions: { code: "BAD_REQUEST" },
        });
      }
      // The sandbox keeps one number per level: everything on hand is available (nothing committed).
      return names.map((name) => ({
        id: `gid://shopify/InventoryQuantity/${numericId(location?.id ?? "0")}?inventory_item_id=${numericId(item.id)}&name=${name}`,
        name,
        quantity: name === "available" || name === "on_hand" ? level.available : 0,
        updatedAt: dateTime(level.updatedAt),
      }));
    },
  };
}

export function inventoryItemView(
  ctx: SandboxContext,
  product: Product,
  variant: Variant,
): Record<string, unknown> {
  const item = variant.inventoryItem;
  const shop = ctx.shop;
  const levels = () =>
    item.levels.filter((level) => shop.locations.some((location) => location.id === level.locationId));
  return {
    __typename: "InventoryItem",
    id: item.id,
    legacyResourceId: unsignedInt64(numericId(item.id)),
    sku: item.sku,
    tracked: item.tracked,
    trackedEditable: { locked: false, reason: null },
    requiresShipping: item.requiresShipping,
    countryCodeOfOrigin: null,
    provinceCodeOfOrigin: null,
    harmonizedSystemCode: null,
    countryHarmonizedSystemCodes: (args: Args) =>
      connection([], args, ctx, { id: () => "0", view: () => null }),
    unitCost: null,
    createdAt: dateTime(variant.createdAt),
    updatedAt: dateTime(variant.updatedAt),
    // Lazy: scanning every variant per item would make list and bulk reads quadratic.
    duplicateSkuCount: () =>
      item.sku
        ? allVariants(shop).filter(({ variant: other }) => other.id !== variant.id && other.sku === item.sku)
            .length
        : 0,
    inventoryHistoryUrl: `https://admin.shopify.com/store/${shop.domain.replace(".myshopify.com", "")}/products/inventory/${numericId(item.id)}/inventory_history`,
    measurement: {
      id: `gid://shopify/InventoryItemMeasurement/${numericId(item.id)}`,
      weight: item.weight ? { value: item.weight.value, unit: item.weight.unit } : null,
    },
    locationsCount: count(levels().length),
    inventoryLevel: ({ locationId }: { locationId: string }) => {
      const level = levels().find((candidate) => candidate.locationId === locationId);
      return level ? inventoryLevelView(ctx, item, level) : null;
    },
    inventoryLevels: (args: Args) =>
      listConnection(
        levels(),
        args,
        ctx,
        (level) => inventoryLevelId(item, level.locationId),
        (level) => inventoryLevelView(ctx, item, level),
      ),
    variant: () => variantView(ctx, product, variant),
    variants: (args: Args) =>
      listConnection(
        [variant],
        args,
        ctx,
        (entry) => entry.id,
        (entry) => variantView(ctx, product, entry),
      ),
  };
}
