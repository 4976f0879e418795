import { z } from "zod";
import type { ProductStatus, ShopifyProduct } from "./shopify-product";

/**
 * Merchant rules for what goes into the feed, stored per shop as JSON and parsed with `FeedRulesSchema`.
 * Everything here is pure: `applyRules` decides inclusion, `resolveEligibility` the two OpenAI flags,
 * `mappedMetafieldValues` which metafields fill which feed fields.
 */

/** Feed fields a metafield may fill; names are `FeedItem` keys. */
export const METAFIELD_TARGETS = [
  "gtin",
  "mpn",
  "brand",
  "material",
  "ageGroup",
  "gender",
  "color",
  "size",
  "sizeSystem",
  "condition",
  "productCategory",
] as const;
export type MetafieldTarget = (typeof METAFIELD_TARGETS)[number];

const Values = z.array(z.string().trim().min(1).max(255)).max(1000).prefault([]);

const Filter = z
  .object({
    /** Collection handles or GIDs. */
    collections: Values,
    /** Tags; compared case-insensitively, as Shopify does. */
    tags: Values,
    productTypes: Values,
    vendors: Values,
  })
  .strict();

const EligibilityOverride = z
  .object({ isEligibleSearch: z.boolean().optional(), isEligibleCheckout: z.boolean().optional() })
  .strict();

export const FeedRulesSchema = z
  .object({
    version: z.literal(1).prefault(1),
    /** A product must match every non-empty list (any value within a list). */
    include: Filter.extend({
      statuses: z
        .array(z.enum(["ACTIVE", "DRAFT", "ARCHIVED"]))
        .min(1)
        .prefault(["ACTIVE"]),
    }).prefault({}),
    /** A product matching any value of any list is left out; exclusion wins over inclusion. */
    exclude: Filter.prefault({}),
    /** Gift cards are left out unless the merchant opts in (see `toFeedItems` for why). */
    includeGiftCards: z.boolean().prefault(false),
    /** Market handles to publish; empty publishes every market in the shop context. */
    markets: Values,
    /** The OpenAI flags for every product without an override. */
    defaults: z
      .object({
        isEligibleSearch: z.boolean().prefault(true),
        isEligibleCheckout: z.boolean().prefault(true),
      })
      .strict()
      .prefault({}),
    /** Per product (GID or numeric id) overrides of the OpenAI flags. */
    productOverrides: z.record(z.string().min(1), EligibilityOverride).prefault({}),
    /** e.g. `{ namespace: "custom", key: "gtin", field: "gtin" }`; a mapped metafield wins over derived data. */
    metafieldMappings: z
      .array(
        z
          .object({
            namespace: z.string().trim().min(1),
            key: z.string().trim().min(1),
            field: z.enum(METAFIELD_TARGETS),
          })
          .strict(),
      )
      .max(100)
      .prefault([]),
  })
  .strict();

export type FeedRules = z.output<typeof FeedRulesSchema>;
export type FeedRulesInput = z.input<typeof FeedRulesSchema>;

export const DEFAULT_FEED_RULES: FeedRules = FeedRulesSchema.parse({});

/** Parses stored rules; throws a `ZodError` naming each bad path. */
export function parseFeedRules(json: unknown): FeedRules {
  return FeedRulesSchema.parse(json ?? {});
}

export type ExclusionReason =
  | "status"
  | "gift_card"
  | "collection_not_included"
  | "tag_not_included"
  | "product_type_not_included"
  | "vendor_not_included"
  | "collection_excluded"
  | "tag_excluded"
  | "product_type_excluded"
  | "vendor_excluded";

export type RuleDecision = { excluded: false } | { excluded: true; reason: ExclusionReason; message: string };

const INCLUDED: RuleDecision = { excluded: false };

interface CompiledFilter {
  collections: Set<string> | null;
  tags: Set<string> | null;
  productTypes: Set<string> | null;
  vendors: Set<string> | null;
}

interface CompiledRules {
  statuses: Set<ProductStatus>;
  include: CompiledFilter;
  exclude: CompiledFilter;
}

// Rules are parsed once per sync and applied to every product: normalize them once.
const compiled = new WeakMap<FeedRules, CompiledRules>();

function fold(value: string): string {
  return value.trim().toLowerCase();
}

function toSet(values: readonly string[]): Set<string> | null {
  return values.length === 0 ? null : new Set(values.map(fold));
}

function compileFilter(filter: z.output<typeof Filter>): CompiledFilter {
  return {
    collections: toSet(filter.collections),
    tags: toSet(filter.tags),
    productTypes: toSet(filter.productTypes),
    vendors: toSet(filter.vendors),
  };
}

function compile(rules: FeedRules): CompiledRules {
  let result = compiled.get(rules);
  if (!result) {
    result = {
      statuses: new Set(rules.include.statuses),
      include: compileFilter(rules.include),
      exclude: compileFilter(rules.exclude),
    };
    compiled.set(rules, result);
  }
  return result;
}

/** The first matching value of `product` for a filter dimension, or null. */
function matchCollections(product: ShopifyProduct, set: Set<string>): string | null {
  for (const c of product.collections) {
    if (set.has(fold(c.handle)) || set.has(fold(c.id))) return c.handle;
  }
  return null;
}

