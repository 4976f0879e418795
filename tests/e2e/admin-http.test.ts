import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import { buildRequests, createAcpClient } from "../../sandbox/agent/buyer";
import { seedShopInstall } from "../../sandbox/app-seed/seed";
import { hostParam, mintSessionToken } from "../../sandbox/shopify-admin/admin-host";
import { DEMO_RESTRICTED_KEY } from "../../sandbox/stripe/accounts";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_API_KEY, TEST_API_SECRET, TEST_ENCRYPTION_KEYS, type AppServer } from "../support/app-server";
import { itemId } from "../support/catalog";
import { testPrisma } from "../support/database";
import { BROWSER_UA } from "./admin-browser";
import { startIsolatedAppServer } from "./isolated-app";

/**
 * The sandbox admin page and the admin routes over HTTP, without a browser: the session token
 * Shopify would send, what the app accepts and refuses, shop scoping, secrets, server validation.
 */

const EU_SHOP = "acp-eu.myshopify.com";
let stack: AcpStack;

beforeAll(async () => {
  stack = await startAcpStack();
});

afterAll(async () => {
  await stack?.stop();
});

function token(shop: string, overrides: Partial<Parameters<typeof mintSessionToken>[0]> = {}) {
  return mintSessionToken({
    shop,
    apiKey: TEST_API_KEY,
    apiSecret: TEST_API_SECRET,
    now: new Date(),
    ...overrides,
  });
}

/** A document request as the admin's iframe makes it. */
function adminPage(path: string, shop: string, idToken = token(shop), base = stack.app.url) {
  const url = new URL(path, base);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", hostParam(shop));
  url.searchParams.set("id_token", idToken);
  return fetch(url, { headers: { "User-Agent": BROWSER_UA }, redirect: "manual" });
}

/** A Remix action as the page submits it (single fetch), with the bridge's Bearer token. */
function adminAction(route: string, shop: string, form: Record<string, string>) {
  const [pathname, search] = route.split("?");
  return fetch(`${stack.app.url}${pathname}.data${search ? `?${search}` : ""}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token(shop)}`,
      "User-Agent": BROWSER_UA,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form),
  });
}

function decodeJwt(jwt: string) {
  const [header, payload, signature] = jwt.split(".");
  const parse = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  return { header: parse(header), payload: parse(payload), signed: `${header}.${payload}`, signature };
}

function iframeSrc(html: string): URL {
  const src = /<iframe id="app-frame"[^>]*src="([^"]+)"/.exec(html)?.[1];
  expect(src).toBeDefined();
  return new URL(src!.replace(/&amp;/g, "&"));
}

describe("sandbox admin page", () => {
  it("frames the app with Shopify's parameters and a session token signed with the installation's secret", async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await fetch(`${stack.shopify.url}/admin/apps/${TEST_API_KEY}/app/orders?shop=acp-demo`);
    expect(response.status).toBe(200);
    const src = iframeSrc(await response.text());
    expect(src.origin).toBe(stack.app.url);
    expect(src.pathname).toBe("/app/orders");
    expect(src.searchParams.get("embedded")).toBe("1");
    expect(src.searchParams.get("shop")).toBe(stack.shop);
    expect(Buffer.from(src.searchParams.get("host")!, "base64").toString()).toBe(
      "admin.shopify.com/store/acp-demo",
    );

    const { hmac, ...rest } = Object.fromEntries(src.searchParams);
    const message = Object.keys(rest)
      .sort()
      .map((key) => `${key}=${rest[key]}`)
      .join("&");
    expect(hmac).toBe(createHmac("sha256", TEST_API_SECRET).update(message).digest("hex"));

    const jwt = decodeJwt(src.searchParams.get("id_token")!);
    expect(jwt.header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(jwt.signature).toBe(createHmac("sha256", TEST_API_SECRET).update(jwt.signed).digest("base64url"));
    expect(jwt.payload).toMatchObject({
      iss: `https://${stack.shop}/admin`,
      dest: `https://${stack.shop}`,
      aud: TEST_API_KEY,
      sub: expect.stringMatching(/^\d+$/),
      sid: src.searchParams.get("session"),
    });
    expect(jwt.payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(jwt.payload.iat).toBeGreaterThanOrEqual(before);
    expect(jwt.payload.nbf).toBe(jwt.payload.iat);
    expect(jwt.payload.exp - jwt.payload.iat).toBe(60);
  });

  it("lists the stores with the app when no shop is given, and answers 404 for one without it", async () => {
    const list = await fetch(`${stack.shopify.url}/admin/apps/${TEST_API_KEY}`);
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain(stack.shop);
    expect(html).toContain(EU_SHOP);
    expect(
      (await fetch(`${stack.shopify.url}/admin/apps/${TEST_API_KEY}?shop=nope.myshopify.com`)).status,
    ).toBe(404);
  });

  it("mints fresh tokens; only the app's own origin may read one cross-origin", async () => {
    const mint = (origin?: string, shop = stack.shop) =>
      fetch(`${stack.shopify.url}/admin/apps/_session-token`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(origin ? { Origin: origin } : {}) },
        body: JSON.stringify({ shop, apiKey: TEST_API_KEY }),
      });
    const fromApp = await mint(stack.app.url);
    expect(fromApp.status).toBe(200);
    expect(fromApp.headers.get("access-control-allow-origin")).toBe(stack.app.url);
    const { token: minted } = (await fromApp.json()) as { token: string };
    expect(decodeJwt(minted).payload.dest).toBe(`https://${stack.shop}`);

    const fromElsewhere = await mint("https://evil.example");
    expect(fromElsewhere.headers.get("access-control-allow-origin")).toBeNull();
    expect((await mint(undefined, "nope.myshopify.com")).status).toBe(404);
  });
});

