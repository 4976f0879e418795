import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { startAppServer, TEST_API_SECRET, type AppServer } from "../support/app-server";
import { testPrisma } from "../support/database";
import { sendShopifyWebhook } from "../support/shopify-webhook";

const SHOP = "foundation-shop.myshopify.com";
// The library answers requests from bots (node's default agent included) with 410.
const BROWSER = {
  "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36",
};

let app: AppServer;
let db: PrismaClient;

beforeAll(async () => {
  app = await startAppServer();
  db = testPrisma(app.databaseUrl);
});

afterAll(async () => {
  await db?.$disconnect();
  await app?.stop();
});

async function seedOfflineSession(shop: string) {
  await db.session.create({
    data: {
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      accessToken: "shpat_test",
      scope: "read_products",
    },
  });
  await db.shop.upsert({ where: { domain: shop }, create: { domain: shop }, update: {} });
}

describe("the built server over HTTP", () => {
  it("answers health and readiness", async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", database: "ok" });
  });

  it("sends an admin route without a session to auth", async () => {
    const response = await fetch(`${app.url}/app`, { redirect: "manual", headers: BROWSER });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location")!, app.url).pathname).toBe("/auth/login");
  });

  it("bounces an embedded admin request without a session token instead of rendering", async () => {
    const host = Buffer.from(`admin.shopify.com/store/foundation-shop`).toString("base64url");
    const response = await fetch(`${app.url}/app?shop=${SHOP}&embedded=1&host=${host}`, {
      redirect: "manual",
      headers: BROWSER,
    });
    // No id_token: the library sends the page to its App Bridge session-token bounce.
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location")!, app.url).pathname).toBe("/auth/session-token");
  });
});

describe("Shopify webhooks", () => {
  it("rejects a bad HMAC with 401 and changes nothing", async () => {
    await seedOfflineSession("bad-hmac.myshopify.com");
    const response = await sendShopifyWebhook(app.url, {
      path: "/webhooks/app/uninstalled",
      topic: "app/uninstalled",
      shop: "bad-hmac.myshopify.com",
      payload: { id: 1 },
      secret: "not-the-app-secret",
    });
    expect(response.status).toBe(401);
    expect(await db.session.count({ where: { shop: "bad-hmac.myshopify.com" } })).toBe(1);
    expect(await db.webhookReceipt.count({ where: { shop: "bad-hmac.myshopify.com" } })).toBe(0);
  });

  it("rejects a missing HMAC with 401 and changes nothing", async () => {
    await seedOfflineSession("no-hmac.myshopify.com");
    const response = await sendShopifyWebhook(app.url, {
      path: "/webhooks/app/uninstalled",
      topic: "app/uninstalled",
      shop: "no-hmac.myshopify.com",
      payload: { id: 1 },
      secret: TEST_API_SECRET,
      hmac: null,
    });
    expect(response.status).toBe(401);
    expect(await db.session.count({ where: { shop: "no-hmac.myshopify.com" } })).toBe(1);
  });

  it("processes a delivery once even when Shopify delivers it twice", async () => {
    const delivery = {
      path: "/webhooks/products",
      topic: "products/update",
      shop: SHOP,
      payload: {
        id: 632910392,
        admin_graphql_api_id: "gid://shopify/Product/632910392",
        updated_at: "2026-11-24T10:00:00Z",
      },
      secret: TEST_API_SECRET,
      webhookId: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    };
    const first = await sendShopifyWebhook(app.url, delivery);
    const second = await sendShopifyWebhook(app.url, delivery);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-webhook-duplicate")).toBe("1");
    expect(await db.webhookReceipt.count({ where: { shop: SHOP, webhookId: delivery.webhookId } })).toBe(1);
    const jobs = await db.job.findMany({ where: { shop: SHOP, kind: "catalog.product_changed" } });
    expect(jobs).toHaveLength(1);
    expect(JSON.parse(jobs[0].payload)).toMatchObject({
      productId: "gid://shopify/Product/632910392",
      deleted: false,
    });
  });

  it("removes the shop's sessions on app/uninstalled", async () => {
    const shop = "uninstalling.myshopify.com";
    await seedOfflineSession(shop);
    await seedOfflineSession("other-shop.myshopify.com");
    const response = await sendShopifyWebhook(app.url, {
      path: "/webhooks/app/uninstalled",
      topic: "app/uninstalled",
      shop,
      payload: { id: 1, domain: shop },
      secret: TEST_API_SECRET,
    });
    expect(response.status).toBe(200);
    expect(await db.session.count({ where: { shop } })).toBe(0);
    expect((await db.shop.findUnique({ where: { domain: shop } }))?.uninstalledAt).toBeInstanceOf(Date);
    // Only that shop's sessions.
    expect(await db.session.count({ where: { shop: "other-shop.myshopify.com" } })).toBe(1);
  });

  it("stores the granted scopes on app/scopes_update", async () => {
    const shop = "rescoped.myshopify.com";
    await seedOfflineSession(shop);
    const response = await sendShopifyWebhook(app.url, {
      path: "/webhooks/app/scopes_update",
      topic: "app/scopes_update",
      shop,
      payload: { id: 1, previous: ["read_products"], current: ["read_products", "write_orders"] },
      secret: TEST_API_SECRET,
    });
    expect(response.status).toBe(200);
    expect((await db.session.findUnique({ where: { id: `offline_${shop}` } }))?.scope).toBe(
      "read_products,write_orders",
    );
  });

  it("records each mandatory compliance topic for the privacy job", async () => {
    for (const topic of ["customers/data_request", "customers/redact", "shop/redact"]) {
      const response = await sendShopifyWebhook(app.url, {
        path: "/webhooks/compliance",
        topic,
        shop: "privacy.myshopify.com",
        payload: { shop_domain: "privacy.myshopify.com", customer: { id: 1, email: "a@example.com" } },
        secret: TEST_API_SECRET,
      });
      expect(response.status).toBe(200);
    }
    const kinds = (await db.job.findMany({ where: { shop: "privacy.myshopify.com" } }))
      .map((job) => job.kind)
      .sort();
    expect(kinds).toEqual([
      "privacy.customers.data_request",
      "privacy.customers.redact",
      "privacy.shop.redact",
    ]);
  });
});
