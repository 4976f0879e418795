import type { GraphQLResolveInfo } from "graphql";
import type { ShopState } from "../store";

/** What every resolver gets: the shop the request is for and the sandbox's side channels. */
export interface SandboxContext {
  shop: ShopState;
  /** The sandbox clock (tests may move it). */
  now(): Date;
  /** Queue a webhook to the app exactly as Shopify would send it (if the app subscribed). */
  emitWebhook(topic: string, payload: Record<string, unknown>): void;
  /** http://127.0.0.1:<port> of the sandbox itself (bulk result files are served there). */
  baseUrl: string;
  /** Admin API version of the request path, e.g. "2026-04". */
  apiVersion: string;
  /**
   * Set while a bulk operation runs the query: connections then return every item and ignore
   * `first`/`after` (Shopify's bulk semantics). Unset for normal requests.
   */
  bulk?: boolean;
  /** Search-syntax warnings, returned in `extensions.search` like Shopify does (optional). */
  searchWarnings?: SearchWarning[];
}

/** One entry of Shopify's `extensions.search`: how a `query:` argument was understood. */
export interface SearchWarning {
  path: (string | number)[];
  query: string;
  warnings: { field: string; message: string; code: string }[];
}

/**
 * A root field resolver. Returned objects are "views": plain objects whose properties are either
 * values or functions `(args, context, info) => value` (graphql-js's default field resolver calls
 * them), so nested connections and arguments need no separate resolver map. Objects returned
 * where an interface or union is expected carry `__typename`. A field missing from a view is an
 * error ("The sandbox does not implement Product.seo"), never a silent null: set `null` explicitly.
 */
export type RootResolver = (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arguments are checked by the schema
  args: Record<string, any>,
  context: SandboxContext,
  info: GraphQLResolveInfo,
) => unknown;

export interface ResolverModule {
  Query?: Record<string, RootResolver>;
  Mutation?: Record<string, RootResolver>;
  /**
   * Optional loaders for `node(id:)`/`nodes(ids:)` by GID type (`"Order"` → view or null). Without
   * one, the sandbox falls back to the root query field named after the type (`order(id:)`).
   */
  Node?: Record<string, (id: string, context: SandboxContext) => unknown>;
}
