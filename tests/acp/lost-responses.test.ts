import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildRequests, paymentHandlerIdFrom } from "../../sandbox/agent/buyer";
import { DEMO_ACCOUNT_ID } from "../../sandbox/stripe/accounts";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { itemId } from "../support/catalog";
import {
  ordersOf,
  paymentIntentsOf,
  readySession as readyCheckout,
  settledCompletion,
} from "../support/checkout-flow";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Stripe or Shopify did the work but the answer never reached the app (after-effect faults):
 * retries and recovery must end with one authorization, one capture and one order, or with
 * nothing at all when the payment cannot be confirmed.
 */
const version = "2026-04-17" as const;
const build = buildRequests(version);
let stack: AcpStack;
let tee: string;
let tote: string;

beforeAll(async () => {
  stack = await startAcpStack({ env: { COMPLETION_LEASE_SECONDS: "10", RECOVERY_INTERVAL_SECONDS: "1" } });
  tee = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "Navy", "S");
  tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
});

afterEach(() => {
  stack.stripe.faults.clear();
  stack.stripe.searchLagMs = 0;
  stack.shopify.faults.clear();
});

afterAll(async () => {
  await stack?.stop();
});

function readySession(): Promise<Json> {
  return readyCheckout(stack, version, {
    items: [
      { id: tee, quantity: 1 },
      { id: tote, quantity: 1 },
    ],
    buyer: { first_name: "Alan", last_name: "Turing", email: "alan@example.com" },
    address: {
      name: "Alan Turing",
      line_one: "1 Bletchley Park",
      city: "Austin",
      state: "TX",
      country: "US",
      postal_code: "78701",
    },
  });
}

const totalOf = (session: Json): number =>
  (session.totals as Json[]).find((total) => total.type === "total")!.amount;

async function complete(session: Json, tokenId?: string) {
  const token =
    tokenId ??
    stack.stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, { maxAmount: totalOf(session), currency: "usd" })
      .id;
  const response = await stack
    .client(version)
    .completeCheckout(
      session.id,
      build.complete({ paymentToken: token, handlerId: paymentHandlerIdFrom(session) ?? undefined }),
    );
  return { token, response };
}

const createRequests = () =>
  stack.stripe.requests.filter((entry) => entry.method === "POST" && entry.path === "/v1/payment_intents");

/** Exactly one PaymentIntent, captured for the session total, and exactly one paid order. */
async function expectOneChargeOneOrder(session: Json) {
  const intents = paymentIntentsOf(stack, session.id);
  expect(intents).toHaveLength(1);
  expect(intents[0]).toMatchObject({ status: "succeeded", amount_received: totalOf(session) });
  const orders = ordersOf(stack, session.id);
  expect(orders).toHaveLength(1);
  expect(orders[0].displayFinancialStatus).toBe("PAID");
  const final = await stack.client(version).getCheckout(session.id);
  expect((final.body as Json).status).toBe("completed");
  expect((final.body as Json).order.id).toBe(orders[0].id);
}

