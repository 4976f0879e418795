import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { env } from "./env.server";

/**
 * In sandbox mode, sends the Shopify Admin API traffic (always https://<shop>.myshopify.com/...)
 * to the local sandbox store instead. The Admin client cannot be pointed at another host, so its
 * transport is replaced: `setAbstractFetchFunc` is the hook the Shopify node adapter itself uses.
 * (Wrapping globalThis.fetch is not enough: the adapter captures fetch when it is imported, which
 * in the server bundle happens before any app module runs.) Outside sandbox mode it does nothing.
 */
export function installSandboxTransport() {
  const config = env();
  if (!config.ACP_SANDBOX || !config.SANDBOX_SHOPIFY_URL) return;
  const sandbox = new URL(config.SANDBOX_SHOPIFY_URL);
  const realFetch = globalThis.fetch;

  setAbstractFetchFunc(async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    const url = new URL(request.url);
    if (!url.hostname.endsWith(".myshopify.com")) return realFetch(request);
    const target = new URL(url.pathname + url.search, sandbox);
    const headers = new Headers(request.headers);
    // The sandbox serves many shops on one port and tells them apart by this header.
    headers.set("x-shopify-sandbox-shop", url.hostname);
    const body =
      request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return realFetch(target, { method: request.method, headers, body, signal: request.signal });
  });
}
