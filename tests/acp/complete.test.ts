import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRequests, paymentHandlerIdFrom, validateResponse } from "../../sandbox/agent/buyer";
import { startWebhookReceiver } from "../../sandbox/agent/webhook-receiver";
import { validateCheckoutDef } from "../../sandbox/agent/contract";
import { DEMO_ACCOUNT_ID } from "../../sandbox/stripe/accounts";
import { encryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import { ACP_VERSIONS, type AcpVersion } from "../../app/acp/version-adapter";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_ENCRYPTION_KEYS } from "../support/app-server";
import { itemId, variant } from "../support/catalog";
import { paymentIntentsOf, readySession as readyCheckout, settledCompletion } from "../support/checkout-flow";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let stack: AcpStack;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let tee: string;
let tote: string;

const buyer = {
  first_name: "Grace",
  last_name: "Hopper",
  email: "grace@example.com",
  phone_number: "+15555550123",
};
const address = {
  name: "Grace Hopper",
  line_one: "1 Navy Way",
  city: "Austin",
  state: "TX",
  country: "US",
  postal_code: "78701",
};

beforeAll(async () => {
  // Short leases so the recovery worker heals faults within the test.
  stack = await startAcpStack({ env: { COMPLETION_LEASE_SECONDS: "10", RECOVERY_INTERVAL_SECONDS: "1" } });
  receiver = await startWebhookReceiver({ version: "2026-04-17", secret: "whsec_test_agent" });
  await stack.db.agent.update({
    where: { id: stack.agent.agentId },
    data: {
      webhookUrl: receiver.url,
      webhookSecretEncrypted: encryptSecret(receiver.secret, parseKeyRing(TEST_ENCRYPTION_KEYS)),
    },
  });
  tee = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "Navy", "S");
  tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
});

afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

/** Drives a session to ready_for_payment and returns it. */
function readySession(version: AcpVersion): Promise<Json> {
  return readyCheckout(stack, version, {
    items: [
      { id: tee, quantity: 1 },
      { id: tote, quantity: 1 },
    ],
    buyer,
    address,
  });
}

/**
 * A complete that could not complete answers 200 with the open session and its message, as the
 * spec's `checkout_session_with_payment_declined` example shows (the operation's 200 schema only
 * describes the completed case; ADR 004). It must be a valid CheckoutSession of the version.
 */
function expectOpenSession(body: unknown) {
  const result = validateCheckoutDef("2026-04-17", "CheckoutSession", body);
  expect(result.errors.map((error) => `${error.jsonPath} ${error.message}`)).toEqual([]);
}

function totalOf(session: Json): number {
  return (session.totals as Json[]).find((total) => total.type === "total")!.amount;
}

function grant(session: Json, overrides: Record<string, unknown> = {}) {
  return stack.stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, {
    maxAmount: totalOf(session),
    currency: "usd",
    ...overrides,
  });
}

function ordersFor(sessionId: string) {
  return [...stack.shopify.shops.get(stack.shop)!.orders.values()].filter(
    (order) => order.sourceIdentifier === sessionId,
  );
}

