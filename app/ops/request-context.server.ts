import type { AsyncLocalStorage } from "node:async_hooks";

/**
 * What server.mjs knows about the request being served, shared with app code through an
 * AsyncLocalStorage it puts on globalThis (the Remix bundle cannot import server.mjs, and the
 * socket is not visible through a Web `Request`). Absent under `remix vite:dev`.
 */
export interface RequestContext {
  requestId: string;
  /** The peer is this machine and no proxy forwarded the request (no X-Forwarded-For etc.). */
  loopback: boolean;
  /** The peer's address: the client's, or a proxy's when there is one. Never logged. */
  clientAddress: string | null;
  /** Set by the app once the request is tied to a shop (ACP key, webhook, admin session). */
  shop: string | null;
}

/** The key server.mjs stores its AsyncLocalStorage under (Symbol.for: one per process). */
export const REQUEST_CONTEXT_KEY = Symbol.for("acp-shopify.requestContext");

export function currentRequest(): RequestContext | undefined {
  const storage = (globalThis as Record<symbol, unknown>)[REQUEST_CONTEXT_KEY] as
    | AsyncLocalStorage<RequestContext>
    | undefined;
  return storage?.getStore();
}

/** Names the shop on this request's log line. */
export function tagRequestShop(shop: string): void {
  const context = currentRequest();
  if (context) context.shop = shop;
}
