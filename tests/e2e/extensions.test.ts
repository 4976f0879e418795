import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  choiceLabel,
  eligibilityRequest,
  productBlockView,
  type ProductFeedStatus,
} from "../../extensions/feed-product-block/src/view";
import {
  formatMinor,
  orderBlockView,
  type OrderAgentView,
} from "../../extensions/agent-order-block/src/view";
import { buildRequests, paymentHandlerIdFrom } from "../../sandbox/agent/buyer";
import { mintSessionToken } from "../../sandbox/shopify-admin/admin-host";
import { DEMO_ACCOUNT_ID } from "../../sandbox/stripe/accounts";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_API_KEY, TEST_API_SECRET } from "../support/app-server";
import { itemId } from "../support/catalog";
import { ROOT } from "../support/paths";

/**
 * The two admin UI extensions (extensions/*): they type-check against @shopify/ui-extensions
 * 2026.4 and bundle with esbuild (what `shopify app build` does, which needs the network), their
 * view logic, and their backends over HTTP with the session token the admin adds to their fetches.
 */

const EXTENSIONS = [
  {
    dir: "feed-product-block",
    module: "./src/ProductFeedBlock.tsx",
    target: "admin.product-details.block.render",
  },
  {
    dir: "agent-order-block",
    module: "./src/AgentOrderBlock.tsx",
    target: "admin.order-details.block.render",
  },
];
const EU_SHOP = "acp-eu.myshopify.com";
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("admin UI extensions: source", () => {
  it("type-check with the Preact JSX of @shopify/ui-extensions 2026.4 and each target's shopify global", async () => {
    const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
    const result = await promisify(execFile)(process.execPath, [tsc, "-p", "extensions/tsconfig.json"], {
      cwd: ROOT,
    }).catch((error: { stdout: string; code: number }) => error);
    expect("code" in result ? result.stdout : "").toBe("");
  });

  it.each(EXTENSIONS)(
    "$dir: the TOML names API 2026-04 and its target, and the module bundles with esbuild",
    async (extension) => {
      const toml = readFileSync(
        path.join(ROOT, "extensions", extension.dir, "shopify.extension.toml"),
        "utf8",
      );
      expect(toml).toMatch(/^api_version = "2026-04"$/m);
      expect(toml).toContain(`target = "${extension.target}"`);
      expect(toml).toContain(`module = "${extension.module}"`);
      expect(toml).toContain(`handle = "${extension.dir}"`);

      const bundled = await build({
        entryPoints: [path.join(ROOT, "extensions", extension.dir, extension.module)],
        bundle: true,
        format: "esm",
        jsx: "automatic",
        jsxImportSource: "preact",
        target: "es2020",
        write: false,
        logLevel: "silent",
      });
      expect(bundled.errors).toEqual([]);
      const code = bundled.outputFiles[0].text;
      expect(code).toContain("s-admin-block");
      expect(code).toMatch(/export\s*{[^}]*as default/);
      // Nothing from the app's server side may end up in the extension.
      expect(code).not.toContain("@prisma/client");
      expect(code.length).toBeLessThan(200_000);
    },
  );
});

