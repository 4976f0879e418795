import { Kind, parse, print, visit, type FieldNode, type SelectionNode } from "graphql";
import { adminGraphql } from "../shopify/admin.server";
import type { FeedRules } from "./rules";
import type {
  InventoryPolicy,
  ProductStatus,
  ShopContext,
  ShopifyImage,
  ShopifyMetafield,
  ShopifyProduct,
  ShopifyVariant,
  ShopifyWeightUnit,
  ShopMarket,
} from "./shopify-product";

/**
 * Reading the catalog from the Admin API 2026-04 and normalizing it into `ShopifyProduct`: the bulk
 * export document (full sync), the one-product document (webhooks, stragglers) and the shop context.
 *
 * The two product documents select the same fields. They differ where bulk rules force it: a bulk query
 * takes no variables, ignores `first`, allows at most 5 connections nested at most 2 deep
 * (https://shopify.dev/docs/api/usage/bulk-operations/queries). Our five are products, variants, media,
 * metafields and collections, which is why a variant's picture comes from the deprecated
 * `ProductVariant.image`: its replacement, `ProductVariant.media`, would be a sixth connection at depth 3.
 *
 * Market prices: one aliased `contextualPricing(context: { country })` per market whose currency is not
 * the shop's. The static documents carry one placeholder (`marketPrice`) so they validate against the
 * schema (tests/graphql/documents.test.ts); `forPlan` rewrites it per shop.
 */

const PRODUCT_BULK_QUERY = `#graphql
  query AcpFeedBulkProducts {
    products {
      edges {
        node {
          id
          handle
          title
          descriptionHtml
          vendor
          productType
          status
          tags
          onlineStoreUrl
          publishedAt
          isGiftCard
          updatedAt
          category {
            fullName
          }
          options {
            name
            values
          }
          variantsCount {
            count
          }
          mediaCount {
            count
          }
          variants {
            edges {
              node {
                id
                title
                sku
                barcode
                price
                compareAtPrice
                inventoryPolicy
                inventoryQuantity
                selectedOptions {
                  name
                  value
                }
                image {
                  url
                  altText
                }
                inventoryItem {
                  id
                  tracked
                  requiresShipping
                  measurement {
                    weight {
                      value
                      unit
                    }
                  }
                }
                marketPrice: contextualPricing(context: { country: US }) {
                  price {
                    amount
                    currencyCode
                  }
                  compareAtPrice {
                    amount
                    currencyCode
                  }
                }
              }
            }
          }
          media {
            edges {
              node {
                id
                ... on MediaImage {
                  alt
                  image {
                    url
                    altText
                  }
                }
              }
            }
          }
          metafields {
            edges {
              node {
                id
                namespace
                key
                value
                type
              }
            }
          }
          collections {
            edges {
              node {
                id
                handle
                title
              }
            }
          }
        }
      }
    }
  }
`;

/** Page sizes keep one request under the 1,000-point single-query cost limit with several markets. */
const PRODUCT_QUERY = `#graphql
  query AcpFeedProduct(
    $id: ID!
    $variantsAfter: String
    $withMetafields: Boolean!
    $metafieldKeys: [String!]
  ) {
    product(id: $id) {
      id
      handle
      title
      descriptionHtml
      vendor
      productType
      status
      tags
      onlineStoreUrl
      publishedAt
      isGiftCard
      updatedAt
      category {
        fullName
      }
      options {
        name
        values
      }
      variants(first: 25, after: $variantsAfter) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          title
          sku
          barcode
          price
          compareAtPrice
          inventoryPolicy
          inventoryQuantity
          selectedOptions {
            name
            value
          }
          image {
            url
            altText
          }
          inventoryItem {
            id
            tracked
            requiresShipping
            measurement {
              weight {
                value
                unit
              }
            }
          }
          marketPrice: contextualPricing(context: { country: US }) {
            price {
              amount
              currencyCode
            }
            compareAtPrice {
              amount
              currencyCode
            }
          }
        }
      }
      media(first: 20) {
        nodes {
          id
          ... on MediaImage {
            alt
            image {
              url
              altText
            }
          }
        }
      }
      metafields(first: 20, keys: $metafieldKeys) @include(if: $withMetafields) {
        nodes {
          id
          namespace
          key
          value
          type
        }
      }
      collections(first: 50) {
        nodes {
          id
          handle
          title
        }
      }
    }
  }
`;

