import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRequests } from "../../sandbox/agent/buyer";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { itemId } from "../support/catalog";
import { waitFor } from "../ops/helpers";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Sessions nobody reads again still end: the worker's periodic sweep marks open sessions past
 * their expiry as expired (with an event, so the funnel sees them end), leaves the rest, and
 * deletes expired carts.
 */
const version = "2026-04-17" as const;
const build = buildRequests(version);
const SWEEP_JOB = "checkout.expire_sessions";

let stack: AcpStack;

beforeAll(async () => {
  stack = await startAcpStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function openSession(): Promise<string> {
  const tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
  const created = await stack
    .client(version)
    .createCheckout(build.create({ items: [{ id: tote, quantity: 1 }] }));
  expect(created.status, created.rawBody).toBe(201);
  return (created.body as Json).id as string;
}

/** Moves a session's expiry into the past, in its column and its stored state alike. */
async function backdate(sessionId: string) {
  const row = await stack.db.checkoutSession.findUniqueOrThrow({ where: { id: sessionId } });
  const past = new Date(Date.now() - 60_000);
  const state = { ...JSON.parse(row.state), expiresAt: past.toISOString() };
  await stack.db.checkoutSession.update({
    where: { id: sessionId },
    data: { expiresAt: past, state: JSON.stringify(state) },
  });
}

describe("session expiry sweep", () => {
  it("expires open sessions past their time, records the event, leaves live sessions open and deletes expired carts", async () => {
    const stale = await openSession();
    const live = await openSession();
    await backdate(stale);
    const tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
    const cart = await stack
      .client(version)
      .request("POST", "/carts", { line_items: [{ id: tote, quantity: 1 }] });
    expect(cart.status, cart.rawBody).toBe(201);
    const cartId = (cart.body as Json).id as string;
    await stack.db.cart.update({ where: { id: cartId }, data: { expiresAt: new Date(Date.now() - 60_000) } });

    // Run the periodic sweep now instead of waiting for its schedule.
    const sweep = await waitFor(() => stack.db.job.findFirst({ where: { kind: SWEEP_JOB } }));
    await stack.db.job.update({ where: { id: sweep.id }, data: { runAt: new Date() } });

    const expired = await waitFor(() =>
      stack.db.checkoutSession.findFirst({ where: { id: stale, status: "expired" } }),
    );
    expect(JSON.parse(expired.state).messages[0].code).toBe("expired");
    const events = await stack.db.checkoutEvent.findMany({ where: { sessionId: stale, type: "expired" } });
    expect(events).toHaveLength(1);
    expect(events[0].toStatus).toBe("expired");

    // The expired cart (and the buyer data it may hold) is gone.
    await waitFor(async () => (await stack.db.cart.findUnique({ where: { id: cartId } })) === null);
    const untouched = await stack.db.checkoutSession.findUniqueOrThrow({ where: { id: live } });
    expect(untouched.status).not.toBe("expired");

    // The agent reading it back sees the expired session too.
    const read = await stack.client(version).getCheckout(stale);
    expect(read.status).toBe(200);
    expect((read.body as Json).status).toBe("expired");
  });
});