describe("admin UI extensions: view logic", () => {
  const status: ProductFeedStatus = {
    productId: "gid://shopify/Product/1",
    counts: { valid: 1, invalid: 1, excluded: 0 },
    items: [
      { itemId: "11", title: "Tee S", markets: ["us"], status: "valid", problems: [] },
      {
        itemId: "12",
        title: "Tee M",
        markets: ["us"],
        status: "invalid",
        problems: [
          { code: "missing_image", severity: "error", field: "image_url", message: "needs an image" },
        ],
      },
    ],
    eligibility: {
      isEligibleSearch: true,
      isEligibleCheckout: false,
      override: { isEligibleCheckout: false },
      defaults: { isEligibleSearch: true, isEligibleCheckout: true },
    },
  };

  it("product: counts, worst status first, problems with their field, and the merchant's override choices", () => {
    const view = productBlockView(200, status);
    expect(view).toMatchObject({
      kind: "ready",
      tone: "critical",
      headline: "Needs attention",
      summary: "1 of 2 variants in the feed, 1 with problems",
      search: "default",
      checkout: "off",
      effective: "Shown in agent search; buyers check out on your store.",
    });
    if (view.kind !== "ready") throw new Error("not ready");
    expect(view.variants[1]).toEqual({
      label: "Tee M",
      tone: "critical",
      status: "Has problems",
      problems: ["image_url: needs an image"],
    });
    expect(choiceLabel("default", true)).toBe("Shop default (on)");
    expect(productBlockView(404, { error: "not_found" }).kind).toBe("missing");
    expect(productBlockView(401, { message: "A session token is required." })).toEqual({
      kind: "error",
      message: "A session token is required.",
    });
    expect(eligibilityRequest("gid://shopify/Product/1", { search: "off", checkout: "default" })).toEqual({
      id: "gid://shopify/Product/1",
      isEligibleSearch: false,
      isEligibleCheckout: null,
    });
  });

  it("order: agent, session details in minor units, and each event's delivery state", () => {
    const data: OrderAgentView = {
      order: { id: "gid://shopify/Order/5", name: "#1005", statusUrl: null },
      agent: { id: "agt_1", name: "Shopping assistant", test: false },
      session: {
        id: "cs_1",
        status: "completed",
        apiVersion: "2026-04-17",
        currency: "usd",
        total: 12345,
        createdAt: "2026-11-24T10:00:00.000Z",
        completedAt: "2026-11-24T10:02:00.000Z",
      },
      timeline: [],
      events: [
        {
          id: "e1",
          type: "order_create",
          status: "delivered",
          attempts: 1,
          lastStatus: 200,
          lastError: null,
          createdAt: "2026-11-24T10:02:00.000Z",
          deliveredAt: "2026-11-24T10:02:01.000Z",
        },
        {
          id: "e2",
          type: "order_update",
          status: "pending",
          attempts: 2,
          lastStatus: 500,
          lastError: null,
          createdAt: "2026-11-24T10:03:00.000Z",
          deliveredAt: null,
        },
      ],
    };
    const view = orderBlockView(200, data);
    if (view.kind !== "ready") throw new Error("not ready");
    expect(view.details).toContainEqual({ label: "Total charged", value: "$123.45" });
    expect(view.events).toEqual([
      {
        key: "e1",
        label: "order_create",
        tone: "success",
        status: "Delivered",
        detail: "2026-11-24 10:02 UTC, HTTP 200",
      },
      { key: "e2", label: "order_update", tone: "critical", status: "Retrying (2)", detail: "HTTP 500" },
    ]);
    expect(formatMinor(500, "jpy")).toBe("¥500");
    expect(orderBlockView(404, null)).toEqual({
      kind: "not-agent",
      message: "No AI agent placed this order.",
    });
  });
});

