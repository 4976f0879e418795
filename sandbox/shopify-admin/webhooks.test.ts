import { execFile } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../tests/support/net";
import { DEMO_ACCESS_TOKEN, DEMO_SHOP, demoShop } from "./fixtures/catalog";
import { startShopifySandbox, type ShopifySandbox } from "./server";
import { adminGraphql } from "./testing";

const SECRET = "shpss_sandbox_test_secret";

/** A stand-in for the app's webhook routes: records every request, answers with queued statuses. */
interface Receiver {
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders; body: string }[];
  statuses: number[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const requests: Receiver["requests"] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push({ path: req.url ?? "", headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    statuses,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the app does with a delivery (shopify-api `validateHmac`): HMAC over the raw body, constant-time. */
function verifies(body: string, header: string | string[] | undefined): boolean {
  const expected = Buffer.from(createHmac("sha256", SECRET).update(body, "utf8").digest("base64"));
  const given = Buffer.from(String(header ?? ""));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

let sandbox: ShopifySandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startShopifySandbox({
    shops: [
      demoShop({
        appUrl: receiver.url,
        apiSecret: SECRET,
        webhookSubscriptions: {
          "products/create": "/webhooks/products",
          "products/update": "/webhooks/products",
          "products/delete": "/webhooks/products",
          "inventory_levels/update": "/webhooks/inventory",
          "app/uninstalled": "/webhooks/app/uninstalled",
          "bulk_operations/finish": "/webhooks/bulk",
        },
      }),
    ],
    webhookRetry: { retries: 3, baseDelayMs: 20 },
  });
});

afterEach(async () => {
  await sandbox.webhooks.waitForIdle();
  receiver.requests.length = 0;
  receiver.statuses.length = 0;
  sandbox.webhooks.clear();
});

afterAll(async () => {
  await sandbox?.stop();
  await receiver?.close();
});

const shop = () => sandbox.shops.get(DEMO_SHOP)!;
const productNamed = (title: string) =>
  [...shop().products.values()].find((product) => product.title === title)!;

describe("webhook deliveries", () => {
  it("sends products/update with Shopify's headers, a verifiable HMAC and the REST payload", async () => {
    const tee = productNamed("Classic Organic Tee");
    sandbox.control.updateProduct(tee.id, { price: "27.00" });
    await sandbox.webhooks.waitForIdle();

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request.path).toBe("/webhooks/products");
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "x-shopify-topic": "products/update",
      "x-shopify-shop-domain": DEMO_SHOP,
      "x-shopify-api-version": "2026-04",
    });
    expect(request.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.headers["x-shopify-event-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(String(request.headers["x-shopify-triggered-at"]))).not.toBeNaN();
    expect(verifies(request.body, request.headers["x-shopify-hmac-sha256"])).toBe(true);
    expect(verifies(`${request.body} `, request.headers["x-shopify-hmac-sha256"])).toBe(false);

    const payload = JSON.parse(request.body);
    expect(payload).toMatchObject({
      id: Number(tee.id.split("/").pop()),
      admin_graphql_api_id: tee.id,
      title: "Classic Organic Tee",
      handle: "classic-organic-tee",
      status: "active",
      tags: "apparel, bestseller, cotton",
      updated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$/),
    });
    expect(payload.variants).toHaveLength(9);
    expect(payload.variants[0]).toMatchObject({
      id: Number(tee.variants[0].id.split("/").pop()),
      admin_graphql_api_id: tee.variants[0].id,
      inventory_item_id: Number(tee.variants[0].inventoryItem.id.split("/").pop()),
      price: "27.00",
      option1: "Black",
      option2: "S",
      inventory_policy: "deny",
    });
    // The product was really changed: a re-read through GraphQL sees the new price.
    const reread = await adminGraphql<{ product: { variants: { nodes: { price: string }[] } } }>(sandbox, {
      query: "query($id: ID!) { product(id: $id) { variants(first: 1) { nodes { price } } } }",
      variables: { id: tee.id },
    });
    expect(reread.body.data?.product.variants.nodes[0].price).toBe("27.00");
  });

  it("redelivers after a 500 with the same webhook id, event id and body", async () => {
    receiver.statuses.push(500, 503);
    const sweater = productNamed("Merino Wool Sweater");
    sandbox.control.updateProduct(sweater.id, { title: "Merino Crew Sweater" });
    await sandbox.webhooks.waitForIdle();

    expect(receiver.requests).toHaveLength(3);
    const ids = new Set(receiver.requests.map((request) => request.headers["x-shopify-webhook-id"]));
    const events = new Set(receiver.requests.map((request) => request.headers["x-shopify-event-id"]));
    const bodies = new Set(receiver.requests.map((request) => request.body));
    expect([ids.size, events.size, bodies.size]).toEqual([1, 1, 1]);
    const [delivery] = sandbox.webhooks.byTopic("products/update");
    expect(delivery.state).toBe("delivered");
    expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([500, 503, 200]);
  });

  it("gives up after the configured retries when the app is unreachable", async () => {
    const closedPort = await freePort();
    const offline = await startShopifySandbox({
      shops: [
        demoShop({
          appUrl: `http://127.0.0.1:${closedPort}`,
          apiSecret: SECRET,
          webhookSubscriptions: { "products/delete": "/webhooks" },
        }),
      ],
      webhookRetry: { retries: 2, baseDelayMs: 5 },
    });
    try {
      const product = [...offline.shops.get(DEMO_SHOP)!.products.values()][0];
      offline.control.deleteProduct(product.id);
      await offline.webhooks.waitForIdle();
      const [delivery] = offline.webhooks.deliveries;
      expect(delivery.state).toBe("failed");
      expect(delivery.attempts).toHaveLength(3);
      expect(delivery.attempts[0].error).toMatch(/ECONNREFUSED/);
    } finally {
      await offline.stop();
    }
  });

  it("flush() runs a pending redelivery now instead of after its backoff", async () => {
    const slow = await startShopifySandbox({
      shops: [
        demoShop({
          appUrl: receiver.url,
          apiSecret: SECRET,
          webhookSubscriptions: { "products/update": "/slow" },
        }),
      ],
      webhookRetry: { retries: 8, baseDelayMs: 60_000 },
    });
    try {
      receiver.statuses.push(502);
      const product = [...slow.shops.get(DEMO_SHOP)!.products.values()][0];
      slow.control.updateProduct(product.id, { vendor: "Someone Else" });
      await expect.poll(() => receiver.requests.length).toBe(1);
      await slow.webhooks.flush();
      expect(receiver.requests).toHaveLength(2);
      expect(slow.webhooks.deliveries[0].state).toBe("delivered");
    } finally {
      await slow.stop();
    }
  });

  it("sends inventory_levels/update, products/create and products/delete payloads", async () => {
    const bottle = productNamed("Stainless Water Bottle");
    const item = bottle.variants[0].inventoryItem;
    const berlin = shop().locations[1];
    sandbox.control.setInventory(item.id, berlin.id, 3);
    const created = sandbox.control.createProduct({
      shop: DEMO_SHOP,
      title: "Enamel Mug",
      variants: [{ price: "14", sku: "MUG-1", available: 5 }],
    });
    sandbox.control.deleteProduct(created.id);
    await sandbox.webhooks.waitForIdle();

    const byTopic = (topic: string) =>
      receiver.requests
        .filter((request) => request.headers["x-shopify-topic"] === topic)
        .map((request) => JSON.parse(request.body));
    expect(byTopic("inventory_levels/update")).toEqual([
      {
        inventory_item_id: Number(item.id.split("/").pop()),
        location_id: Number(berlin.id.split("/").pop()),
        available: 3,
        updated_at: expect.any(String),
        admin_graphql_api_id: `gid://shopify/InventoryLevel/${berlin.id.split("/").pop()}?inventory_item_id=${item.id.split("/").pop()}`,
      },
    ]);
    expect(byTopic("products/create")[0]).toMatchObject({
      title: "Enamel Mug",
      variants: [{ price: "14.00", sku: "MUG-1", inventory_quantity: 5 }],
    });
    expect(byTopic("products/delete")).toEqual([{ id: Number(created.id.split("/").pop()) }]);

    const reread = await adminGraphql<{
      inventoryItem: { inventoryLevel: { quantities: { quantity: number }[] } };
    }>(sandbox, {
      query: `query($item: ID!, $location: ID!) { inventoryItem(id: $item) { inventoryLevel(locationId: $location) { quantities(names: ["available"]) { quantity } } } }`,
      variables: { item: item.id, location: berlin.id },
    });
    expect(reread.body.data?.inventoryItem.inventoryLevel.quantities[0].quantity).toBe(3);
  });

  it("sends bulk_operations/finish when a bulk query completes", async () => {
    const response = await adminGraphql<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(
      sandbox,
      {
        query:
          'mutation { bulkOperationRunQuery(query: "{ products { edges { node { id } } } }", groupObjects: false) { bulkOperation { id } } }',
      },
    );
    await sandbox.bulk.settle();
    await sandbox.webhooks.waitForIdle();
    const finish = receiver.requests.find(
      (request) => request.headers["x-shopify-topic"] === "bulk_operations/finish",
    )!;
    expect(JSON.parse(finish.body)).toEqual({
      admin_graphql_api_id: response.body.data!.bulkOperationRunQuery.bulkOperation.id,
      completed_at: expect.any(String),
      created_at: expect.any(String),
      error_code: null,
      status: "completed",
      type: "query",
    });
  });
});

