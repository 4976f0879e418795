import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRequests } from "../../sandbox/agent/buyer";
import type { Fault } from "../../sandbox/shopify-admin/faults";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_API_SECRET } from "../support/app-server";
import { itemId } from "../support/catalog";
import { sendShopifyWebhook } from "../support/shopify-webhook";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Checkout reads the shop's name, currencies, countries and policy links from its cached copy
 * instead of asking Shopify on every request; the shop/update webhook makes it ask again.
 */
const version = "2026-04-17" as const;
const build = buildRequests(version);

let stack: AcpStack;
/** Counts the app's shop-info queries at the sandbox store without changing their answers. */
let probe: Fault;

beforeAll(async () => {
  stack = await startAcpStack();
  probe = stack.shopify.faults.add({ operationName: "AcpShopInfo", delayMs: 1, times: Infinity });
}, 120_000);

afterAll(async () => {
  probe?.remove();
  await stack?.stop();
});

async function create(): Promise<Json> {
  const tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
  const created = await stack
    .client(version)
    .createCheckout(build.create({ items: [{ id: tote, quantity: 1 }] }));
  expect(created.status, created.rawBody).toBe(201);
  return created.body as Json;
}

describe("shop info cache", () => {
  it("asks Shopify once for several checkouts, and again after shop/update", async () => {
    const first = await create();
    const afterFirst = probe.hits;
    expect(afterFirst).toBeGreaterThanOrEqual(1);
    const cached = await stack.db.shop.findUniqueOrThrow({ where: { domain: stack.shop } });
    expect(JSON.parse(cached.info!)).toMatchObject({ currency: first.currency });

    const second = await create();
    const updated = await stack
      .client(version)
      .updateCheckout(
        second.id,
        build.update({ items: [{ id: second.line_items[0].item.id, quantity: 2 }] }),
      );
    expect(updated.status, updated.rawBody).toBe(200);
    expect(probe.hits).toBe(afterFirst);
    // The policy links still come from the cached copy.
    expect((second.links as Json[]).length).toBe((first.links as Json[]).length);

    const response = await sendShopifyWebhook(stack.app.url, {
      path: "/webhooks/shop/update",
      topic: "shop/update",
      shop: stack.shop,
      payload: { id: 1, name: "Renamed store", domain: stack.shop },
      secret: TEST_API_SECRET,
    });
    expect(response.status).toBe(200);
    const cleared = await stack.db.shop.findUniqueOrThrow({ where: { domain: stack.shop } });
    expect(cleared.info).toBeNull();

    await create();
    expect(probe.hits).toBe(afterFirst + 1);
  });

  it("refuses a shop/update webhook without a valid HMAC and keeps the copy", async () => {
    await create();
    const response = await sendShopifyWebhook(stack.app.url, {
      path: "/webhooks/shop/update",
      topic: "shop/update",
      shop: stack.shop,
      payload: { id: 1 },
      secret: "not-the-app-secret",
    });
    expect(response.status).toBe(401);
    const row = await stack.db.shop.findUniqueOrThrow({ where: { domain: stack.shop } });
    expect(row.info).not.toBeNull();
  });
});