describe("admin UI extensions: backends over HTTP", { timeout: 60_000 }, () => {
  let stack: AcpStack;
  let productGid: string;
  let orderGid: string;
  let sessionId: string;

  beforeAll(async () => {
    stack = await startAcpStack();
    await feedSync(stack.shop);
    const tee = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "White", "M");
    const item = await stack.db.feedItem.findFirstOrThrow({ where: { shop: stack.shop, itemId: tee } });
    productGid = `gid://shopify/Product/${item.productId}`;

    const build = buildRequests("2026-04-17");
    const client = stack.client("2026-04-17");
    const buyer = {
      first_name: "Ada",
      last_name: "Lovelace",
      email: "ada@example.com",
      phone_number: "+15555550100",
    };
    const address = {
      name: "Ada",
      line_one: "1 Infinite Loop",
      city: "Cupertino",
      state: "CA",
      country: "US",
      postal_code: "95014",
    };
    const created = (
      await client.createCheckout(build.create({ items: [{ id: tee, quantity: 1 }], address, buyer }))
    ).body as Json;
    const option = (created.fulfillment_options as Json[])[0];
    const ready = (
      await client.updateCheckout(
        created.id,
        build.update({ fulfillmentOptionId: option.id, itemIds: [tee] }),
      )
    ).body as Json;
    const total = (ready.totals as Json[]).find((line) => line.type === "total")!.amount as number;
    const token = stack.stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, {
      maxAmount: total,
      currency: "usd",
    });
    const done = await client.completeCheckout(
      created.id,
      build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(ready) }),
    );
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    sessionId = created.id;
    const completion = await stack.db.completion.findUniqueOrThrow({ where: { sessionId } });
    orderGid = completion.shopifyOrderId!;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  async function feedSync(shop: string) {
    await fetch(`${stack.app.url}/app/feed.data`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token(shop)}`,
        "User-Agent": UA,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ intent: "sync" }),
    });
    await vi.waitFor(
      async () =>
        expect(await stack.db.feedItem.count({ where: { shop, status: "valid" } })).toBeGreaterThan(0),
      { timeout: 60_000, interval: 200 },
    );
  }

  const UA =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
  const ORIGIN = "https://extensions.shopifycdn.com";
  const token = (shop: string) =>
    mintSessionToken({ shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, now: new Date() });
  /** As the admin sends an extension's fetch: cross-origin, with the session token as Bearer. */
  const call = (pathAndQuery: string, shop: string | null, init: RequestInit = {}) =>
    fetch(`${stack.app.url}${pathAndQuery}`, {
      ...init,
      headers: {
        Origin: ORIGIN,
        "User-Agent": UA,
        ...(shop ? { Authorization: `Bearer ${token(shop)}` } : {}),
        ...(init.headers as Record<string, string>),
      },
    });

  it("product block: its shop gets the product's feed status, with CORS for the extension's origin", async () => {
    const response = await call(`/api/extensions/product?id=${encodeURIComponent(productGid)}`, stack.shop);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const body = (await response.json()) as ProductFeedStatus;
    expect(body.productId).toBe(productGid);
    const rows = await stack.db.feedItem.findMany({
      where: { shop: stack.shop, productId: productGid.split("/").pop() },
    });
    expect(body.items.map((item) => item.itemId).sort()).toEqual(
      [...new Set(rows.map((row) => row.itemId))].sort(),
    );
    expect(body.eligibility).toMatchObject({ isEligibleSearch: true, override: null });
    expect(productBlockView(response.status, body).kind).toBe("ready");
  });

  it("product block: another shop's token gets 404 for this product and cannot change it; no token is 401", async () => {
    const url = `/api/extensions/product?id=${encodeURIComponent(productGid)}`;
    expect((await call(url, EU_SHOP)).status).toBe(404);
    const before = await stack.db.feedSettings.findUnique({ where: { shop: EU_SHOP } });
    const change = await call("/api/extensions/product", EU_SHOP, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ id: productGid, isEligibleSearch: false, isEligibleCheckout: null }),
    });
    expect(change.status).toBe(404);
    expect(await stack.db.feedSettings.findUnique({ where: { shop: EU_SHOP } })).toEqual(before);

    const anonymous = await call(url, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("access-control-allow-origin")).toBe("*");
    const forged = await call(url, null, { headers: { Authorization: "Bearer not.a.token" } });
    expect(forged.status).toBe(401);
    // The browser's preflight for the extension's POST.
    const preflight = await call("/api/extensions/product", null, {
      method: "OPTIONS",
      headers: {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("product block: an eligibility override is stored in the feed rules and a sync is queued; null returns to the default", async () => {
    const legacy = productGid.split("/").pop()!;
    const post = (body: unknown) =>
      call("/api/extensions/product", stack.shop, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({ id: productGid, isEligibleSearch: "no" })).status).toBe(400);

    const off = await post(eligibilityRequest(productGid, { search: "default", checkout: "off" }));
    expect(off.status).toBe(200);
    const body = (await off.json()) as ProductFeedStatus & { syncQueued: boolean };
    expect(body.syncQueued).toBe(true);
    expect(body.eligibility).toMatchObject({
      isEligibleSearch: true,
      isEligibleCheckout: false,
      override: { isEligibleCheckout: false },
    });
    const rules = JSON.parse(
      (await stack.db.feedSettings.findUniqueOrThrow({ where: { shop: stack.shop } })).rules!,
    );
    expect(rules.productOverrides[legacy]).toEqual({ isEligibleCheckout: false });

    const reset = await post(eligibilityRequest(productGid, { search: "default", checkout: "default" }));
    expect(((await reset.json()) as ProductFeedStatus).eligibility.override).toBeNull();
  });

  it("order block: the agent, session and events for this shop's order; 404 for another shop and for a non-agent order; 401 without a token", async () => {
    const url = `/api/extensions/order?id=${encodeURIComponent(orderGid)}`;
    const response = await call(url, stack.shop);
    expect(response.status).toBe(200);
    const body = (await response.json()) as OrderAgentView;
    expect(body.agent).toEqual({ id: stack.agent.agentId, name: "Test agent", test: false });
    expect(body.session).toMatchObject({ id: sessionId, status: "completed", apiVersion: "2026-04-17" });
    const events = await stack.db.agentEvent.findMany({ where: { shop: stack.shop, sessionId } });
    expect(body.events.map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
    expect(body.timeline.length).toBeGreaterThan(0);

    expect((await call(url, EU_SHOP)).status).toBe(404);
    expect((await call(`/api/extensions/order?id=gid://shopify/Order/999999999`, stack.shop)).status).toBe(
      404,
    );
    expect((await call(url, null)).status).toBe(401);
    expect((await call("/api/extensions/order?id=abc", stack.shop)).status).toBe(400);
  });
});