function matchTags(product: ShopifyProduct, set: Set<string>): string | null {
  for (const tag of product.tags) if (set.has(fold(tag))) return tag;
  return null;
}

function matchValue(value: string, set: Set<string>): string | null {
  return set.has(fold(value)) ? value : null;
}

function excluded(reason: ExclusionReason, message: string): RuleDecision {
  return { excluded: true, reason, message };
}

/** Whether the merchant's rules keep `product` out of the feed, and why (a message they can act on). */
export function applyRules(product: ShopifyProduct, rules: FeedRules = DEFAULT_FEED_RULES): RuleDecision {
  const r = compile(rules);

  if (!r.statuses.has(product.status)) {
    return excluded(
      "status",
      `Status is ${product.status}; the feed publishes ${[...r.statuses].join(", ")} products. ` +
        "Set the product to Active in Shopify admin to publish it.",
    );
  }
  if (product.isGiftCard && !rules.includeGiftCards) {
    return excluded(
      "gift_card",
      "Gift cards are not published unless you turn them on in the feed settings.",
    );
  }

  const { include, exclude } = r;
  if (include.collections && !matchCollections(product, include.collections)) {
    return excluded("collection_not_included", "Not in any of the collections the feed is limited to.");
  }
  if (include.tags && !matchTags(product, include.tags)) {
    return excluded("tag_not_included", "Has none of the tags the feed is limited to.");
  }
  if (include.productTypes && !matchValue(product.productType, include.productTypes)) {
    return excluded(
      "product_type_not_included",
      `Product type "${product.productType}" is not one the feed is limited to.`,
    );
  }
  if (include.vendors && !matchValue(product.vendor, include.vendors)) {
    return excluded("vendor_not_included", `Vendor "${product.vendor}" is not one the feed is limited to.`);
  }

  let hit: string | null;
  if (exclude.collections && (hit = matchCollections(product, exclude.collections))) {
    return excluded("collection_excluded", `In collection "${hit}", which the feed settings exclude.`);
  }
  if (exclude.tags && (hit = matchTags(product, exclude.tags))) {
    return excluded("tag_excluded", `Tagged "${hit}", which the feed settings exclude.`);
  }
  if (exclude.productTypes && (hit = matchValue(product.productType, exclude.productTypes))) {
    return excluded("product_type_excluded", `Product type "${hit}" is excluded in the feed settings.`);
  }
  if (exclude.vendors && (hit = matchValue(product.vendor, exclude.vendors))) {
    return excluded("vendor_excluded", `Vendor "${hit}" is excluded in the feed settings.`);
  }
  return INCLUDED;
}

function numericId(gid: string): string {
  return gid.slice(gid.lastIndexOf("/") + 1);
}

/**
 * The OpenAI flags for a product: its override, else the shop default. Checkout is forced off when search
 * is off, because OpenAI ignores `is_eligible_checkout` unless `is_eligible_search=true`.
 * @see https://developers.openai.com/commerce/specs/file-upload/products ("OpenAI Flags")
 */
export function resolveEligibility(
  product: Pick<ShopifyProduct, "id">,
  rules: FeedRules = DEFAULT_FEED_RULES,
): { isEligibleSearch: boolean; isEligibleCheckout: boolean } {
  const override = rules.productOverrides[product.id] ?? rules.productOverrides[numericId(product.id)];
  const isEligibleSearch = override?.isEligibleSearch ?? rules.defaults.isEligibleSearch;
  const isEligibleCheckout =
    isEligibleSearch && (override?.isEligibleCheckout ?? rules.defaults.isEligibleCheckout);
  return { isEligibleSearch, isEligibleCheckout };
}

/** Structured metafield types whose JSON value is not a feed string. */
const STRUCTURED_TYPES = new Set([
  "json",
  "rich_text_field",
  "dimension",
  "volume",
  "weight",
  "rating",
  "money",
]);

function metafieldText(value: string, type: string): string | null {
  if (STRUCTURED_TYPES.has(type)) return null;
  if (type.startsWith("list.")) {
    try {
      const list: unknown = JSON.parse(value);
      if (!Array.isArray(list)) return null;
      const text = list
        .filter((v) => typeof v === "string" || typeof v === "number")
        .map((v) => String(v).trim())
        .filter(Boolean)
        .join(", ");
      return text || null;
    } catch {
      return null; // a malformed list is treated as unset rather than published as JSON
    }
  }
  const text = value.trim();
  return text || null;
}

/** Values of the mapped metafields present on `product`, keyed by feed field. */
export function mappedMetafieldValues(
  product: Pick<ShopifyProduct, "metafields">,
  rules: FeedRules = DEFAULT_FEED_RULES,
): Partial<Record<MetafieldTarget, string>> {
  const result: Partial<Record<MetafieldTarget, string>> = {};
  if (rules.metafieldMappings.length === 0 || product.metafields.length === 0) return result;
  const byKey = new Map<string, { value: string; type: string }>();
  for (const m of product.metafields) byKey.set(`${m.namespace}.${m.key}`, m);
  for (const mapping of rules.metafieldMappings) {
    if (result[mapping.field] !== undefined) continue; // the first mapping for a field wins
    const metafield = byKey.get(`${mapping.namespace}.${mapping.key}`);
    const text = metafield && metafieldText(metafield.value, metafield.type);
    if (text) result[mapping.field] = text;
  }
  return result;
}