describe("Stripe authorizes but the answer is lost", () => {
  it("a dropped connection is retried under the same key and replayed, not charged again", async () => {
    const session = await readySession();
    const before = stack.stripe.counters.paymentIntentsCreated;
    const seen = createRequests().length;
    stack.stripe.faults.add({
      method: "POST",
      path: "/v1/payment_intents",
      afterEffect: true,
      dropConnection: true,
    });
    const { response } = await complete(session);
    expect(response.status).toBe(200);
    expect((response.body as Json).status).toBe("completed");
    const attempts = createRequests().slice(seen);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[0].status).toBeNull();
    expect(new Set(attempts.map((entry) => entry.idempotencyKey)).size).toBe(1);
    expect(attempts.at(-1)).toMatchObject({ status: 200, replayed: true });
    expect(stack.stripe.counters.paymentIntentsCreated - before).toBe(1);
    await expectOneChargeOneOrder(session);
  });

  it("when every retry of the request fails and search has not indexed it, recovery replays the same key", async () => {
    const session = await readySession();
    const before = stack.stripe.counters.paymentIntentsCreated;
    // Stripe's search lags writes: recovery cannot find the PaymentIntent by metadata.
    stack.stripe.searchLagMs = 10 * 60_000;
    stack.stripe.faults.add({
      method: "POST",
      path: "/v1/payment_intents",
      afterEffect: true,
      status: 500,
      times: 3,
    });
    const { response } = await complete(session);
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ type: "service_unavailable" });
    const completion = await settledCompletion(stack, session.id);
    expect(completion.step).toBe("completed");
    expect(stack.stripe.counters.paymentIntentsCreated - before).toBe(1);
    const keys = new Set(
      createRequests()
        .filter(
          (entry) => entry.params.metadata && (entry.params.metadata as Json).completion_id === completion.id,
        )
        .map((entry) => entry.idempotencyKey),
    );
    expect(keys).toEqual(new Set([`${completion.id}:authorize`]));
    await expectOneChargeOneOrder(session);
  }, 60_000);

  it("ends voided, with nothing charged, when Stripe never confirms the authorization", async () => {
    const session = await readySession();
    stack.stripe.faults.add({
      method: "POST",
      path: "/v1/payment_intents",
      status: 503,
      times: Infinity,
    });
    const { token, response } = await complete(session);
    expect(response.status).toBe(503);
    const completion = await settledCompletion(stack, session.id);
    expect(completion.step).toBe("voided");
    expect(completion.attempts).toBeGreaterThanOrEqual(5);
    expect(paymentIntentsOf(stack, session.id)).toHaveLength(0);
    expect(ordersOf(stack, session.id)).toHaveLength(0);
    const reopened = (await stack.client(version).getCheckout(session.id)).body as Json;
    expect(reopened.status).toBe("ready_for_payment");
    expect(reopened.messages).toEqual([expect.objectContaining({ type: "error", code: "payment_declined" })]);

    // Stripe is back: the buyer's unspent token completes the purchase once.
    stack.stripe.faults.clear();
    const again = await complete(session, token);
    expect((again.response.body as Json).status).toBe("completed");
    await expectOneChargeOneOrder(session);
  }, 90_000);
});

describe("Stripe captures but the answer is lost", () => {
  it("recovery sees the capture happened and finishes without capturing again", async () => {
    const session = await readySession();
    const before = stack.stripe.counters.captures;
    stack.stripe.faults.add({
      method: "POST",
      path: /^\/v1\/payment_intents\/[^/]+\/capture$/,
      afterEffect: true,
      status: 500,
      times: 3,
    });
    const { response } = await complete(session);
    expect(response.status).toBe(503);
    const completion = await settledCompletion(stack, session.id);
    expect(completion.step).toBe("completed");
    expect(stack.stripe.counters.captures - before).toBe(1);
    await expectOneChargeOneOrder(session);
  }, 60_000);
});

describe("Shopify creates the order but the answer is lost", () => {
  it("recovery finds the order by the session's source identifier instead of creating a second", async () => {
    const session = await readySession();
    stack.shopify.faults.add({ rootField: "orderCreate", status: 503, afterEffect: true });
    const { response } = await complete(session);
    expect(response.status).toBe(503);
    // The order exists (unpaid), the money is only authorized.
    expect(ordersOf(stack, session.id)).toHaveLength(1);
    expect(paymentIntentsOf(stack, session.id).map((intent) => intent.status)).toEqual(["requires_capture"]);
    const completion = await settledCompletion(stack, session.id);
    expect(completion.step).toBe("completed");
    await expectOneChargeOneOrder(session);
  }, 60_000);

  it("a lost answer to recording the payment does not stall the completion", async () => {
    const session = await readySession();
    stack.shopify.faults.add({ rootField: "orderCreateManualPayment", status: 503, afterEffect: true });
    const { response } = await complete(session);
    expect(response.status).toBe(200);
    expect((response.body as Json).status).toBe("completed");
    await expectOneChargeOneOrder(session);
    expect(ordersOf(stack, session.id)[0].transactions.filter((t) => t.kind === "SALE")).toHaveLength(1);
  });
});