describe("admin routes", () => {
  it("accept the admin's iframe URL and render the sandbox bridge instead of the CDN App Bridge", async () => {
    const host = await fetch(`${stack.shopify.url}/admin/apps/${TEST_API_KEY}?shop=${stack.shop}`);
    const response = await fetch(iframeSrc(await host.text()), { headers: { "User-Agent": BROWSER_UA } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors");
    expect(response.headers.get("content-security-policy")).toContain("https://admin.shopify.com");
    const html = await response.text();
    expect(html).toContain("sandbox-app-bridge:request-session-token");
    expect(html).not.toContain('src="https://cdn.shopify.com/shopifycloud/app-bridge.js"');
  });

  it("refuse a token signed with another secret, for another app, or expired", async () => {
    const forged = await adminPage(
      "/app/settings",
      stack.shop,
      token(stack.shop, { apiSecret: "not-the-secret" }),
    );
    expect(forged.status).toBe(302);
    expect(forged.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
    const otherApp = await adminPage(
      "/app/settings",
      stack.shop,
      token(stack.shop, { apiKey: "another-app" }),
    );
    expect(otherApp.status).toBe(302);

    const expired = token(stack.shop, { now: new Date(Date.now() - 5 * 60_000) });
    const data = await fetch(`${stack.app.url}/app/settings.data`, {
      headers: { Authorization: `Bearer ${expired}`, "User-Agent": BROWSER_UA },
    });
    expect(data.status).toBe(401);
    // What the bridge (like App Bridge) retries on with a fresh token.
    expect(data.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
  });

  it("never show one shop another shop's agents, keys, fees or orders, nor let it change them", async () => {
    const demoAgent = await stack.db.agent.findFirstOrThrow({ where: { shop: stack.shop } });
    const demoKey = await stack.db.agentApiKey.findFirstOrThrow({ where: { shop: stack.shop } });
    const fee = await stack.db.feeRule.create({
      data: {
        id: "fee_demo_only",
        shop: stack.shop,
        label: "Demo-only fee",
        kind: "fixed",
        fixedAmount: 100,
      },
    });

    const agents = await (await adminPage("/app/agents", EU_SHOP)).text();
    expect(agents).toContain("No agents yet");
    expect(agents).not.toContain(demoAgent.name);
    expect(agents).not.toContain(demoKey.prefix);
    expect((await adminPage(`/app/agents/${demoAgent.id}`, EU_SHOP)).status).toBe(404);
    expect(await (await adminPage("/app/fees", EU_SHOP)).text()).not.toContain("Demo-only fee");
    expect(await (await adminPage("/app/orders?period=all", EU_SHOP)).text()).not.toContain(demoAgent.name);

    expect(
      (await adminAction("/app/agents?index", EU_SHOP, { intent: "revoke", keyId: demoKey.id })).status,
    ).toBe(400);
    expect(
      (await stack.db.agentApiKey.findUniqueOrThrow({ where: { id: demoKey.id } })).revokedAt,
    ).toBeNull();
    expect((await adminAction("/app/fees", EU_SHOP, { intent: "delete", id: fee.id })).status).toBe(400);
    expect(await stack.db.feeRule.findUnique({ where: { id: fee.id } })).not.toBeNull();
    const settings = await adminAction(`/app/agents/${demoAgent.id}`, EU_SHOP, { intent: "webhook-secret" });
    expect(settings.status).toBe(400);
    expect(
      (await stack.db.agent.findUniqueOrThrow({ where: { id: demoAgent.id } })).webhookSecretEncrypted,
    ).toBeNull();
    await stack.db.feeRule.delete({ where: { id: fee.id } });
  });

  it("never send a secret back to the browser once it is stored", async () => {
    const agent = await stack.db.agent.findFirstOrThrow({ where: { shop: stack.shop } });
    const webhookSecret = "whsec_stored_secret_for_the_test";
    await stack.db.agent.update({
      where: { id: agent.id },
      data: {
        webhookUrl: "https://agent.example/hooks",
        webhookSecretEncrypted: encryptSecret(webhookSecret, parseKeyRing(TEST_ENCRYPTION_KEYS)),
      },
    });
    const sealed = await stack.db.agent.findUniqueOrThrow({ where: { id: agent.id } });
    const agentPage = await (await adminPage(`/app/agents/${agent.id}`, stack.shop)).text();
    expect(agentPage).toContain("https://agent.example/hooks");
    expect(agentPage).not.toContain(webhookSecret);
    expect(agentPage).not.toContain(sealed.webhookSecretEncrypted);

    const stored = await stack.db.shopSettings.findUniqueOrThrow({ where: { shop: stack.shop } });
    const settings = await (await adminPage("/app/settings", stack.shop)).text();
    expect(settings).toContain(DEMO_RESTRICTED_KEY.slice(-4));
    expect(settings).not.toContain(DEMO_RESTRICTED_KEY);
    expect(settings).not.toContain(stored.stripeKeyEncrypted);
  });

  it("request signing: a bad Ed25519 key is refused; an HMAC secret shown once makes unsigned checkouts fail", async () => {
    const route = `/app/agents/${stack.agent.agentId}`;
    const bad = await adminAction(route, stack.shop, {
      intent: "signing-key",
      algorithm: "ed25519",
      publicKey: "nope",
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("This is not a PEM public key.");

    const made = await adminAction(route, stack.shop, { intent: "signing-key", algorithm: "hmac-sha256" });
    expect(made.status).toBe(200);
    const secret = /sigsec_[\w-]+/.exec(await made.text())?.[0];
    expect(secret).toBeDefined();
    expect(await (await adminPage(route, stack.shop)).text()).not.toContain(secret);

    const version = "2026-04-17";
    const body = buildRequests(version).create({
      items: [{ id: itemId(stack.shopify, stack.shop, "Canvas Tote Bag"), quantity: 1 }],
    });
    expect((await stack.client(version).createCheckout(body)).status).toBe(401);
    const signed = createAcpClient({
      baseUrl: stack.app.url,
      apiKey: stack.agent.apiKey,
      apiVersion: version,
      signing: { alg: "hmac-sha256", key: secret! },
    });
    expect((await signed.createCheckout(body)).status).toBe(201);

    expect((await adminAction(route, stack.shop, { intent: "signing-key", algorithm: "none" })).status).toBe(
      200,
    );
    expect((await stack.client(version).createCheckout(body)).status).toBe(201);
  });

  it("validate forms on the server and change nothing when they are wrong", async () => {
    const fee = await adminAction("/app/fees", stack.shop, {
      intent: "save",
      label: "",
      kind: "percentage",
      amount: "150",
      countries: "USA",
    });
    expect(fee.status).toBe(400);
    const body = await fee.text();
    expect(body).toContain("Enter a label buyers will see.");
    expect(body).toContain("Enter a percentage between 0 and 100.");
    expect(body).toContain("Use 2-letter country codes");
    expect(await stack.db.feeRule.count({ where: { shop: stack.shop } })).toBe(0);

    const agents = await stack.db.agent.count({ where: { shop: stack.shop } });
    expect(
      (await adminAction("/app/agents?index", stack.shop, { intent: "create", name: "  " })).status,
    ).toBe(400);
    expect(await stack.db.agent.count({ where: { shop: stack.shop } })).toBe(agents);

    const before = await stack.db.shopSettings.findUniqueOrThrow({ where: { shop: stack.shop } });
    const stripe = await adminAction("/app/settings", stack.shop, { intent: "connect", key: "not-a-key" });
    expect(stripe.status).toBe(400);
    expect(await stripe.text()).toContain("Paste a secret (sk_…) or restricted (rk_…) Stripe key.");
    expect(await stack.db.shopSettings.findUniqueOrThrow({ where: { shop: stack.shop } })).toEqual(before);
  });
});

describe("outside sandbox mode", () => {
  let app: AppServer;

  beforeAll(async () => {
    app = await startIsolatedAppServer();
    const db = testPrisma(app.databaseUrl);
    await seedShopInstall(db, {
      shop: "plain-shop.myshopify.com",
      accessToken: "shpat_plain",
      scopes: ["read_products"],
    });
    await db.$disconnect();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("loads Shopify's App Bridge from its CDN and never the sandbox bridge", async () => {
    const response = await adminPage(
      "/app/settings",
      "plain-shop.myshopify.com",
      token("plain-shop.myshopify.com"),
      app.url,
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('src="https://cdn.shopify.com/shopifycloud/app-bridge.js"');
    expect(html).not.toContain("sandbox-app-bridge");
  });
});
