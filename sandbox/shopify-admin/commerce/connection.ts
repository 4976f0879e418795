import { GraphQLError } from "graphql";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

/** Opaque cursors, like Shopify's: base64 of the item's position key. */
export function cursorFor(key: string): string {
  return Buffer.from(JSON.stringify({ last_id: key }), "utf8").toString("base64url");
}

function keyOf(cursor: string): string | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { last_id?: unknown };
    return typeof parsed.last_id === "string" ? parsed.last_id : null;
  } catch {
    return null;
  }
}

/**
 * A Relay connection over an in-memory list (`edges`, `nodes`, `pageInfo`), with Shopify's rule
 * that a connection needs `first` or `last` (max 250).
 */
export function connection<T>(
  items: T[],
  args: ConnectionArgs,
  keyFor: (item: T) => string,
  view: (item: T) => unknown,
) {
  const { first, last, after, before } = args;
  if (first == null && last == null) {
    throw new GraphQLError("you must provide one of first or last", {
      extensions: { code: "BAD_REQUEST" },
    });
  }
  for (const [name, value] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (value != null && (value < 0 || value > 250)) {
      throw new GraphQLError(`The ${name} argument must be between 0 and 250.`, {
        extensions: { code: "BAD_REQUEST" },
      });
    }
  }
  let list = args.reverse ? [...items].reverse() : [...items];
  const keys = list.map(keyFor);
  let start = 0;
  let end = list.length;
  if (after) {
    const index = keys.indexOf(keyOf(after) ?? "");
    start = index >= 0 ? index + 1 : list.length;
  }
  if (before) {
    const index = keys.indexOf(keyOf(before) ?? "");
    end = index >= 0 ? index : end;
  }
  list = list.slice(start, Math.max(start, end));
  let offset = start;
  let hasNextPage = end < items.length;
  let hasPreviousPage = start > 0;
  if (first != null) {
    hasNextPage = hasNextPage || list.length > first;
    list = list.slice(0, first);
  }
  if (last != null) {
    hasPreviousPage = hasPreviousPage || list.length > last;
    offset += Math.max(0, list.length - last);
    list = list.slice(Math.max(0, list.length - last));
  }
  const edges = list.map((item, index) => ({ cursor: cursorFor(keys[offset + index]), node: view(item) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** An always-empty connection, for relations the sandbox does not model (returns, events, …). */
export const emptyConnection = {
  edges: [],
  nodes: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
};