const SHOP_QUERY = `#graphql
  query AcpFeedShop($marketsAfter: String) {
    shop {
      name
      currencyCode
      primaryDomain {
        url
      }
      shopAddress {
        countryCodeV2
      }
      shopPolicies {
        type
        url
      }
    }
    markets(first: 10, after: $marketsAfter, type: REGION) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        handle
        status
        currencySettings {
          baseCurrency {
            currencyCode
          }
        }
        conditions {
          regionsCondition {
            regions(first: 60) {
              nodes {
                ... on MarketRegionCountry {
                  code
                }
              }
            }
          }
        }
      }
    }
  }
`;

const BULK_RUN = `#graphql
  mutation AcpFeedBulkRun($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: false) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const BULK_STATUS = `#graphql
  query AcpFeedBulkStatus($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      url
      partialDataUrl
    }
  }
`;

// ---------------------------------------------------------------------------------------------------
// Read plan: what differs per shop in the documents

/** The per-shop parts of the product documents. */
export interface ReadPlan {
  /** One contextual price per entry, aliased `marketPrice<index>`. */
  pricedMarkets: { country: string; currency: string }[];
  /** `namespace.key` of the metafields the rules map; none means metafields are not read. */
  metafieldKeys: string[];
}

export function readPlanFor(shop: ShopContext, rules: FeedRules): ReadPlan {
  const pricedMarkets: ReadPlan["pricedMarkets"] = [];
  for (const market of shop.markets) {
    if (market.currency === shop.currency || market.countries.length === 0) continue;
    pricedMarkets.push({ country: market.countries[0], currency: market.currency });
  }
  const metafieldKeys = [...new Set(rules.metafieldMappings.map((m) => `${m.namespace}.${m.key}`))];
  return { pricedMarkets, metafieldKeys };
}

const PLACEHOLDER_ALIAS = "marketPrice";
const COUNTRY_CODE = /^[A-Z]{2}$/;

function name(value: string) {
  return { kind: Kind.NAME, value } as const;
}

/**
 * The document with the `marketPrice` placeholder replaced by one aliased copy per priced market and, in
 * the bulk document, `metafields` narrowed to the mapped keys (or dropped when none are mapped).
 * Country codes come from Shopify's `CountryCode` enum; they are checked anyway since they become literals.
 */
function forPlan(document: string, plan: ReadPlan, options: { bulk: boolean }): string {
  for (const { country } of plan.pricedMarkets) {
    if (!COUNTRY_CODE.test(country)) throw new Error(`Unexpected market country code ${country}`);
  }
  const ast = visit(parse(document), {
    SelectionSet(node) {
      const selections: SelectionNode[] = [];
      let changed = false;
      for (const selection of node.selections) {
        if (selection.kind !== Kind.FIELD) {
          selections.push(selection);
          continue;
        }
        if (selection.alias?.value === PLACEHOLDER_ALIAS) {
          changed = true;
          plan.pricedMarkets.forEach(({ country }, index) => {
            selections.push({
              ...selection,
              alias: name(`${PLACEHOLDER_ALIAS}${index}`),
              arguments: [
                {
                  kind: Kind.ARGUMENT,
                  name: name("context"),
                  value: {
                    kind: Kind.OBJECT,
                    fields: [
                      {
                        kind: Kind.OBJECT_FIELD,
                        name: name("country"),
                        value: { kind: Kind.ENUM, value: country },
                      },
                    ],
                  },
                },
              ],
            });
          });
        } else if (options.bulk && selection.name.value === "metafields" && !selection.alias) {
          changed = true;
          if (plan.metafieldKeys.length > 0) selections.push(withKeys(selection, plan.metafieldKeys));
        } else {
          selections.push(selection);
        }
      }
      return changed ? { ...node, selections } : undefined;
    },
  });
  return print(ast);
}

function withKeys(field: FieldNode, keys: string[]): FieldNode {
  return {
    ...field,
    arguments: [
      {
        kind: Kind.ARGUMENT,
        name: name("keys"),
        value: { kind: Kind.LIST, values: keys.map((key) => ({ kind: Kind.STRING, value: key })) },
      },
    ],
  };
}

// Documents are rebuilt only when a shop's plan changes; most shops share a handful of plans.
const planned = new Map<string, string>();

function plannedDocument(document: string, plan: ReadPlan, bulk: boolean): string {
  const key = `${bulk ? "bulk" : "one"}|${JSON.stringify(plan)}`;
  let text = planned.get(key);
  if (!text) {
    text = forPlan(document, plan, { bulk });
    if (planned.size > 200) planned.clear();
    planned.set(key, text);
  }
  return text;
}

export function bulkProductQuery(plan: ReadPlan): string {
  return plannedDocument(PRODUCT_BULK_QUERY, plan, true);
}

// ---------------------------------------------------------------------------------------------------
// Normalization: Admin API nodes → ShopifyProduct

type Json = Record<string, unknown>;

/** Which child a bulk line is, from its GID type (the bulk format has no typename of its own). */
export type ChildKind = "variant" | "media" | "metafield" | "collection" | "other";

export function childKind(id: unknown): ChildKind {
  if (typeof id !== "string") return "other";
  if (id.startsWith("gid://shopify/ProductVariant/")) return "variant";
  if (id.startsWith("gid://shopify/Metafield/")) return "metafield";
  if (id.startsWith("gid://shopify/Collection/")) return "collection";
  // MediaImage, Video, ExternalVideo, Model3d: every Media node has an id, so each one has a line.
  if (/^gid:\/\/shopify\/(MediaImage|Video|ExternalVideo|Model3d)\//.test(id)) return "media";
  return "other";
}

/** The product's own fields; children are filled in by the caller. */
export function productFromNode(node: Json): ShopifyProduct {
  const category = node.category as { fullName?: string } | null;
  return {
    id: String(node.id),
    handle: String(node.handle ?? ""),
    title: String(node.title ?? ""),
    descriptionHtml: String(node.descriptionHtml ?? ""),
    vendor: String(node.vendor ?? ""),
    productType: String(node.productType ?? ""),
    status: node.status as ProductStatus,
    tags: Array.isArray(node.tags) ? node.tags.map(String) : [],
    onlineStoreUrl: typeof node.onlineStoreUrl === "string" ? node.onlineStoreUrl : null,
    // `publishedAt` is when the product was published to the Online Store (null when it is not).
    publishedOnOnlineStore: typeof node.publishedAt === "string",
    isGiftCard: node.isGiftCard === true,
    updatedAt: String(node.updatedAt),
    category: category?.fullName ? { fullName: category.fullName } : null,
    options: Array.isArray(node.options)
      ? (node.options as Json[]).map((o) => ({
          name: String(o.name),
          values: Array.isArray(o.values) ? o.values.map(String) : [],
        }))
      : [],
    images: [],
    metafields: [],
    collections: [],
    variants: [],
  };
}

export function variantFromNode(node: Json, plan: ReadPlan): ShopifyVariant {
  const item = (node.inventoryItem ?? {}) as Json;
  const weight = ((item.measurement ?? {}) as Json).weight as { value?: number; unit?: string } | null;
  const image = node.image as { url?: string; altText?: string | null } | null;
  const contextualPrices: NonNullable<ShopifyVariant["contextualPrices"]> = [];
  plan.pricedMarkets.forEach(({ country }, index) => {
    const pricing = node[`${PLACEHOLDER_ALIAS}${index}`] as {
      price?: { amount: string; currencyCode: string };
      compareAtPrice?: { amount: string; currencyCode: string } | null;
    } | null;
    if (!pricing?.price) return;
    contextualPrices.push({
      currency: pricing.price.currencyCode,
      price: String(pricing.price.amount),
      compareAtPrice: pricing.compareAtPrice ? String(pricing.compareAtPrice.amount) : null,
      countries: [country],
    });
  });
  return {
    id: String(node.id),
    title: String(node.title ?? ""),
    sku: typeof node.sku === "string" ? node.sku : null,
    barcode: typeof node.barcode === "string" ? node.barcode : null,
    price: String(node.price),
    compareAtPrice:
      node.compareAtPrice === null || node.compareAtPrice === undefined ? null : String(node.compareAtPrice),
    inventoryPolicy: node.inventoryPolicy as InventoryPolicy,
    inventoryTracked: item.tracked !== false,
    inventoryQuantity: typeof node.inventoryQuantity === "number" ? node.inventoryQuantity : 0,
    requiresShipping: item.requiresShipping !== false,
    weight:
      weight && typeof weight.value === "number"
        ? { value: weight.value, unit: weight.unit as ShopifyWeightUnit }
        : null,
    selectedOptions: Array.isArray(node.selectedOptions)
      ? (node.selectedOptions as Json[]).map((o) => ({ name: String(o.name), value: String(o.value) }))
      : [],
    image: image?.url ? { url: image.url, altText: image.altText ?? null } : null,
    contextualPrices,
  };
}

/** The inventory item GID of a variant node (what inventory webhooks name). */
export function inventoryItemIdOf(node: Json): string | null {
  const item = node.inventoryItem as { id?: unknown } | null;
  return typeof item?.id === "string" ? item.id : null;
}

/** A media node as a feed image; null for videos and 3D models, which feeds don't take. */
export function imageFromMediaNode(node: Json): ShopifyImage | null {
  const image = node.image as { url?: string; altText?: string | null } | null;
  if (!image?.url) return null;
  const alt = typeof node.alt === "string" && node.alt ? node.alt : (image.altText ?? null);
  return { url: image.url, altText: alt };
}

export function metafieldFromNode(node: Json): ShopifyMetafield {
  return {
    namespace: String(node.namespace),
    key: String(node.key),
    value: String(node.value ?? ""),
    type: String(node.type ?? ""),
  };
}

export function collectionFromNode(node: Json): ShopifyProduct["collections"][number] {
  return { id: String(node.id), handle: String(node.handle ?? ""), title: String(node.title ?? "") };
}

// ---------------------------------------------------------------------------------------------------
// Requests

/** A product and the inventory item of each of its variants (variant GID → inventory item GID). */
export interface ReadProduct {
  product: ShopifyProduct;
  inventoryItems: Map<string, string>;
}

/** Re-reads one product by GID (all its variants, page by page); null when it no longer exists. */
export async function fetchProduct(
  shop: string,
  productId: string,
  plan: ReadPlan,
): Promise<ReadProduct | null> {
  const query = plannedDocument(PRODUCT_QUERY, plan, false);
  let product: ShopifyProduct | null = null;
  const inventoryItems = new Map<string, string>();
  let after: string | null = null;
  do {
    const data: { product: Json | null } = await adminGraphql(shop, query, {
      id: productId,
      variantsAfter: after,
      withMetafields: plan.metafieldKeys.length > 0,
      metafieldKeys: plan.metafieldKeys,
    });
    const node = data.product;
    if (!node) return null;
    if (!product) {
      product = productFromNode(node);
      for (const media of nodesOf(node.media)) {
        const image = imageFromMediaNode(media);
        if (image) product.images.push(image);
      }
      product.metafields = nodesOf(node.metafields).map(metafieldFromNode);
      product.collections = nodesOf(node.collections).map(collectionFromNode);
    }
    for (const variant of nodesOf(node.variants)) {
      product.variants.push(variantFromNode(variant, plan));
      const inventoryItemId = inventoryItemIdOf(variant);
      if (inventoryItemId) inventoryItems.set(String(variant.id), inventoryItemId);
    }
    const pageInfo = (node.variants as { pageInfo?: { hasNextPage?: boolean; endCursor?: string } } | null)
      ?.pageInfo;
    after = pageInfo?.hasNextPage && pageInfo.endCursor ? pageInfo.endCursor : null;
  } while (after);
  return product ? { product, inventoryItems } : null;
}

function nodesOf(connection: unknown): Json[] {
  const nodes = (connection as { nodes?: Json[] } | null)?.nodes;
  return Array.isArray(nodes) ? nodes.filter(Boolean) : [];
}

const POLICY_TYPES = {
  REFUND_POLICY: "refund",
  PRIVACY_POLICY: "privacy",
  TERMS_OF_SERVICE: "terms",
  SHIPPING_POLICY: "shipping",
} as const;

/** Shop-wide facts for the mapper, from one `shop { … }` query (plus further market pages if any). */
export async function fetchShopContext(shop: string): Promise<ShopContext> {
  const markets: ShopMarket[] = [];
  let context: ShopContext | null = null;
  let after: string | null = null;
  do {
    const data: { shop: Json; markets: { pageInfo: Json; nodes: Json[] } } = await adminGraphql(
      shop,
      SHOP_QUERY,
      { marketsAfter: after },
    );
    if (!context) {
      const info = data.shop;
      const policies: ShopContext["policies"] = { refund: null, privacy: null, terms: null, shipping: null };
      for (const policy of (info.shopPolicies ?? []) as { type: string; url: string }[]) {
        const key = POLICY_TYPES[policy.type as keyof typeof POLICY_TYPES];
        if (key && policy.url) policies[key] = policy.url;
      }
      context = {
        name: String(info.name ?? ""),
        primaryDomainUrl: String((info.primaryDomain as Json | null)?.url ?? ""),
        currency: String(info.currencyCode),
        country: String((info.shopAddress as Json | null)?.countryCodeV2 ?? ""),
        policies,
        // The Admin API has no structured return window; OpenAI's field is optional, so it is left out.
        returnWindowDays: null,
        markets,
      };
    }
    for (const node of data.markets.nodes) {
      if (node.status !== "ACTIVE") continue;
      const currency = ((node.currencySettings as Json | null)?.baseCurrency as Json | null)?.currencyCode;
      const regions = (((node.conditions as Json | null)?.regionsCondition as Json | null)?.regions ??
        null) as { nodes?: { code?: string }[] } | null;
      const countries = (regions?.nodes ?? []).map((r) => r.code).filter((c): c is string => !!c);
      if (typeof currency !== "string" || countries.length === 0) continue;
      markets.push({ handle: String(node.handle), currency, countries });
    }
    const pageInfo = data.markets.pageInfo as { hasNextPage?: boolean; endCursor?: string };
    after = pageInfo.hasNextPage && pageInfo.endCursor ? pageInfo.endCursor : null;
  } while (after);
  // The market holding the store's own country comes first, so a one-market view is the home market.
  markets.sort(
    (a, b) => Number(b.countries.includes(context!.country)) - Number(a.countries.includes(context!.country)),
  );
  return context!;
}

export type BulkStatus =
  | "CREATED"
  | "RUNNING"
  | "CANCELING"
  | "CANCELED"
  | "COMPLETED"
  | "EXPIRED"
  | "FAILED";

export interface BulkOperationState {
  id: string;
  status: BulkStatus;
  errorCode: string | null;
  rootObjectCount: number;
  url: string | null;
  partialDataUrl: string | null;
}

/** Raised when Shopify refuses to start the export (one already running, limits); the job retries. */
export class BulkStartError extends Error {}

export async function startBulkExport(shop: string, plan: ReadPlan): Promise<string> {
  const data: {
    bulkOperationRunQuery: {
      bulkOperation: { id: string } | null;
      userErrors: { message: string; code: string | null }[];
    };
  } = await adminGraphql(shop, BULK_RUN, { query: bulkProductQuery(plan) });
  const result = data.bulkOperationRunQuery;
  if (!result.bulkOperation) {
    throw new BulkStartError(
      `Shopify did not start the catalog export: ${result.userErrors.map((e) => `${e.code}: ${e.message}`).join("; ")}`,
    );
  }
  return result.bulkOperation.id;
}

export async function bulkOperationState(shop: string, id: string): Promise<BulkOperationState | null> {
  const data: { bulkOperation: Json | null } = await adminGraphql(shop, BULK_STATUS, { id });
  const op = data.bulkOperation;
  if (!op) return null;
  return {
    id: String(op.id),
    status: op.status as BulkStatus,
    errorCode: (op.errorCode as string | null) ?? null,
    rootObjectCount: Number(op.rootObjectCount ?? 0),
    url: (op.url as string | null) ?? null,
    partialDataUrl: (op.partialDataUrl as string | null) ?? null,
  };
}
