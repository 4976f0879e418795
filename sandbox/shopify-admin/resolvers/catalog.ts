import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { connection, count, legacyId, type PageArgs } from "../connection";
import { dateTime, requireScope } from "../format";
import {
  compileSearch,
  matchBoolean,
  matchDate,
  matchExact,
  matchNumber,
  matchText,
  type SearchSpec,
} from "../search";
import {
  availableQuantity,
  findInventoryItem,
  findVariant,
  numericId,
  type Collection,
  type Location,
  type Market,
  type Product,
  type Variant,
} from "../store";
import {
  allVariants,
  collectionView,
  countryName,
  inventoryItemView,
  inventoryLevelView,
  isOnlineStorePublished,
  locationView,
  marketView,
  productView,
  totalInventory,
  variantView,
} from "./catalog-views";
import type { ResolverModule, SandboxContext } from "./types";

/**
 * Catalog side of the Admin API: shop, products, variants, inventory, locations, collections,
 * markets, the app installation. Read-only: catalog changes come from the control API, the way
 * a merchant edits products in the Shopify admin.
 */

type Args = Record<string, unknown> &
  PageArgs & { query?: string | null; sortKey?: string; reverse?: boolean };

/**
 * GIDs are validated like Shopify does: a malformed one is a coercion error, a well-formed id
 * of another type or an unknown id is simply not found (null).
 */
export function parseGid(id: string): { type: string; id: string } {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/([^/?]+)(\?.*)?$/.exec(id);
  if (!match) {
    throw new GraphQLError(`Invalid global id '${id}'`, {
      extensions: { code: "argumentLiteralsIncompatible", typeName: "CoercionError" },
    });
  }
  return { type: match[1], id: match[2] };
}

/** Records Shopify's `extensions.search` warning for filter fields the connection ignores. */
function warnUnknownFields(ctx: SandboxContext, info: GraphQLResolveInfo, query: string, unknown: string[]) {
  if (unknown.length === 0) return;
  ctx.searchWarnings?.push({
    path: [info.path.key],
    query,
    warnings: unknown.map((field) => ({
      field,
      message: "Invalid search field for this query.",
      code: "invalid_field",
    })),
  });
}

function productSearch(ctx: SandboxContext): SearchSpec<Product> {
  const now = ctx.now();
  const skus = (product: Product) => product.variants.map((variant) => variant.sku);
  return {
    default: (product, term) =>
      matchText(
        [
          product.title,
          product.vendor,
          product.productType,
          product.handle,
          ...product.tags,
          ...skus(product),
        ],
        term,
        true,
      ),
    fields: {
      status: (product, term) => matchExact([product.status], term),
      title: (product, term) => matchText([product.title], term),
      handle: (product, term) => matchExact([product.handle], term),
      vendor: (product, term) => matchExact([product.vendor], term),
      product_type: (product, term) => matchExact([product.productType], term),
      tag: (product, term) => matchExact(product.tags, term),
      tag_not: (product, term) => !matchExact(product.tags, term),
      id: (product, term) => matchNumber(legacyId(product.id), term),
      sku: (product, term) => matchExact(skus(product), term),
      barcode: (product, term) =>
        matchExact(
          product.variants.map((variant) => variant.barcode),
          term,
        ),
      gift_card: (product, term) => matchBoolean(product.isGiftCard, term),
      created_at: (product, term) => matchDate(product.createdAt, term, now),
      updated_at: (product, term) => matchDate(product.updatedAt, term, now),
      published_at: (product, term) => matchDate(product.publishedAt, term, now),
      inventory_total: (product, term) => matchNumber(totalInventory(ctx.shop, product), term),
      collection_id: (product, term) => product.collectionIds.some((id) => matchNumber(legacyId(id), term)),
      published_status: (product, term) => {
        const published = isOnlineStorePublished(product);
        switch (term.value.toLowerCase()) {
          case "published":
          case "visible":
            return published;
          case "unpublished":
            return !published;
          case "unavailable":
            return !product.publishedOnlineStore;
          default:
            return true;
        }
      },
    },
  };
}

type VariantRow = { product: Product; variant: Variant };

