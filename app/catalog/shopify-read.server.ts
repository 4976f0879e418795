import { adminGraphql } from "../shopify/admin.server";
import {
  BULK_RUN,
  BULK_STATUS,
  PRODUCT_QUERY,
  SHOP_QUERY,
  bulkProductQuery,
  collectionFromNode,
  imageFromMediaNode,
  inventoryItemIdOf,
  metafieldFromNode,
  plannedDocument,
  productFromNode,
  variantFromNode,
  type ReadPlan,
  type ReadProduct,
} from "./shopify-documents.server";
import type { ShopContext, ShopMarket, ShopifyProduct } from "./shopify-product";

/** Catalog reads from the Admin API: one product, the shop context, and the bulk export's lifecycle. */

type Json = Record<string, unknown>;

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
