import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRequests, paymentHandlerIdFrom } from "../../sandbox/agent/buyer";
import { validateCheckoutDef } from "../../sandbox/agent/contract";
import { DEMO_ACCOUNT_ID } from "../../sandbox/stripe/accounts";
import { ACP_VERSIONS, type AcpVersion } from "../../app/acp/version-adapter";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { itemId } from "../support/catalog";
import { ordersOf, paymentIntentsOf, readySession as readyCheckout } from "../support/checkout-flow";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let stack: AcpStack;
let tee: string;
let tote: string;

const buyer = { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com" };
const address = {
  name: "Ada Lovelace",
  line_one: "12 Analytical Row",
  city: "Austin",
  state: "TX",
  country: "US",
  postal_code: "78701",
};

beforeAll(async () => {
  stack = await startAcpStack({ env: { COMPLETION_LEASE_SECONDS: "10", RECOVERY_INTERVAL_SECONDS: "1" } });
  tee = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "Navy", "S");
  tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
});

afterAll(async () => {
  await stack?.stop();
});

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

const totalOf = (session: Json): number =>
  (session.totals as Json[]).find((total) => total.type === "total")!.amount;

function expectValid(version: AcpVersion, def: string, body: unknown) {
  const result = validateCheckoutDef(version, def, body);
  expect(
    result.errors.map((error) => `${error.jsonPath} ${error.message}`),
    JSON.stringify(body).slice(0, 1500),
  ).toEqual([]);
}

/** A complete whose token's issuer demands 3-D Secure. */
async function challenge(version: AcpVersion) {
  const session = await readySession(version);
  const token = stack.stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, {
    maxAmount: totalOf(session),
    currency: "usd",
    outcome: "requires_action",
  });
  const payment = buildRequests(version).complete({
    paymentToken: token.id,
    handlerId: paymentHandlerIdFrom(session) ?? undefined,
  });
  const response = await stack.client(version).completeCheckout(session.id, payment);
  return { session, payment, response, body: response.body as Json };
}

const AUTHENTICATING_VERSIONS = ACP_VERSIONS.filter((version) => version !== "2025-09-29");

