import { ZodError } from "zod";
import prisma from "../db.server";
import { failure, fieldErrorsOf, type ActionResult } from "../admin/forms";
import { loadRules } from "./feed-store.server";
import { METAFIELD_TARGETS, type FeedRules, type FeedRulesInput } from "./rules";
import { updateFeedRules } from "./sync.server";

/**
 * What the feed admin pages read and write: the preview of what agents receive and the rules form.
 * The form carries lists as comma-separated text; the rules themselves are validated by
 * `FeedRulesSchema` through `updateFeedRules`, and its error paths become the form's field names.
 */

export const PREVIEW_PAGE_SIZE = 20;
export type PreviewView = "rows" | "products";

export interface PreviewEntry {
  key: string;
  title: string;
  id: string;
  market: string;
  price: string | null;
  availability: string | null;
  /** Exactly what an agent receives: the served row or the Feed API `Product`, as JSON. */
  json: string;
}

export interface FeedPreview {
  view: PreviewView;
  search: string;
  page: number;
  pageCount: number;
  total: number;
  entries: PreviewEntry[];
  built: boolean;
}

/** One page of the valid items as the pull URL serves them, or of the Feed API products. */
export async function feedPreview(
  shop: string,
  view: PreviewView,
  page: number,
  search = "",
): Promise<FeedPreview> {
  const query = search.trim().slice(0, 200);
  const settings = await prisma.feedSettings.findUnique({ where: { shop }, select: { lastBuiltAt: true } });
  const safePage = Math.max(1, Math.floor(page) || 1);
  const skip = (safePage - 1) * PREVIEW_PAGE_SIZE;
  const pageOf = (total: number, entries: PreviewEntry[]): FeedPreview => ({
    view,
    search: query,
    page: safePage,
    pageCount: Math.max(1, Math.ceil(total / PREVIEW_PAGE_SIZE)),
    total,
    built: Boolean(settings?.lastBuiltAt),
    entries,
  });
  if (view === "products") {
    // The search looks through the JSON agents receive (titles, ids, brands…).
    const productWhere = { shop, ...(query ? { acp: { contains: query } } : {}) };
    const [total, rows] = await Promise.all([
      prisma.feedProduct.count({ where: productWhere }),
      prisma.feedProduct.findMany({
        where: productWhere,
        orderBy: [{ productId: "asc" }, { market: "asc" }],
        skip,
        take: PREVIEW_PAGE_SIZE,
        select: { productId: true, market: true, acp: true },
      }),
    ]);
    return pageOf(
      total,
      rows.map((row) => {
        const product = JSON.parse(row.acp) as {
          id: string;
          title?: string;
          variants: { price?: { amount: number; currency: string } }[];
        };
        const price = product.variants[0]?.price;
        return {
          key: `${row.productId}|${row.market}`,
          title: product.title ?? `Product ${product.id}`,
          id: product.id,
          market: row.market,
          price: price
            ? `${product.variants.length} variant(s), from ${price.amount} ${price.currency} (minor units)`
            : null,
          availability: null,
          json: JSON.stringify(product, null, 2),
        };
      }),
    );
  }
  const where = { shop, status: "valid", ...(query ? { row: { contains: query } } : {}) };
  const [total, rows] = await Promise.all([
    prisma.feedItem.count({ where }),
    prisma.feedItem.findMany({
      where,
      orderBy: [{ productId: "asc" }, { itemId: "asc" }, { market: "asc" }],
      skip,
      take: PREVIEW_PAGE_SIZE,
      select: { itemId: true, market: true, row: true },
    }),
  ]);
  return pageOf(
    total,
    rows.map((row) => {
      const served = JSON.parse(row.row ?? "{}") as Record<string, string>;
      return {
        key: `${row.itemId}|${row.market}`,
        title: served.title ?? `Item ${row.itemId}`,
        id: served.item_id ?? row.itemId,
        market: served.target_countries ?? row.market,
        price: served.sale_price ? `${served.sale_price} (was ${served.price})` : (served.price ?? null),
        availability: served.availability ?? null,
        json: JSON.stringify(served, null, 2),
      };
    }),
  );
}