function variantSearch(ctx: SandboxContext): SearchSpec<VariantRow> {
  const now = ctx.now();
  return {
    default: ({ product, variant }, term) =>
      matchText([variant.title, variant.sku, variant.barcode, product.title], term, true),
    fields: {
      id: ({ variant }, term) => matchNumber(legacyId(variant.id), term),
      sku: ({ variant }, term) => matchExact([variant.sku], term),
      barcode: ({ variant }, term) => matchExact([variant.barcode], term),
      title: ({ variant }, term) => matchText([variant.title], term),
      product_id: ({ product }, term) => matchNumber(legacyId(product.id), term),
      product_status: ({ product }, term) => matchExact([product.status], term),
      product_type: ({ product }, term) => matchExact([product.productType], term),
      vendor: ({ product }, term) => matchExact([product.vendor], term),
      tag: ({ product }, term) => matchExact(product.tags, term),
      gift_card: ({ product }, term) => matchBoolean(product.isGiftCard, term),
      taxable: ({ variant }, term) => matchBoolean(variant.taxable, term),
      requires_shipping: ({ variant }, term) => matchBoolean(variant.inventoryItem.requiresShipping, term),
      inventory_quantity: ({ variant }, term) =>
        matchNumber(availableQuantity(ctx.shop, variant.inventoryItem), term),
      location_id: ({ variant }, term) =>
        variant.inventoryItem.levels.some((level) => matchNumber(legacyId(level.locationId), term)),
      created_at: ({ variant }, term) => matchDate(variant.createdAt, term, now),
      updated_at: ({ variant }, term) => matchDate(variant.updatedAt, term, now),
    },
  };
}

type SortValue = (item: never) => string | number | null;

const PRODUCT_SORT: Record<
  string,
  ((ctx: SandboxContext) => (product: Product) => string | number | null) | null
> = {
  ID: null,
  RELEVANCE: null,
  TITLE: () => (product) => product.title.toLowerCase(),
  UPDATED_AT: () => (product) => product.updatedAt,
  CREATED_AT: () => (product) => product.createdAt,
  PUBLISHED_AT: () => (product) => product.publishedAt ?? "",
  PRODUCT_TYPE: () => (product) => product.productType.toLowerCase(),
  VENDOR: () => (product) => product.vendor.toLowerCase(),
  INVENTORY_TOTAL: (ctx) => (product) => totalInventory(ctx.shop, product),
};

const VARIANT_SORT: Record<
  string,
  ((ctx: SandboxContext) => (row: VariantRow) => string | number | null) | null
> = {
  ID: null,
  RELEVANCE: null,
  POPULAR: null,
  SKU:
    () =>
    ({ variant }) =>
      (variant.sku ?? "").toLowerCase(),
  TITLE:
    () =>
    ({ variant }) =>
      variant.title.toLowerCase(),
  NAME:
    () =>
    ({ product, variant }) =>
      `${product.title} - ${variant.title}`.toLowerCase(),
  FULL_TITLE:
    () =>
    ({ product, variant }) =>
      `${product.title} - ${variant.title}`.toLowerCase(),
  POSITION:
    () =>
    ({ variant }) =>
      variant.position,
  INVENTORY_QUANTITY:
    (ctx) =>
    ({ variant }) =>
      availableQuantity(ctx.shop, variant.inventoryItem),
  INVENTORY_POLICY:
    () =>
    ({ variant }) =>
      variant.inventoryPolicy,
  INVENTORY_MANAGEMENT:
    () =>
    ({ variant }) =>
      variant.inventoryItem.tracked ? "shopify" : "none",
};

/** Sorts by the sort key (ties by id), then applies `reverse`, as Shopify orders connections. */
function sortItems<T>(items: T[], id: (item: T) => string, value: SortValue | null, reverse: boolean): T[] {
  const key = value as ((item: T) => string | number | null) | null;
  const sorted = items
    .map((item) => ({ item, value: key ? key(item) : legacyId(id(item)), id: legacyId(id(item)) }))
    .sort((a, b) => (a.value === b.value ? a.id - b.id : (a.value ?? "") < (b.value ?? "") ? -1 : 1));
  if (reverse) sorted.reverse();
  return sorted.map((entry) => entry.item);
}

