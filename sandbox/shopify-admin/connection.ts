import { GraphQLError } from "graphql";
import type { SandboxContext } from "./resolvers/types";
import { numericId } from "./store";

/**
 * Relay connections the way the Admin API pages them: `first`/`after` or `last`/`before`, one
 * of `first`/`last` required, at most 250 per page, opaque cursors that are base64 JSON of
 * `{ last_id, last_value }` (Shopify's own cursor format), so a cursor stays valid when the item
 * it points at is deleted. In a bulk operation (`ctx.bulk`) every item is returned.
 */
export const MAX_PAGE_SIZE = 250;

/** Lets the bulk runner stream a root connection's items without building every view. */
export const BULK_ITEMS = Symbol.for("shopify-sandbox.bulkItems");

export interface BulkSource {
  items: readonly unknown[];
  view(item: unknown): unknown;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface ConnectionOptions<T> {
  /** The sort key's value for an item (compared with `<`), or null to page by id only. */
  sortValue?: (item: T) => string | number | null;
  /** Numeric id (Shopify cursors carry the legacy id). */
  id: (item: T) => string;
  view: (item: T) => unknown;
  /** Whether the list is sorted descending (`reverse: true`). */
  reverse?: boolean;
}

interface CursorKey {
  last_id: number;
  last_value: string | number | null;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString("base64");
}

function decodeCursor(cursor: string): CursorKey {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as CursorKey;
    if (typeof parsed.last_id !== "number") throw new Error("no last_id");
    return parsed;
  } catch {
    throw new GraphQLError("Invalid cursor for current pagination sort.", {
      extensions: { code: "BAD_REQUEST" },
    });
  }
}

/** Numeric id of a GID for cursors and id sorting. */
export function legacyId(gid: string): number {
  return Number(numericId(gid).replace(/\?.*$/, ""));
}

function compareKeys(a: CursorKey, b: CursorKey, reverse: boolean): number {
  const direction = reverse ? -1 : 1;
  if (a.last_value !== b.last_value && a.last_value !== null && b.last_value !== null) {
    return (a.last_value < b.last_value ? -1 : 1) * direction;
  }
  return (a.last_id - b.last_id) * direction;
}

/**
 * Builds a connection view over `items`, which must already be filtered and sorted (including
 * `reverse`). Views of the returned page are built lazily, so large lists stay cheap.
 */
export function connection<T>(
  items: readonly T[],
  args: PageArgs,
  ctx: Pick<SandboxContext, "bulk">,
  options: ConnectionOptions<T>,
): Record<string | symbol, unknown> {
  const keyOf = (item: T): CursorKey => ({
    last_id: legacyId(options.id(item)),
    last_value: options.sortValue ? options.sortValue(item) : legacyId(options.id(item)),
  });

  if (ctx.bulk) {
    // Bulk operations ignore first/last and cursors and return everything.
    return connectionView(items, options, keyOf, false, false, {
      items,
      view: options.view as (item: unknown) => unknown,
    });
  }

  const { first, last, after, before } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new GraphQLError("you must provide one of first or last", {
      extensions: { code: "BAD_REQUEST" },
    });
  }
  if ((first ?? 0) < 0 || (last ?? 0) < 0) {
    throw new GraphQLError("first and last must be non-negative", { extensions: { code: "BAD_REQUEST" } });
  }

  const reverse = options.reverse ?? false;
  let start = 0;
  let end = items.length;
  if (after) {
    const key = decodeCursor(after);
    start = items.findIndex((item) => compareKeys(keyOf(item), key, reverse) > 0);
    if (start === -1) start = items.length;
  }
  if (before) {
    const key = decodeCursor(before);
    const index = items.findIndex((item) => compareKeys(keyOf(item), key, reverse) >= 0);
    end = index === -1 ? items.length : index;
  }
  end = Math.max(start, end);
  if (first !== undefined && first !== null) end = Math.min(end, start + Math.min(first, MAX_PAGE_SIZE));
  if (last !== undefined && last !== null) start = Math.max(start, end - Math.min(last, MAX_PAGE_SIZE));
  const page = items.slice(start, end);
  return connectionView(page, options, keyOf, start > 0, end < items.length);
}

function connectionView<T>(
  page: readonly T[],
  options: ConnectionOptions<T>,
  keyOf: (item: T) => CursorKey,
  hasPreviousPage: boolean,
  hasNextPage: boolean,
  bulk?: BulkSource,
): Record<string | symbol, unknown> {
  let views: unknown[] | null = null;
  const nodes = () => (views ??= page.map((item) => options.view(item)));
  const cursor = (item: T) => encodeCursor(keyOf(item));
  const view: Record<string | symbol, unknown> = {
    edges: () => nodes().map((node, index) => ({ cursor: cursor(page[index]), node })),
    nodes,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: page.length > 0 ? cursor(page[0]) : null,
      endCursor: page.length > 0 ? cursor(page[page.length - 1]) : null,
    },
  };
  if (bulk) view[BULK_ITEMS] = bulk;
  return view;
}

/** `Count` objects (`productsCount`, `variantsCount`): exact up to `limit`, then AT_LEAST. */
export function count(
  total: number,
  limit?: number | null,
): { count: number; precision: "EXACT" | "AT_LEAST" } {
  if (limit !== undefined && limit !== null && total > limit) return { count: limit, precision: "AT_LEAST" };
  return { count: total, precision: "EXACT" };
}
