import { env } from "./env.server";

/**
 * In sandbox mode, sends the Shopify Admin API traffic (always https://<shop>.myshopify.com/...)
 * to the local sandbox store instead. The Admin client cannot be pointed at another host, and
 * the Shopify node adapter captures `globalThis.fetch` when it is imported, so this module must
 * be imported before it (see app/shopify.server.ts). Outside sandbox mode it does nothing.
 */
function installSandboxTransport() {
  const config = env();
  if (!config.ACP_SANDBOX || !config.SANDBOX_SHOPIFY_URL) return;
  const sandbox = new URL(config.SANDBOX_SHOPIFY_URL);
  const realFetch = globalThis.fetch;
  const marker = Symbol.for("acp.sandboxTransport");
  if ((realFetch as unknown as Record<symbol, boolean>)[marker]) return;

  const sandboxFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!url.hostname.endsWith(".myshopify.com")) return realFetch(input, init);
    const target = new URL(url.pathname + url.search, sandbox);
    const headers = new Headers(request.headers);
    // The sandbox serves many shops on one port and tells them apart by this header.
    headers.set("x-shopify-sandbox-shop", url.hostname);
    const body =
      request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return realFetch(target, { method: request.method, headers, body, signal: request.signal });
  };
  (sandboxFetch as unknown as Record<symbol, boolean>)[marker] = true;
  globalThis.fetch = sandboxFetch;
}

installSandboxTransport();