describe.each(ACP_VERSIONS)("complete, ACP %s", (version) => {
  it("charges once on the merchant's Stripe, creates one paid Shopify order and answers with it", async () => {
    const session = await readySession(version);
    const token = grant(session);
    const completed = await stack.client(version).completeCheckout(
      session.id,
      buildRequests(version).complete({
        paymentToken: token.id,
        handlerId: paymentHandlerIdFrom(session) ?? undefined,
      }),
    );
    expect(completed.status).toBe(200);
    const result = validateResponse(version, "complete", completed.status, completed.body);
    expect(result.errors, JSON.stringify(completed.body).slice(0, 1500)).toEqual([]);
    const body = completed.body as Json;
    expect(body.status).toBe("completed");
    expect(body.order).toMatchObject({ checkout_session_id: session.id });
    expect(body.order.permalink_url).toMatch(/^https:\/\//);

    const [order] = ordersFor(session.id);
    expect(ordersFor(session.id)).toHaveLength(1);
    expect(order.displayFinancialStatus).toBe("PAID");
    expect(order.sourceName).toBe("agentic-commerce");
    const intents = paymentIntentsOf(stack, session.id);
    expect(intents).toHaveLength(1);
    expect(intents[0].status).toBe("succeeded");
    expect(intents[0].amount_received).toBe(totalOf(session));
    expect(body.order.id).toBe(order.id);
  });
});

describe("complete: unhappy paths and concurrency (2026-04-17)", () => {
  const version = "2026-04-17" as const;
  const build = buildRequests(version);

  it("keeps the session open with payment_declined when the card is declined, and charges nothing", async () => {
    const session = await readySession(version);
    const token = grant(session, { outcome: "card_declined" });
    const response = await stack
      .client(version)
      .completeCheckout(
        session.id,
        build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) ?? undefined }),
      );
    expect(response.status).toBe(200);
    expectOpenSession(response.body);
    const body = response.body as Json;
    expect(body.status).toBe("ready_for_payment");
    expect(body.messages).toEqual([expect.objectContaining({ type: "error", code: "payment_declined" })]);
    expect(ordersFor(session.id)).toHaveLength(0);
    expect(paymentIntentsOf(stack, session.id).every((intent) => intent.status !== "succeeded")).toBe(true);
  });

  it("refuses a token whose limit is below the total without charging", async () => {
    const session = await readySession(version);
    const token = grant(session, { maxAmount: totalOf(session) - 1 });
    const response = await stack
      .client(version)
      .completeCheckout(
        session.id,
        build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) ?? undefined }),
      );
    expectOpenSession(response.body);
    const body = response.body as Json;
    expect(body.status).toBe("ready_for_payment");
    expect(body.messages[0]).toMatchObject({ code: "payment_declined" });
    expect(ordersFor(session.id)).toHaveLength(0);
  });

  it("50 parallel completes with one key, and 50 with different keys, make one charge and one order", async () => {
    for (const sameKey of [true, false]) {
      const session = await readySession(version);
      const token = grant(session);
      const body = build.complete({
        paymentToken: token.id,
        handlerId: paymentHandlerIdFrom(session) ?? undefined,
      });
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          stack
            .client(version)
            .completeCheckout(session.id, body, { idempotencyKey: sameKey ? "one-key" : `key-${index}` }),
        ),
      );
      for (const response of responses) expect([200, 409]).toContain(response.status);
      expect(responses.some((response) => (response.body as Json).status === "completed")).toBe(true);
      expect(ordersFor(session.id)).toHaveLength(1);
      const captured = paymentIntentsOf(stack, session.id).filter((intent) => intent.status === "succeeded");
      expect(captured).toHaveLength(1);
      const final = await stack.client(version).getCheckout(session.id);
      expect((final.body as Json).status).toBe("completed");
    }
  }, 120_000);

  it("tells the agent about the new order with a valid signature", async () => {
    const session = await readySession(version);
    const token = grant(session);
    await stack
      .client(version)
      .completeCheckout(
        session.id,
        build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) ?? undefined }),
      );
    const delivery = await receiver.waitFor(
      (candidate) => (candidate.body as Json)?.data?.checkout_session_id === session.id,
      15_000,
    );
    expect(delivery.accepted).toBe(true);
    expect(delivery.verdict).toBe("accepted");
    expect(delivery.signature).toMatchObject({ ok: true });
    expect((delivery.body as Json).type).toBe("order_create");
  });
});

describe("complete under faults (2026-04-17)", () => {
  const version = "2026-04-17" as const;
  const build = buildRequests(version);

  it("Shopify failing to create the order (5xx) leaves the payment uncaptured until recovery completes it", async () => {
    const session = await readySession(version);
    const token = grant(session);
    const outage = stack.shopify.faults.add({ rootField: "orderCreate", status: 503, times: Infinity });
    const response = await stack
      .client(version)
      .completeCheckout(
        session.id,
        build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) ?? undefined }),
      );
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ type: "service_unavailable" });
    // While Shopify is down: authorized, not captured, no order.
    expect(ordersFor(session.id)).toHaveLength(0);
    expect(
      paymentIntentsOf(stack, session.id).filter((intent) => intent.status === "succeeded"),
    ).toHaveLength(0);
    outage.remove();
    const completion = await settledCompletion(stack, session.id);
    expect(completion.step).toBe("completed");
    expect(ordersFor(session.id)).toHaveLength(1);
    expect(
      paymentIntentsOf(stack, session.id).filter((intent) => intent.status === "succeeded"),
    ).toHaveLength(1);
    const final = await stack.client(version).getCheckout(session.id);
    expect((final.body as Json).status).toBe("completed");
  });

  it("Shopify refusing the order voids the authorization and reopens the session", async () => {
    const session = await readySession(version);
    const token = grant(session);
    // Stock gone at the last moment: nothing left of the tee.
    const tee = variant(stack.shopify, stack.shop, "Classic Organic Tee", "Navy", "S");
    for (const level of tee.inventoryItem.levels) level.available = 0;
    const response = await stack
      .client(version)
      .completeCheckout(
        session.id,
        build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) ?? undefined }),
      );
    for (const level of tee.inventoryItem.levels) level.available = 50;
    expectOpenSession(response.body);
    const body = response.body as Json;
    expect(body.status).not.toBe("completed");
    expect(ordersFor(session.id)).toHaveLength(0);
    expect(
      paymentIntentsOf(stack, session.id).every(
        (intent) => intent.status === "canceled" || intent.status === "requires_payment_method",
      ),
    ).toBe(true);
  });
});

