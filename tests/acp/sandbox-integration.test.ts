import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRequests } from "../../sandbox/agent/buyer";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { itemId, variant } from "../support/catalog";

let stack: AcpStack;

beforeAll(async () => {
  stack = await startAcpStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe("the app against the sandbox store", () => {
  it("waits out a throttled Admin API response for the advertised time, then succeeds", async () => {
    const tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
    stack.shopify.bucket(stack.shop).drain(0);
    const started = Date.now();
    const response = await stack
      .client("2026-04-17")
      .createCheckout(buildRequests("2026-04-17").create({ items: [{ id: tote, quantity: 1 }] }));
    const elapsed = Date.now() - started;
    expect(response.status).toBe(201);
    // The first query needed at least a few points at 100 points/s: the app waited, it did not hammer.
    expect(elapsed).toBeGreaterThanOrEqual(50);
  });

  it("accepts a webhook the sandbox signed and refuses a tampered copy of it", async () => {
    const product = variant(stack.shopify, stack.shop, "Canvas Tote Bag");
    stack.shopify.control.updateProduct(product.productId, { title: "Canvas Tote Bag (new)" });
    await stack.shopify.webhooks.waitForIdle();
    const delivery = stack.shopify.webhooks.deliveries.find(
      (candidate) => candidate.topic === "products/update" && candidate.state === "delivered",
    );
    expect(delivery).toBeDefined();
    const receipt = await stack.db.webhookReceipt.findFirst({ where: { webhookId: delivery!.webhookId } });
    expect(receipt).not.toBeNull();

    const tampered = delivery!.body.replace("Canvas Tote Bag (new)", "Free Tote Bag");
    const response = await fetch(delivery!.url, {
      method: "POST",
      headers: { ...delivery!.headers, "X-Shopify-Webhook-Id": "tampered-copy" },
      body: tampered,
    });
    expect(response.status).toBe(401);
    expect(await stack.db.webhookReceipt.count({ where: { webhookId: "tampered-copy" } })).toBe(0);
  });
});
