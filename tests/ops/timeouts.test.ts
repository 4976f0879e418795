import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRequests } from "../../sandbox/agent/buyer";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { itemId } from "../support/catalog";

/**
 * Every outbound call has a deadline. Shopify Admin calls get SHOPIFY_ADMIN_TIMEOUT_MS per try
 * (300 ms here): a store that stops answering costs the agent a 503 with Retry-After after the
 * retries, never a request that hangs for as long as Shopify does.
 */
const version = "2026-04-17" as const;
const build = buildRequests(version);
let stack: AcpStack;

beforeAll(async () => {
  stack = await startAcpStack({ env: { SHOPIFY_ADMIN_TIMEOUT_MS: "300", JOB_WORKER: "0" } });
});

afterAll(async () => {
  await stack?.stop();
});

describe("Shopify Admin API timeout", () => {
  it("a Shopify that answers too slowly becomes 503 service_unavailable with Retry-After", async () => {
    const tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
    const stall = stack.shopify.faults.add({
      rootField: "draftOrderCalculate",
      delayMs: 20_000,
      times: Infinity,
    });
    const client = stack.client(version);
    const body = build.create({ items: [{ id: tote, quantity: 1 }] });
    const stalled = await client.createCheckout(body);
    stall.remove();
    expect(stalled.status).toBe(503);
    expect(stalled.body).toMatchObject({ type: "service_unavailable" });
    expect(Number(stalled.headers["retry-after"])).toBeGreaterThan(0);
    expect(stack.app.output()).toContain('"msg":"shopify.admin_unavailable"');

    // One slow answer is absorbed by the retry.
    stack.shopify.faults.add({ rootField: "draftOrderCalculate", delayMs: 20_000, times: 1 });
    const retried = await client.createCheckout(body);
    expect(retried.status).toBe(201);
  }, 60_000);
});
