import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ShopState } from "./store";

/**
 * A stand-in for the Shopify admin page that embeds an app: `GET /admin/apps/<client id>/<app path>?shop=…`
 * renders a small admin frame (top bar, app navigation) with the app in an iframe, loaded the way
 * Shopify loads it: `<app url>/<app path>?embedded=1&host&shop&id_token&hmac&…`. The session token
 * is minted here with the installation's client secret, so the app's unchanged
 * `authenticate.admin` validates it locally. The page answers the app's token requests
 * (postMessage, as App Bridge does) and `POST /admin/apps/_session-token` mints one for an app
 * opened in its own tab. See docs/decisions/008-sandbox-admin.md.
 *
 * Anyone who can reach the sandbox is signed in as the shop owner: it listens on 127.0.0.1 only.
 */

/** Shopify session tokens live one minute (shopify.dev/docs/apps/auth/session-tokens). */
export const SESSION_TOKEN_TTL_SECONDS = 60;
/** The staff member the sandbox admin is signed in as (the shop owner). */
export const SANDBOX_USER_ID = "80914481";
export const TOKEN_PATH = "/admin/apps/_session-token";

export interface SessionTokenInput {
  shop: string;
  apiKey: string;
  apiSecret: string;
  now: Date;
  userId?: string;
  /** The admin session id; one per page load, like Shopify's `sid`. */
  sid?: string;
  ttlSeconds?: number;
}

/** An HS256 JWT with the claims Shopify puts in an embedded app's session token. */
export function mintSessionToken(input: SessionTokenInput): string {
  const iat = Math.floor(input.now.getTime() / 1000);
  const payload = {
    iss: `https://${input.shop}/admin`,
    dest: `https://${input.shop}`,
    aud: input.apiKey,
    sub: input.userId ?? SANDBOX_USER_ID,
    exp: iat + (input.ttlSeconds ?? SESSION_TOKEN_TTL_SECONDS),
    nbf: iat,
    iat,
    jti: randomUUID(),
    sid: input.sid ?? randomBytes(16).toString("hex"),
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(payload)}`;
  const signature = createHmac("sha256", input.apiSecret).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}

/** `host` as Shopify sends it: base64 of the admin's address for the store. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${storeName(shop)}`)
    .toString("base64")
    .replace(/=+$/, "");
}

