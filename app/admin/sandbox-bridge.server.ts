import { env } from "../env.server";

/**
 * Sandbox mode only: a few lines that do for the embedded admin what Shopify's App Bridge (a CDN
 * script, unreachable offline) does for session tokens. It keeps the `id_token` Shopify put in the
 * iframe URL, adds `Authorization: Bearer <token>` to the app's own fetches (Remix data and
 * actions), fetches a fresh token before the one-minute token runs out (from the admin host page
 * by postMessage, or from the sandbox's token endpoint when the app runs in its own tab), and
 * retries once when the server answers 401 with `X-Shopify-Retry-Invalid-Session-Request`.
 * docs/decisions/008-sandbox-admin.md. Returns null outside sandbox mode: never active in production.
 */
export function sandboxBridgeScript(apiKey: string): string | null {
  const config = env();
  if (!config.ACP_SANDBOX || !config.SANDBOX_SHOPIFY_URL) return null;
  const sandbox = new URL(config.SANDBOX_SHOPIFY_URL);
  const bridgeConfig: BridgeConfig = {
    apiKey,
    // The sandbox host page, or the same page served at Shopify's admin address (browser tests).
    parentOrigins: [sandbox.origin, "https://admin.shopify.com"],
    tokenUrl: new URL("/admin/apps/_session-token", sandbox).toString(),
  };
  return `(${installBridge.toString()})(${JSON.stringify(bridgeConfig).replace(/</g, "\\u003c")});`;
}

interface BridgeConfig {
  apiKey: string;
  parentOrigins: string[];
  tokenUrl: string;
}

/** Runs in the browser, inlined by `sandboxBridgeScript`: it must not use anything from outside. */
function installBridge(config: BridgeConfig) {
  const params = new URLSearchParams(window.location.search);
  const shop = params.get("shop");
  let token = params.get("id_token");
  let pending: Promise<string> | null = null;
  const ancestor =
    window.parent !== window
      ? (window.location.ancestorOrigins?.[0] ??
        (document.referrer ? new URL(document.referrer).origin : null))
      : null;
  const parentOrigin = ancestor && config.parentOrigins.includes(ancestor) ? ancestor : null;

  const expiresAt = (jwt: string | null) => {
    try {
      const payload = jwt!.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return (JSON.parse(atob(payload)) as { exp: number }).exp * 1000;
    } catch {
      return 0;
    }
  };

  const requestToken = (): Promise<string> => {
    if (parentOrigin) {
      return new Promise((resolve, reject) => {
        const id = Math.random().toString(36).slice(2);
        const timer = window.setTimeout(() => {
          window.removeEventListener("message", onMessage);
          reject(new Error("The admin did not answer the session token request"));
        }, 5000);
        function onMessage(event: MessageEvent) {
          const data = event.data as { type?: string; id?: string; token?: string; error?: string } | null;
          if (event.source !== window.parent || event.origin !== parentOrigin) return;
          if (data?.type !== "sandbox-app-bridge:session-token" || data.id !== id) return;
          window.clearTimeout(timer);
          window.removeEventListener("message", onMessage);
          if (data.token) resolve(data.token);
          else reject(new Error(data.error ?? "No session token"));
        }
        window.addEventListener("message", onMessage);
        window.parent.postMessage({ type: "sandbox-app-bridge:request-session-token", id }, parentOrigin);
      });
    }
    return window
      .fetch(config.tokenUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ shop, apiKey: config.apiKey }),
      })
      .then((response) => response.json() as Promise<{ token: string }>)
      .then((body) => body.token);
  };

  const refresh = (): Promise<string> => {
    pending ??= requestToken().then(
      (fresh) => {
        token = fresh;
        pending = null;
        return fresh;
      },
      (error: unknown) => {
        pending = null;
        throw error;
      },
    );
    return pending;
  };
  // Shopify tokens live 60 s; take a new one when less than 10 s remain.
  const current = () =>
    token && expiresAt(token) - Date.now() > 10_000 ? Promise.resolve(token) : refresh();

  const realFetch = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== window.location.origin || request.headers.has("Authorization")) {
      return realFetch(request);
    }
    const send = async (bearer: string) => {
      const copy = request.clone();
      const headers = new Headers(copy.headers);
      headers.set("Authorization", `Bearer ${bearer}`);
      return realFetch(new Request(copy, { headers }));
    };
    const response = await send(await current());
    if (response.status === 401 && response.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1") {
      return send(await refresh());
    }
    return response;
  };
  (window as unknown as { __sandboxAppBridge: unknown }).__sandboxAppBridge = { parentOrigin };
}