function products(args: Args, ctx: SandboxContext, info: GraphQLResolveInfo) {
  requireScope(ctx, info.fieldName, "read_products");
  const search = compileSearch(args.query, productSearch(ctx));
  warnUnknownFields(ctx, info, args.query ?? "", search.unknownFields);
  const sortKey = args.sortKey ?? "ID";
  const sortValue = PRODUCT_SORT[sortKey]?.(ctx) ?? null;
  const matching = [...ctx.shop.products.values()].filter((product) => search.matches(product));
  const sorted = sortItems(matching, (product) => product.id, sortValue as SortValue | null, !!args.reverse);
  return connection(sorted, args, ctx, {
    id: (product) => product.id,
    sortValue: sortValue ?? undefined,
    reverse: !!args.reverse,
    view: (product) => productView(ctx, product),
  });
}

function productVariants(args: Args, ctx: SandboxContext, info: GraphQLResolveInfo) {
  requireScope(ctx, info.fieldName, "read_products");
  const search = compileSearch(args.query, variantSearch(ctx));
  warnUnknownFields(ctx, info, args.query ?? "", search.unknownFields);
  const sortKey = args.sortKey ?? "ID";
  const sortValue = VARIANT_SORT[sortKey]?.(ctx) ?? null;
  const matching = allVariants(ctx.shop).filter((row) => search.matches(row));
  const sorted = sortItems(matching, (row) => row.variant.id, sortValue as SortValue | null, !!args.reverse);
  return connection(sorted, args, ctx, {
    id: (row) => row.variant.id,
    sortValue: sortValue ?? undefined,
    reverse: !!args.reverse,
    view: (row) => variantView(ctx, row.product, row.variant),
  });
}

function shopAddress(ctx: SandboxContext) {
  const address = ctx.shop.address ?? {};
  const country = address.countryCode ? countryName(address.countryCode) : null;
  const formatted = [
    address.address1,
    address.address2,
    [address.zip, address.city].filter(Boolean).join(" "),
    country,
  ].filter((line): line is string => !!line);
  return {
    id: `gid://shopify/ShopAddress/${numericId(ctx.shop.id)}`,
    address1: address.address1 ?? null,
    address2: address.address2 ?? null,
    city: address.city ?? null,
    company: address.company ?? null,
    country,
    countryCodeV2: address.countryCode ?? null,
    countryCode: address.countryCode ?? null,
    province: address.provinceCode ?? null,
    provinceCode: address.provinceCode ?? null,
    zip: address.zip ?? null,
    phone: address.phone ?? null,
    firstName: null,
    lastName: null,
    name: null,
    latitude: null,
    longitude: null,
    coordinatesValidated: false,
    formattedArea: [address.city, address.provinceCode, country].filter(Boolean).join(", ") || null,
    formatted: () => formatted,
  };
}

function timezoneParts(timeZone: string, at: Date) {
  const name = (style: "short" | "longOffset") =>
    new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: style })
      .formatToParts(at)
      .find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const offset = name("longOffset").replace("GMT", "") || "+00:00";
  const sign = offset.startsWith("-") ? -1 : 1;
  const [hours, minutes] = offset.replace(/^[+-]/, "").split(":").map(Number);
  return {
    abbreviation: name("short"),
    offset: `${offset.slice(0, 1)}${offset.slice(1).replace(":", "")}`,
    minutes: sign * (hours * 60 + (minutes || 0)),
  };
}