function storeName(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

/**
 * The iframe URL Shopify builds for an embedded app, with its `hmac` over the other parameters
 * (sorted `key=value` joined by `&`, hex HMAC-SHA256 with the client secret).
 */
export function embeddedAppUrl(options: {
  appUrl: string;
  appPath: string;
  shop: string;
  apiKey: string;
  apiSecret: string;
  now: Date;
  sid: string;
  extraParams?: URLSearchParams;
}): string {
  const url = new URL(options.appPath.replace(/^\/*/, "/"), options.appUrl);
  const params = new URLSearchParams(options.extraParams);
  params.set("embedded", "1");
  params.set("host", hostParam(options.shop));
  params.set(
    "id_token",
    mintSessionToken({
      shop: options.shop,
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      now: options.now,
      sid: options.sid,
    }),
  );
  params.set("locale", "en");
  params.set("session", options.sid);
  params.set("shop", options.shop);
  params.set("timestamp", String(Math.floor(options.now.getTime() / 1000)));
  const message = [...params.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  params.set("hmac", createHmac("sha256", options.apiSecret).update(message).digest("hex"));
  url.search = params.toString();
  return url.toString();
}

export interface AdminHostContext {
  shops: Map<string, ShopState>;
  now: () => Date;
}

/** Serves every `/admin/apps/…` request of the sandbox Shopify server. */
export async function handleAdminHost(
  req: IncomingMessage,
  res: ServerResponse,
  context: AdminHostContext,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sandbox.local");
  if (url.pathname === TOKEN_PATH) return handleTokenRequest(req, res, context);
  if (req.method !== "GET") return sendText(res, 405, "Method Not Allowed");
  const match = /^\/admin\/apps\/([^/]+)(\/.*)?$/.exec(url.pathname);
  if (!match) return sendText(res, 404, "Not Found");
  const apiKey = decodeURIComponent(match[1]);
  const appPath = match[2] && match[2] !== "/" ? match[2] : "/app";

  const shopParam = url.searchParams.get("shop");
  const shop = shopParam ? findShop(context.shops, shopParam) : null;
  const installed = [...context.shops.values()].filter(isEmbeddable);
  if (!shop) return sendHtml(res, shopParam ? 404 : 200, shopPickerPage(apiKey, appPath, installed));
  if (!isEmbeddable(shop)) {
    return sendHtml(
      res,
      404,
      messagePage("App not installed", `This app is not installed on ${shop.domain}.`),
    );
  }

  const extraParams = new URLSearchParams(url.searchParams);
  extraParams.delete("shop");
  const sid = randomBytes(16).toString("hex");
  const iframeSrc = embeddedAppUrl({
    appUrl: shop.installation.appUrl!,
    appPath,
    shop: shop.domain,
    apiKey,
    apiSecret: shop.installation.apiSecret!,
    now: context.now(),
    sid,
    extraParams,
  });
  sendHtml(
    res,
    200,
    hostPage({
      shop: shop.domain,
      shopName: shop.name,
      apiKey,
      appOrigin: new URL(shop.installation.appUrl!).origin,
      iframeSrc,
      appPath,
    }),
  );
}

function isEmbeddable(shop: ShopState): boolean {
  const installation = shop.installation;
  return Boolean(installation.appUrl && installation.apiSecret && !installation.uninstalledAt);
}

/** Accepts the shop domain or the store name (`acp-demo`), as the admin's `/store/<name>` does. */
function findShop(shops: Map<string, ShopState>, value: string): ShopState | null {
  return shops.get(value) ?? shops.get(`${value}.myshopify.com`) ?? null;
}

/**
 * `POST /admin/apps/_session-token` `{shop, apiKey}` → `{token}`. Same-origin for the host page;
 * the app itself may call it (CORS) only from the installation's app URL, when opened in a tab.
 */
async function handleTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  context: AdminHostContext,
): Promise<void> {
  const origin = typeof req.headers.origin === "string" ? req.headers.origin : null;
  const corsFor = (shop: ShopState | null): Record<string, string> => {
    const appOrigin = shop?.installation.appUrl ? new URL(shop.installation.appUrl).origin : null;
    return origin && appOrigin && origin === appOrigin
      ? {
          "Access-Control-Allow-Origin": origin,
          "Access-Control-Allow-Methods": "POST",
          "Access-Control-Allow-Headers": "Content-Type",
          Vary: "Origin",
        }
      : {};
  };
  if (req.method === "OPTIONS") {
    // The preflight does not carry the body, so any installed app origin may ask.
    const shop = [...context.shops.values()].find(
      (candidate) =>
        candidate.installation.appUrl && new URL(candidate.installation.appUrl).origin === origin,
    );
    res.writeHead(204, corsFor(shop ?? null));
    return void res.end();
  }
  if (req.method !== "POST") return sendText(res, 405, "Method Not Allowed");
  let body: { shop?: unknown; apiKey?: unknown };
  try {
    body = JSON.parse(await readBody(req)) as typeof body;
  } catch {
    return sendJson(res, 400, { error: "Body must be JSON: { shop, apiKey }" });
  }
  const shop = typeof body.shop === "string" ? findShop(context.shops, body.shop) : null;
  if (!shop || !isEmbeddable(shop) || typeof body.apiKey !== "string" || !body.apiKey) {
    return sendJson(res, 404, { error: "No app installed with that shop" });
  }
  const token = mintSessionToken({
    shop: shop.domain,
    apiKey: body.apiKey,
    apiSecret: shop.installation.apiSecret!,
    now: context.now(),
  });
  // Other origins may send the request but cannot read the answer: only the app's origin gets CORS.
  sendJson(res, 200, { token }, corsFor(shop));
}

interface HostPageInput {
  shop: string;
  shopName: string;
  apiKey: string;
  appOrigin: string;
  iframeSrc: string;
  appPath: string;
}

function hostPage(input: HostPageInput): string {
  const config = JSON.stringify({
    shop: input.shop,
    apiKey: input.apiKey,
    appOrigin: input.appOrigin,
    tokenPath: TOKEN_PATH,
  }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(input.shopName)} · Shopify admin (sandbox)</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background: #f1f1f1; color: #303030; }
  header { height: 56px; background: #1a1a1a; color: #e3e3e3; display: flex; align-items: center; gap: 16px; padding: 0 16px; }
  header strong { color: #fff; font-size: 15px; }
  header .badge { background: #ffb800; color: #1a1a1a; border-radius: 8px; padding: 2px 8px; font-size: 12px; font-weight: 600; }
  header .shop { margin-left: auto; }
  .layout { display: flex; height: calc(100vh - 56px); }
  nav { width: 240px; padding: 12px 8px; background: #ebebeb; overflow-y: auto; }
  nav .section { color: #616161; font-size: 12px; font-weight: 600; padding: 12px 8px 4px; }
  nav a { display: block; padding: 6px 8px; border-radius: 8px; color: #303030; text-decoration: none; }
  nav a[aria-current="page"] { background: #fff; font-weight: 600; }
  nav a:hover, nav a:focus-visible { background: #fafafa; outline: 2px solid transparent; }
  nav a:focus-visible { box-shadow: 0 0 0 2px #005bd3; }
  nav .sub a { padding-left: 24px; }
  nav .disabled { display: block; padding: 6px 8px; color: #8a8a8a; }
  main { flex: 1; display: flex; flex-direction: column; min-width: 0; }
  iframe { flex: 1; border: 0; width: 100%; background: #f1f1f1; }
  #notice { display: none; margin: 12px; padding: 12px 16px; border-radius: 12px; background: #fff4e4; border: 1px solid #ffd79d; }
  #notice button { margin-left: 8px; }
</style>
</head>
<body>
<header><strong>Shopify</strong><span class="badge">Sandbox admin</span><span class="shop">${escapeHtml(input.shopName)} · ${escapeHtml(input.shop)}</span></header>
<div class="layout">
  <nav aria-label="Shopify admin">
    <span class="disabled">Home</span><span class="disabled">Orders</span><span class="disabled">Products</span>
    <div class="section">Apps</div>
    <a id="app-home" href="#" data-path="/app" aria-current="page">App</a>
    <div class="sub" id="app-nav"></div>
  </nav>
  <main>
    <div id="notice" role="status"></div>
    <iframe id="app-frame" title="App" src="${escapeHtml(input.iframeSrc)}"></iframe>
  </main>
</div>
<script>
(() => {
  const config = ${config};
  const frame = document.getElementById("app-frame");
  const nav = document.getElementById("app-nav");
  const home = document.getElementById("app-home");
  const notice = document.getElementById("notice");
  // This page may be served as /admin/apps/<key>/… or, in tests, as admin.shopify.com/store/<name>/apps/<key>/….
  const base = (/^(.*?\\/apps\\/[^/]+)/.exec(location.pathname) || [, location.pathname])[1];
  let ready = false;

  async function mint() {
    const response = await fetch(config.tokenPath, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ shop: config.shop, apiKey: config.apiKey }),
    });
    if (!response.ok) throw new Error("session token: HTTP " + response.status);
    return (await response.json()).token;
  }
  function post(message) { frame.contentWindow.postMessage(message, config.appOrigin); }
  function navigate(path) { post({ type: "sandbox-app-bridge:navigate", path }); }
  function markCurrent(path) {
    for (const link of document.querySelectorAll("nav a[data-path]")) {
      const target = link.dataset.path;
      const current = target === "/app" ? path === "/app" : path === target || path.startsWith(target + "/");
      if (current) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
    }
  }
  function renderNav(title, items, path) {
    home.textContent = title || "App";
    nav.replaceChildren(...items.map((item) => {
      const link = document.createElement("a");
      link.href = base + item.path;
      link.dataset.path = item.path;
      link.textContent = item.label;
      return link;
    }));
    markCurrent(path);
  }
  document.querySelector("nav").addEventListener("click", (event) => {
    const link = event.target.closest("a[data-path]");
    if (!link) return;
    event.preventDefault();
    navigate(link.dataset.path);
  });
  window.addEventListener("message", async (event) => {
    if (event.source !== frame.contentWindow || event.origin !== config.appOrigin) return;
    const message = event.data || {};
    if (message.type === "sandbox-app-bridge:request-session-token") {
      try {
        post({ type: "sandbox-app-bridge:session-token", id: message.id, token: await mint() });
      } catch (error) {
        post({ type: "sandbox-app-bridge:session-token", id: message.id, error: String(error) });
      }
    } else if (message.type === "sandbox-app-bridge:ready") {
      ready = true;
      notice.style.display = "none";
      renderNav(message.title, message.navMenu || [], message.path);
      // Keep the address bar on the app page, as the admin does, so a reload lands on it.
      history.replaceState(null, "", base + message.path + location.search.replace(/^\\?$/, ""));
    } else if (message.type === "sandbox-app-bridge:admin-navigate") {
      notice.style.display = "block";
      notice.textContent = "Shopify admin page " + message.path + " is not part of the sandbox admin.";
    }
  });
  // A browser that refuses to frame the app (its CSP names only Shopify's admin origins) never
  // reports ready: offer the app in its own tab, where it fetches tokens from the sandbox itself.
  setTimeout(() => {
    if (ready) return;
    notice.style.display = "block";
    notice.textContent = "The app did not load in the frame.";
    const open = document.createElement("button");
    open.type = "button";
    open.textContent = "Open the app in a new tab";
    open.addEventListener("click", () => window.open(frame.src, "_blank", "noopener"));
    notice.append(open);
  }, 8000);
})();
</script>
</body>
</html>`;
}

function shopPickerPage(apiKey: string, appPath: string, shops: ShopState[]): string {
  const links = shops
    .map(
      (shop) =>
        `<li><a href="/admin/apps/${encodeURIComponent(apiKey)}${escapeHtml(appPath)}?shop=${encodeURIComponent(shop.domain)}">${escapeHtml(shop.name)} (${escapeHtml(shop.domain)})</a></li>`,
    )
    .join("");
  return messagePage(
    "Choose a store",
    shops.length ? `<ul>${links}</ul>` : "No store has an app installed with an app URL and secret.",
    true,
  );
}

function messagePage(title: string, body: string, bodyIsHtml = false): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font: 14px system-ui, sans-serif; margin: 32px"><h1>${escapeHtml(title)}</h1><div>${bodyIsHtml ? body : escapeHtml(body)}</div></body></html>`;
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!,
  );
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(html)),
    "Cache-Control": "no-store",
  });
  res.end(html);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error("Request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