/** The rules as the form shows them. */
export interface RulesForm {
  include: { collections: string; tags: string; productTypes: string; vendors: string; statuses: string[] };
  exclude: { collections: string; tags: string; productTypes: string; vendors: string };
  metafieldMappings: { namespace: string; key: string; field: string }[];
  targets: readonly string[];
}

const LISTS = ["collections", "tags", "productTypes", "vendors"] as const;

export async function rulesForm(shop: string): Promise<RulesForm> {
  const rules = await loadRules(shop);
  return {
    include: {
      collections: rules.include.collections.join(", "),
      tags: rules.include.tags.join(", "),
      productTypes: rules.include.productTypes.join(", "),
      vendors: rules.include.vendors.join(", "),
      statuses: rules.include.statuses,
    },
    exclude: {
      collections: rules.exclude.collections.join(", "),
      tags: rules.exclude.tags.join(", "),
      productTypes: rules.exclude.productTypes.join(", "),
      vendors: rules.exclude.vendors.join(", "),
    },
    metafieldMappings: rules.metafieldMappings.map((m) => ({ ...m })),
    targets: METAFIELD_TARGETS,
  };
}

function list(form: FormData, name: string): string[] {
  return String(form.get(name) ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean);
}

/**
 * Saves the rules form: the filters and mappings it edits, every other stored rule (markets,
 * eligibility defaults and overrides, gift cards) kept as it was. A saved change queues a full sync.
 */
export async function saveRulesForm(
  shop: string,
  form: FormData,
): Promise<ActionResult<{ rules: FeedRules }>> {
  const current = await loadRules(shop);
  const mappings: { namespace: string; key: string; field: string }[] = [];
  for (let i = 0; form.has(`metafieldMappings.${i}.namespace`); i++) {
    const namespace = String(form.get(`metafieldMappings.${i}.namespace`) ?? "");
    const key = String(form.get(`metafieldMappings.${i}.key`) ?? "");
    const field = String(form.get(`metafieldMappings.${i}.field`) ?? "");
    // A row left entirely empty is no mapping.
    if (!namespace.trim() && !key.trim() && !field) continue;
    mappings.push({ namespace, key, field });
  }
  const input: FeedRulesInput = {
    ...current,
    include: {
      ...Object.fromEntries(LISTS.map((name) => [name, list(form, `include.${name}`)])),
      // Polaris' multiple ChoiceList names its checkboxes `name[]`.
      statuses: [...form.getAll("include.statuses"), ...form.getAll("include.statuses[]")].map(
        String,
      ) as FeedRules["include"]["statuses"],
    } as FeedRulesInput["include"],
    exclude: Object.fromEntries(LISTS.map((name) => [name, list(form, `exclude.${name}`)])),
    metafieldMappings: mappings as FeedRulesInput["metafieldMappings"],
  };
  try {
    const rules = await updateFeedRules(shop, input);
    return { ok: true, intent: "rules", rules };
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const fieldErrors: Record<string, string> = {};
    for (const [path, message] of Object.entries(fieldErrorsOf(error))) {
      // `include.tags.3` is the tags field; `metafieldMappings.0.field` stays a field of row 0.
      const field = /^(include|exclude)\.\w+/.exec(path)?.[0] ?? path;
      fieldErrors[field] ??= friendly(field, message);
    }
    return failure("rules", fieldErrors, "Some rules need fixing; nothing was saved.");
  }
}

function friendly(field: string, message: string): string {
  if (field === "include.statuses") return "Choose at least one product status.";
  if (/^metafieldMappings\.\d+\.field$/.test(field)) return "Choose the feed field this metafield fills.";
  if (/^metafieldMappings\.\d+\.(namespace|key)$/.test(field)) return "Required (or clear the whole row).";
  if (/^(include|exclude)\./.test(field)) return `Each value must be 1–255 characters (${message}).`;
  return message;
}
