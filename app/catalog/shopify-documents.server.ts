import { Kind, parse, print, visit, type FieldNode, type SelectionNode } from "graphql";
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
} from "./shopify-product";

/**
 * The Admin API 2026-04 documents that read the catalog, and the normalization of what they return into
 * `ShopifyProduct`: the bulk export document (full sync), the one-product document (webhooks,
 * stragglers) and the shop context. No I/O here (requests are in shopify-read.server.ts).
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
export const PRODUCT_QUERY = `#graphql
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

export const SHOP_QUERY = `#graphql
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

export const BULK_RUN = `#graphql
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

export const BULK_STATUS = `#graphql
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

export function plannedDocument(document: string, plan: ReadPlan, bulk: boolean): string {
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

/** A product and the inventory item of each of its variants (variant GID → inventory item GID). */
export interface ReadProduct {
  product: ShopifyProduct;
  inventoryItems: Map<string, string>;
}