describe("after the purchase (2026-04-17)", () => {
  const version = "2026-04-17" as const;
  const build = buildRequests(version);

  async function purchase(): Promise<{ session: Json; orderId: string }> {
    const session = await readySession(version);
    const token = grant(session);
    const completed = await stack
      .client(version)
      .completeCheckout(
        session.id,
        build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) ?? undefined }),
      );
    expect((completed.body as Json).status).toBe("completed");
    return { session, orderId: (completed.body as Json).order.id };
  }

  const eventsFor = (sessionId: string) =>
    receiver
      .accepted()
      .filter((delivery) => (delivery.body as Json)?.data?.checkout_session_id === sessionId);

  it("tells the agent when the merchant ships, with tracking", async () => {
    const { session, orderId } = await purchase();
    stack.shopify.control.fulfillOrder(stack.shop, orderId, {
      company: "UPS",
      number: "1Z999AA10123456784",
      url: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    });
    const update = await receiver.waitFor(
      (delivery) =>
        (delivery.body as Json)?.data?.checkout_session_id === session.id &&
        (delivery.body as Json).type === "order_update",
      15_000,
    );
    expect(update.signature).toMatchObject({ ok: true });
    expect((update.body as Json).data.status).toBe("shipped");
    expect((update.body as Json).data.fulfillments).toEqual([
      expect.objectContaining({ carrier: "UPS", tracking_number: "1Z999AA10123456784", status: "shipped" }),
    ]);
  });

  it("refunds on Stripe exactly once when the merchant refunds in Shopify, and tells the agent", async () => {
    const { session, orderId } = await purchase();
    const total = totalOf(session);
    stack.shopify.control.refundOrder(stack.shop, orderId, { amount: "5.00", note: "Damaged box" });
    const update = await receiver.waitFor(
      (delivery) =>
        (delivery.body as Json)?.data?.checkout_session_id === session.id &&
        (delivery.body as Json).type === "order_update",
      15_000,
    );
    expect((update.body as Json).data.adjustments).toEqual([
      expect.objectContaining({ type: "refund", amount: 500 }),
    ]);
    // Let any repeated Shopify webhooks (orders/updated + refunds/create) be processed too.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const refunds = stack.stripe
      .refunds(DEMO_ACCOUNT_ID)
      .filter((refund) => refund.payment_intent === paymentIntentsOf(stack, session.id)[0].id);
    expect(refunds.map((refund) => refund.amount)).toEqual([500]);
    expect(total).toBeGreaterThan(500);
    expect(eventsFor(session.id).map((delivery) => (delivery.body as Json).type)).toEqual(
      expect.arrayContaining(["order_create", "order_update"]),
    );
  });

  it("refunds the whole charge when the merchant cancels the order", async () => {
    const { session, orderId } = await purchase();
    stack.shopify.control.cancelOrder(stack.shop, orderId, { reason: "CUSTOMER" });
    const update = await receiver.waitFor(
      (delivery) =>
        (delivery.body as Json)?.data?.checkout_session_id === session.id &&
        (delivery.body as Json).data.status === "canceled",
      15_000,
    );
    expect(update.errors ?? [], JSON.stringify(update.body)).toEqual([]);
    expect(update.accepted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const intent = paymentIntentsOf(stack, session.id)[0];
    const refunded = stack.stripe
      .refunds(DEMO_ACCOUNT_ID)
      .filter((refund) => refund.payment_intent === intent.id)
      .reduce((sum, refund) => sum + refund.amount, 0);
    expect(refunded).toBe(totalOf(session));
  });
});
