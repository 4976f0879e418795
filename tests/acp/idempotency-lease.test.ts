import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../app/lib/canonical-json";
import { buildRequests } from "../../sandbox/agent/buyer";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { itemId } from "../support/catalog";

/**
 * The lease on an Idempotency-Key (IDEMPOTENCY_LEASE_SECONDS, 1 s here): a running request renews
 * it, so a slow request keeps its key however long it runs; a key whose holder died is free once
 * the lease runs out, so the agent's retry is served seconds later, not after a minute.
 */
const version = "2026-04-17" as const;
const build = buildRequests(version);
let stack: AcpStack;

beforeAll(async () => {
  stack = await startAcpStack({ env: { IDEMPOTENCY_LEASE_SECONDS: "1", JOB_WORKER: "0" } });
});

afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Idempotency-Key lease", () => {
  it("a request running for three leases keeps its key: the same key meanwhile gets 409, then the replay", async () => {
    const tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
    const client = stack.client(version);
    const body = build.create({ items: [{ id: tote, quantity: 1 }] });
    const before = await stack.db.checkoutSession.count();
    const slow = stack.shopify.faults.add({ rootField: "draftOrderCalculate", delayMs: 3_000, times: 1 });
    const first = client.createCheckout(body, { idempotencyKey: "long-running-key" });
    await sleep(2_200);
    const record = await stack.db.idempotencyRecord.findFirstOrThrow({ where: { key: "long-running-key" } });
    expect(record.state).toBe("in_flight");
    expect(record.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    const second = await client.createCheckout(body, { idempotencyKey: "long-running-key" });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: "idempotency_in_flight" });
    expect((await first).status).toBe(201);
    slow.remove();
    const third = await client.createCheckout(body, { idempotencyKey: "long-running-key" });
    expect(third.headers["idempotent-replayed"]).toBe("true");
    expect(await stack.db.checkoutSession.count()).toBe(before + 1);
  }, 30_000);

  it("a key left in flight by a request that died is taken over once its lease has run out", async () => {
    const tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
    const client = stack.client(version);
    const body = build.create({ items: [{ id: tote, quantity: 2 }] });
    // What an instance killed mid-request leaves behind: an in-flight record nobody renews.
    await stack.db.idempotencyRecord.create({
      data: {
        shop: stack.shop,
        agentId: stack.agent.agentId,
        endpoint: "POST /checkout_sessions",
        key: "orphaned-key",
        requestHash: createHash("sha256").update(canonicalJson(body)).digest("hex"),
        state: "in_flight",
        lockedUntil: new Date(Date.now() + 1_000),
        expiresAt: new Date(Date.now() + 24 * 60 * 60_000),
      },
    });
    const blocked = await client.createCheckout(body, { idempotencyKey: "orphaned-key" });
    expect(blocked.status).toBe(409);
    await sleep(1_200);
    const served = await client.createCheckout(body, { idempotencyKey: "orphaned-key" });
    expect(served.status).toBe(201);
    expect(served.headers["idempotent-replayed"]).toBeUndefined();
  });
});