function shopView(ctx: SandboxContext) {
  const shop = ctx.shop;
  const zone = timezoneParts(shop.ianaTimezone, ctx.now());
  const primaryHost = new URL(shop.primaryDomainUrl).host;
  const symbol = new Intl.NumberFormat("en", { style: "currency", currency: shop.currencyCode })
    .formatToParts(0)
    .find((part) => part.type === "currency")?.value;
  return {
    __typename: "Shop",
    id: shop.id,
    name: shop.name,
    email: shop.email,
    contactEmail: shop.email,
    description: null,
    myshopifyDomain: shop.domain,
    url: shop.primaryDomainUrl,
    currencyCode: shop.currencyCode,
    enabledPresentmentCurrencies: shop.enabledPresentmentCurrencies,
    currencyFormats: {
      moneyFormat: `${symbol}{{amount}}`,
      moneyInEmailsFormat: `${symbol}{{amount}}`,
      moneyWithCurrencyFormat: `${symbol}{{amount}} ${shop.currencyCode}`,
      moneyWithCurrencyInEmailsFormat: `${symbol}{{amount}} ${shop.currencyCode}`,
    },
    primaryDomain: {
      id: `gid://shopify/Domain/${numericId(shop.id)}`,
      host: primaryHost,
      url: shop.primaryDomainUrl,
      sslEnabled: shop.primaryDomainUrl.startsWith("https:"),
      localization: null,
      marketWebPresence: null,
    },
    shipsToCountries: shop.shipsToCountries,
    taxesIncluded: shop.taxesIncluded,
    taxShipping: false,
    ianaTimezone: shop.ianaTimezone,
    timezoneAbbreviation: zone.abbreviation,
    timezoneOffset: zone.offset,
    timezoneOffsetMinutes: zone.minutes,
    weightUnit: shop.weightUnit,
    unitSystem:
      shop.weightUnit === "KILOGRAMS" || shop.weightUnit === "GRAMS" ? "METRIC_SYSTEM" : "IMPERIAL_SYSTEM",
    shopAddress: () => shopAddress(ctx),
    billingAddress: () => shopAddress(ctx),
    shopOwnerName: shop.name,
    shopPolicies: shop.policies.map((policy, index) => ({
      __typename: "ShopPolicy",
      id: `gid://shopify/ShopPolicy/${legacyId(shop.id) + index + 1}`,
      type: policy.type,
      title: policy.title,
      body: policy.body,
      url: policy.url,
      createdAt: dateTime("2024-01-01T00:00:00Z"),
      updatedAt: dateTime("2024-01-01T00:00:00Z"),
    })),
    plan: {
      partnerDevelopment: shop.plan.partnerDevelopment,
      shopifyPlus: shop.plan.shopifyPlus,
      publicDisplayName: shop.plan.partnerDevelopment
        ? "Development"
        : shop.plan.shopifyPlus
          ? "Shopify Plus"
          : "Basic",
      displayName: shop.plan.partnerDevelopment
        ? "Developer Preview"
        : shop.plan.shopifyPlus
          ? "Shopify Plus"
          : "Basic",
    },
    checkoutApiSupported: true,
    setupRequired: false,
    transactionalSmsDisabled: false,
    marketingSmsConsentEnabledAtCheckout: false,
    orderNumberFormatPrefix: "#",
    orderNumberFormatSuffix: "",
    createdAt: dateTime("2024-01-01T00:00:00Z"),
    updatedAt: dateTime("2024-01-01T00:00:00Z"),
  };
}

/** Loaders for `node(id:)`/`nodes(ids:)` by GID type. */
const nodeLoaders: NonNullable<ResolverModule["Node"]> = {
  Shop: (id, ctx) => (id === ctx.shop.id ? shopView(ctx) : null),
  Product: (id, ctx) => {
    const product = ctx.shop.products.get(id);
    return product ? productView(ctx, product) : null;
  },
  ProductVariant: (id, ctx) => {
    const found = findVariant(ctx.shop, id);
    return found ? variantView(ctx, found.product, found.variant) : null;
  },
  InventoryItem: (id, ctx) => {
    const found = findInventoryItem(ctx.shop, id);
    return found ? inventoryItemView(ctx, found.product, found.variant) : null;
  },
  InventoryLevel: (id, ctx) => {
    const match = /^gid:\/\/shopify\/InventoryLevel\/(\d+)\?inventory_item_id=(\d+)$/.exec(id);
    if (!match) return null;
    const found = findInventoryItem(ctx.shop, `gid://shopify/InventoryItem/${match[2]}`);
    const level = found?.item.levels.find((candidate) => numericId(candidate.locationId) === match[1]);
    return found && level ? inventoryLevelView(ctx, found.item, level) : null;
  },
  Location: (id, ctx) => {
    const location = ctx.shop.locations.find((candidate) => candidate.id === id);
    return location ? locationView(ctx, location) : null;
  },
  Collection: (id, ctx) => {
    const collection = ctx.shop.collections.get(id);
    return collection ? collectionView(ctx, collection) : null;
  },
  Market: (id, ctx) => {
    const market = ctx.shop.markets.find((candidate) => candidate.id === id);
    return market ? marketView(ctx, market) : null;
  },
};