describe.each(AUTHENTICATING_VERSIONS)("3-D Secure round trip, ACP %s", (version) => {
  const failedOutcome = version === "2026-01-16" ? "failed" : "denied";

  it("keeps the authorization, asks for authentication, and completes the same PaymentIntent with the result", async () => {
    const { session, payment, response, body } = await challenge(version);
    expect(response.status).toBe(200);
    expectValid(version, "CheckoutSession", body);
    expect(body.status).toBe("authentication_required");
    expect(body.messages).toEqual([expect.objectContaining({ type: "error", code: "requires_3ds" })]);
    if (version === "2026-04-17") {
      expect(body.authentication_metadata).toEqual({
        acquirer_details: {
          acquirer_bin: expect.any(String),
          acquirer_country: "US",
          acquirer_merchant_id: DEMO_ACCOUNT_ID,
          merchant_name: expect.any(String),
        },
        directory_server: "visa",
      });
    } else {
      // Earlier metadata requires the buyer's browser channel, which an agent checkout does not have.
      expect(body.authentication_metadata).toBeUndefined();
    }
    const [held] = paymentIntentsOf(stack, session.id);
    expect(paymentIntentsOf(stack, session.id)).toHaveLength(1);
    expect(held.status).toBe("requires_action");
    expect(ordersOf(stack, session.id)).toHaveLength(0);

    // The session is frozen while the buyer authenticates.
    const update = await stack
      .client(version)
      .updateCheckout(session.id, buildRequests(version).update({ items: [{ id: tee, quantity: 2 }] }));
    expect(update.status).toBe(400);

    // Completing again without the result is the spec's 4XX requires_3ds.
    const missing = await stack.client(version).completeCheckout(session.id, payment);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      type: "invalid_request",
      code: "requires_3ds",
      param: "$.authentication_result",
    });

    const issued = stack.stripe.authenticateThreeDSecure(DEMO_ACCOUNT_ID, held.id);
    const answer = {
      ...payment,
      authentication_result: {
        outcome: "authenticated",
        outcome_details: {
          three_ds_cryptogram: issued.cryptogram,
          electronic_commerce_indicator: issued.electronicCommerceIndicator,
          transaction_id: issued.transactionId,
          version: issued.version,
        },
      },
    };
    expectValid(version, "CheckoutSessionCompleteRequest", answer);
    const completed = await stack.client(version).completeCheckout(session.id, answer);
    expect(completed.status).toBe(200);
    expectValid(version, "CheckoutSessionWithOrder", completed.body);
    expect((completed.body as Json).status).toBe("completed");

    const intents = paymentIntentsOf(stack, session.id);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ id: held.id, status: "succeeded", amount_received: totalOf(session) });
    const orders = ordersOf(stack, session.id);
    expect(orders).toHaveLength(1);
    expect(orders[0].displayFinancialStatus).toBe("PAID");
    expect((completed.body as Json).order.id).toBe(orders[0].id);
  });

  it("cancels the authorization and answers payment_declined when authentication failed", async () => {
    const { session, payment, body } = await challenge(version);
    expect(body.status).toBe("authentication_required");
    const answer = { ...payment, authentication_result: { outcome: failedOutcome } };
    expectValid(version, "CheckoutSessionCompleteRequest", answer);
    const response = await stack.client(version).completeCheckout(session.id, answer);
    expect(response.status).toBe(200);
    expectValid(version, "CheckoutSession", response.body);
    const declined = response.body as Json;
    expect(declined.status).toBe("ready_for_payment");
    expect(declined.messages).toEqual([expect.objectContaining({ type: "error", code: "payment_declined" })]);
    expect(declined.authentication_metadata).toBeUndefined();
    expect(paymentIntentsOf(stack, session.id).map((intent) => intent.status)).toEqual(["canceled"]);
    expect(ordersOf(stack, session.id)).toHaveLength(0);
  });

  it("declines a result the issuer did not issue, and releases the authorization", async () => {
    const { session, payment } = await challenge(version);
    const [held] = paymentIntentsOf(stack, session.id);
    const issued = stack.stripe.authenticateThreeDSecure(DEMO_ACCOUNT_ID, held.id);
    const forged = {
      ...payment,
      authentication_result: {
        outcome: "authenticated",
        outcome_details: {
          three_ds_cryptogram: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
          electronic_commerce_indicator: issued.electronicCommerceIndicator,
          transaction_id: issued.transactionId,
          version: issued.version,
        },
      },
    };
    const response = await stack.client(version).completeCheckout(session.id, forged);
    expect(response.status).toBe(200);
    expectValid(version, "CheckoutSession", response.body);
    expect((response.body as Json).messages[0]).toMatchObject({ code: "payment_declined" });
    expect(paymentIntentsOf(stack, session.id).map((intent) => intent.status)).toEqual(["canceled"]);
    expect(ordersOf(stack, session.id)).toHaveLength(0);
  });
});

describe("3-D Secure on ACP 2025-09-29 (no authentication_result in this version)", () => {
  it("answers requires_3ds and releases the authorization instead of holding it", async () => {
    const { session, response, body } = await challenge("2025-09-29");
    expect(response.status).toBe(200);
    expectValid("2025-09-29", "CheckoutSession", body);
    expect(body.status).toBe("ready_for_payment");
    expect(body.messages).toEqual([expect.objectContaining({ type: "error", code: "requires_3ds" })]);
    expect(paymentIntentsOf(stack, session.id).map((intent) => intent.status)).toEqual(["canceled"]);
    expect(ordersOf(stack, session.id)).toHaveLength(0);
  });
});

describe("an abandoned 3-D Secure challenge", () => {
  it("is released once the session expires", async () => {
    const { session, body } = await challenge("2026-04-17");
    expect(body.status).toBe("authentication_required");
    // The buyer never authenticates: let the session run out.
    await stack.db.checkoutSession.update({
      where: { id: session.id },
      data: {
        state: JSON.stringify({
          ...JSON.parse((await stack.db.checkoutSession.findUnique({ where: { id: session.id } }))!.state),
          expiresAt: new Date(Date.now() - 1000).toISOString(),
        }),
      },
    });
    const deadline = Date.now() + 30_000;
    while (paymentIntentsOf(stack, session.id)[0].status !== "canceled" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(paymentIntentsOf(stack, session.id)[0].status).toBe("canceled");
    const final = await stack.client("2026-04-17").getCheckout(session.id);
    expect((final.body as Json).status).toBe("expired");
    expect(ordersOf(stack, session.id)).toHaveLength(0);
  });
});