describe("control endpoint and CLI", () => {
  const control = (body: unknown, token = sandbox.controlToken) =>
    fetch(`${sandbox.url}/_sandbox/control`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  it("requires the sandbox token", async () => {
    const response = await control({ action: "advanceClock", ms: 1 }, "wrong");
    expect(response.status).toBe(401);
  });

  it("updates a product over HTTP and rejects bad input with 400", async () => {
    const poster = productNamed("Limited Edition Poster");
    const response = await control({ action: "updateProduct", id: poster.id, patch: { status: "DRAFT" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, result: { id: poster.id } });
    expect(poster.status).toBe("DRAFT");
    const bad = await control({ action: "updateProduct", id: poster.id, patch: { colour: "red" } });
    expect(bad.status).toBe(400);
    const unknown = await control({ action: "updateProduct", id: "gid://shopify/Product/1", patch: {} });
    expect(await unknown.json()).toMatchObject({
      ok: false,
      error: "Product gid://shopify/Product/1 not found",
    });
  });

  it("uninstall: the token stops working and app/uninstalled is delivered", async () => {
    const other = await startShopifySandbox({
      shops: [
        demoShop({
          appUrl: receiver.url,
          apiSecret: SECRET,
          webhookSubscriptions: { "app/uninstalled": "/webhooks/app/uninstalled" },
        }),
      ],
    });
    try {
      const response = await fetch(`${other.url}/_sandbox/control`, {
        method: "POST",
        headers: { Authorization: `Bearer ${other.controlToken}` },
        body: JSON.stringify({ action: "uninstall", shop: DEMO_SHOP }),
      });
      expect(response.status).toBe(200);
      await other.webhooks.waitForIdle();
      const request = receiver.requests.find(
        (candidate) => candidate.headers["x-shopify-topic"] === "app/uninstalled",
      )!;
      expect(JSON.parse(request.body)).toMatchObject({ myshopify_domain: DEMO_SHOP, currency: "USD" });
      expect((await adminGraphql(other, { query: "{ shop { name } }" })).status).toBe(401);

      other.control.install({ shop: DEMO_SHOP, accessToken: "shpat_new", scopes: ["read_products"] });
      expect((await adminGraphql(other, { query: "{ shop { name } }", token: "shpat_new" })).status).toBe(
        200,
      );
      expect(
        (await adminGraphql(other, { query: "{ shop { name } }", token: DEMO_ACCESS_TOKEN })).status,
      ).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it("the CLI changes a price in a running sandbox", async () => {
    const tote = productNamed("Canvas Tote Bag");
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(root, "node_modules/tsx/dist/cli.mjs"),
        path.join(root, "sandbox/shopify-admin/cli.ts"),
        "--url",
        sandbox.url,
        "--token",
        sandbox.controlToken,
        "update-product",
        tote.id,
        "--price",
        "12.00",
      ],
      { cwd: root, timeout: 60_000 },
    );
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, result: { id: tote.id } });
    expect(tote.variants[0].price).toBe("12.00");
    await sandbox.webhooks.waitForIdle();
    expect(receiver.requests.map((request) => request.headers["x-shopify-topic"])).toEqual([
      "products/update",
    ]);
  }, 60_000);
});