/** Root fields that take `id: ID!`: the GID is checked, then the typed loader answers. */
function byId(type: string, ...scopes: string[]) {
  return (args: Record<string, unknown>, ctx: SandboxContext, info: GraphQLResolveInfo) => {
    if (scopes.length > 0) requireScope(ctx, info.fieldName, ...scopes);
    const id = String(args.id);
    return parseGid(id).type === type ? nodeLoaders[type](id, ctx) : null;
  };
}

export const catalogResolvers: ResolverModule = {
  Node: nodeLoaders,
  Query: {
    shop: (_args, ctx) => shopView(ctx),
    currentAppInstallation: (_args, ctx) => {
      const installation = ctx.shop.installation;
      return {
        __typename: "AppInstallation",
        id: `gid://shopify/AppInstallation/${numericId(ctx.shop.id)}`,
        accessScopes: installation.scopes.map((handle) => ({
          handle,
          description: handle.replace(/_/g, " "),
        })),
        activeSubscriptions: [],
        launchUrl: `https://admin.shopify.com/store/${ctx.shop.domain.replace(".myshopify.com", "")}/apps/acp`,
        uninstallUrl: null,
      };
    },
    products,
    productVariants,
    product: byId("Product", "read_products"),
    productVariant: byId("ProductVariant", "read_products"),
    productByIdentifier: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_products");
      const identifier = args.identifier as { id?: string; handle?: string };
      if (identifier.id)
        return parseGid(identifier.id).type === "Product" ? nodeLoaders.Product(identifier.id, ctx) : null;
      const product = [...ctx.shop.products.values()].find(
        (candidate) => candidate.handle === identifier.handle,
      );
      return product ? productView(ctx, product) : null;
    },
    productsCount: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_products");
      const search = compileSearch(args.query, productSearch(ctx));
      warnUnknownFields(ctx, info, args.query ?? "", search.unknownFields);
      return count(
        [...ctx.shop.products.values()].filter((product) => search.matches(product)).length,
        args.limit,
      );
    },
    productVariantsCount: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_products");
      const search = compileSearch(args.query, variantSearch(ctx));
      warnUnknownFields(ctx, info, args.query ?? "", search.unknownFields);
      return count(allVariants(ctx.shop).filter((row) => search.matches(row)).length, args.limit);
    },
    inventoryItem: byId("InventoryItem", "read_inventory"),
    inventoryLevel: byId("InventoryLevel", "read_inventory"),
    inventoryItems: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_inventory");
      const rows = allVariants(ctx.shop);
      const search = compileSearch<VariantRow>(args.query, {
        default: ({ variant }, term) => matchText([variant.inventoryItem.sku], term, true),
        fields: {
          id: ({ variant }, term) => matchNumber(legacyId(variant.inventoryItem.id), term),
          sku: ({ variant }, term) => matchExact([variant.inventoryItem.sku], term),
          tracked: ({ variant }, term) => matchBoolean(variant.inventoryItem.tracked, term),
          updated_at: ({ variant }, term) => matchDate(variant.updatedAt, term, ctx.now()),
        },
      });
      warnUnknownFields(ctx, info, args.query ?? "", search.unknownFields);
      const matching = sortItems(
        rows.filter((row) => search.matches(row)),
        (row) => row.variant.inventoryItem.id,
        null,
        !!args.reverse,
      );
      return connection(matching, args, ctx, {
        id: (row) => row.variant.inventoryItem.id,
        reverse: !!args.reverse,
        view: (row) => inventoryItemView(ctx, row.product, row.variant),
      });
    },
    location: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_locations");
      // Without an id Shopify returns the shop's primary location.
      if (args.id === undefined || args.id === null) {
        return ctx.shop.locations[0] ? locationView(ctx, ctx.shop.locations[0]) : null;
      }
      return parseGid(String(args.id)).type === "Location"
        ? nodeLoaders.Location(String(args.id), ctx)
        : null;
    },
    locations: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_locations");
      const search = compileSearch<Location>(args.query, {
        default: (location, term) => matchText([location.name], term, true),
        fields: {
          id: (location, term) => matchNumber(legacyId(location.id), term),
          name: (location, term) => matchText([location.name], term),
          active: (location, term) => matchBoolean(location.isActive, term),
          country: (location, term) => matchExact([location.countryCode], term),
        },
      });
      warnUnknownFields(ctx, info, args.query ?? "", search.unknownFields);
      const matching = ctx.shop.locations.filter(
        (location) => (args.includeInactive || location.isActive) && search.matches(location),
      );
      const sortKey = (args.sortKey as string | undefined) ?? "NAME";
      const sortValue =
        sortKey === "NAME" ? (location: (typeof matching)[number]) => location.name.toLowerCase() : null;
      const sorted = sortItems(
        matching,
        (location) => location.id,
        sortValue as SortValue | null,
        !!args.reverse,
      );
      return connection(sorted, args, ctx, {
        id: (location) => location.id,
        sortValue: sortValue ?? undefined,
        reverse: !!args.reverse,
        view: (location) => locationView(ctx, location),
      });
    },
    locationsCount: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_locations");
      return count(ctx.shop.locations.filter((location) => location.isActive).length, args.limit);
    },
    collection: byId("Collection", "read_products"),
    collectionByHandle: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_products");
      const collection = [...ctx.shop.collections.values()].find(
        (candidate) => candidate.handle === args.handle,
      );
      return collection ? collectionView(ctx, collection) : null;
    },
    collections: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_products");
      const search = compileSearch<Collection>(args.query, {
        default: (collection, term) => matchText([collection.title, collection.handle], term, true),
        fields: {
          id: (collection, term) => matchNumber(legacyId(collection.id), term),
          title: (collection, term) => matchText([collection.title], term),
          handle: (collection, term) => matchExact([collection.handle], term),
          product_id: (collection, term) =>
            [...ctx.shop.products.values()].some(
              (product) =>
                product.collectionIds.includes(collection.id) && matchNumber(legacyId(product.id), term),
            ),
        },
      });
      warnUnknownFields(ctx, info, args.query ?? "", search.unknownFields);
      const matching = [...ctx.shop.collections.values()].filter((collection) => search.matches(collection));
      const sortValue =
        args.sortKey === "TITLE"
          ? (collection: (typeof matching)[number]) => collection.title.toLowerCase()
          : null;
      const sorted = sortItems(
        matching,
        (collection) => collection.id,
        sortValue as SortValue | null,
        !!args.reverse,
      );
      return connection(sorted, args, ctx, {
        id: (collection) => collection.id,
        sortValue: sortValue ?? undefined,
        reverse: !!args.reverse,
        view: (collection) => collectionView(ctx, collection),
      });
    },
    collectionsCount: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_products");
      return count(ctx.shop.collections.size, args.limit);
    },
    market: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_markets");
      return parseGid(String(args.id)).type === "Market" ? nodeLoaders.Market(String(args.id), ctx) : null;
    },
    markets: (args, ctx, info) => {
      requireScope(ctx, info.fieldName, "read_markets");
      const search = compileSearch<Market>(args.query, {
        default: (market, term) => matchText([market.name, market.handle], term, true),
        fields: {
          id: (market, term) => matchNumber(legacyId(market.id), term),
          name: (market, term) => matchText([market.name], term),
          status: (_market, term) => matchExact(["ACTIVE"], term),
          market_type: (_market, term) => matchExact(["REGION"], term),
        },
      });
      warnUnknownFields(ctx, info, args.query ?? "", search.unknownFields);
      const matching = ctx.shop.markets.filter(
        (market) =>
          (args.type === undefined || args.type === null || args.type === "REGION") && search.matches(market),
      );
      const sortValue =
        (args.sortKey ?? "NAME") === "NAME"
          ? (market: (typeof matching)[number]) => market.name.toLowerCase()
          : null;
      const sorted = sortItems(
        matching,
        (market) => market.id,
        sortValue as SortValue | null,
        !!args.reverse,
      );
      return connection(sorted, args, ctx, {
        id: (market) => market.id,
        sortValue: sortValue ?? undefined,
        reverse: !!args.reverse,
        view: (market) => marketView(ctx, market),
      });
    },
  },
};
