import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID, DEMO_SECRET_KEY } from "./accounts";
import { sandboxStripe } from "./client";
import { startStripeSandbox, type StripeSandbox } from "./server";
import { authorizeParams, grantToken, stripeError } from "./testing";

let sandbox: StripeSandbox;
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startStripeSandbox();
  stripe = sandboxStripe(sandbox, DEMO_SECRET_KEY);
});
afterAll(() => sandbox.stop());
beforeEach(() => sandbox.reset());

async function authorized(overrides = {}) {
  const token = await grantToken(sandbox, stripe);
  return stripe.paymentIntents.create(authorizeParams(token.id, overrides));
}

describe("the app's payment flow", () => {
  it("authorizes a granted token, captures it and refunds part of it", async () => {
    const token = await grantToken(sandbox, stripe, { maxAmount: 5_000 });
    const intent = await stripe.paymentIntents.create(
      authorizeParams(token.id, { amount: 4_200, metadata: { checkout_session_id: "cs_1" } }),
    );
    expect(intent).toMatchObject({
      object: "payment_intent",
      status: "requires_capture",
      amount: 4_200,
      amount_capturable: 4_200,
      amount_received: 0,
      capture_method: "manual",
      currency: "usd",
      metadata: { checkout_session_id: "cs_1" },
      livemode: false,
    });
    expect(intent.id).toMatch(/^pi_3\w{24}$/);
    expect(intent.payment_method).toMatch(/^pm_/);

    const captured = await stripe.paymentIntents.capture(intent.id);
    expect(captured).toMatchObject({ status: "succeeded", amount_received: 4_200, amount_capturable: 0 });

    const refund = await stripe.refunds.create({
      payment_intent: intent.id,
      amount: 1_000,
      reason: "requested_by_customer",
    });
    expect(refund).toMatchObject({
      object: "refund",
      amount: 1_000,
      currency: "usd",
      payment_intent: intent.id,
      charge: captured.latest_charge,
      reason: "requested_by_customer",
      status: "succeeded",
    });
    expect(await stripe.refunds.retrieve(refund.id)).toEqual(refund);

    const spent = await stripe.rawRequest("GET", `/v1/shared_payment/granted_tokens/${token.id}`);
    expect(spent).toMatchObject({
      deactivated_reason: "consumed",
      usage_details: { amount_captured: { value: 4_200 } },
    });
    expect(sandbox.counters).toMatchObject({ paymentIntentsCreated: 1, captures: 1, refunds: 1 });
  });

  it("captures immediately with capture_method automatic", async () => {
    const intent = await authorized({ capture_method: "automatic" });
    expect(intent).toMatchObject({ status: "succeeded", amount_received: 4_200, amount_capturable: 0 });
    await expect(stripe.paymentIntents.capture(intent.id)).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
    });
  });

  it("captures part of an authorization and releases the rest", async () => {
    const intent = await authorized({ amount: 4_000 });
    const captured = await stripe.paymentIntents.capture(intent.id, {
      amount_to_capture: 2_500,
      expand: ["latest_charge"],
    });
    expect(captured.amount_received).toBe(2_500);
    expect(captured.latest_charge).toMatchObject({
      object: "charge",
      amount_captured: 2_500,
      amount_refunded: 1_500,
    });
    // Only what was captured can be refunded.
    const error = await stripeError(stripe.refunds.create({ payment_intent: intent.id, amount: 2_501 }));
    expect(error).toMatchObject({ statusCode: 400, code: "amount_too_large", param: "amount" });
    expect(error.message).toBe("Refund amount ($25.01) is greater than unrefunded amount on charge ($25.00)");
  });

  it("refuses to capture more than is capturable", async () => {
    const intent = await authorized({ amount: 4_000 });
    const error = await stripeError(stripe.paymentIntents.capture(intent.id, { amount_to_capture: 4_001 }));
    expect(error).toMatchObject({ statusCode: 400, code: "amount_too_large", param: "amount_to_capture" });
    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe("requires_capture");
  });

  it("cancels an authorization, and refuses to cancel a succeeded payment", async () => {
    const held = await authorized();
    const canceled = await stripe.paymentIntents.cancel(held.id, { cancellation_reason: "abandoned" });
    expect(canceled).toMatchObject({
      status: "canceled",
      cancellation_reason: "abandoned",
      amount_capturable: 0,
    });
    expect(canceled.canceled_at).toEqual(expect.any(Number));

    const paid = await authorized({ capture_method: "automatic" });
    const error = await stripeError(stripe.paymentIntents.cancel(paid.id));
    expect(error).toMatchObject({
      type: "StripeInvalidRequestError",
      code: "payment_intent_unexpected_state",
    });
    expect(error.message).toContain("because it has a status of succeeded");
    await expect(stripe.paymentIntents.cancel(held.id)).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
    });
  });

  it("refunds the remainder once, then reports the charge as refunded", async () => {
    const intent = await authorized({ capture_method: "automatic" });
    const refund = await stripe.refunds.create({ payment_intent: intent.id });
    expect(refund.amount).toBe(4_200);
    const again = await stripeError(stripe.refunds.create({ payment_intent: intent.id }));
    expect(again).toMatchObject({ code: "charge_already_refunded" });
  });

  it("does not refund an authorization that was never captured", async () => {
    const intent = await authorized();
    const error = await stripeError(stripe.refunds.create({ payment_intent: intent.id }));
    expect(error).toMatchObject({ statusCode: 400, code: "payment_intent_unexpected_state" });
  });

  it("creates without confirming, then confirms with the token", async () => {
    const token = await grantToken(sandbox, stripe);
    const draft = await stripe.paymentIntents.create(authorizeParams(token.id, { confirm: false }));
    expect(draft.status).toBe("requires_confirmation");
    const confirmed = await stripe.paymentIntents.confirm(draft.id);
    expect(confirmed.status).toBe("requires_capture");
  });

  it("merges metadata on update and deletes keys set to an empty string", async () => {
    const intent = await authorized({ metadata: { a: "1", b: "2" } });
    const updated = await stripe.paymentIntents.update(intent.id, { metadata: { b: "", c: "3" } });
    expect(updated.metadata).toEqual({ a: "1", c: "3" });
  });
});

describe("parameter validation", () => {
  it.each([
    [{ amount: 49 }, "amount_too_small", "amount"],
    [{ amount: 100_000_000 }, "amount_too_large", "amount"],
    [{ amount: 12.5 }, "parameter_invalid_integer", "amount"],
    [{ currency: "USD" }, undefined, "currency"],
    [{ currency: "xyz" }, undefined, "currency"],
    [{ capture_method: "later" }, "parameter_invalid_string", "capture_method"],
    [{ customer: "cus_1" }, "parameter_unknown", "customer"],
    // Stripe's SPT guide still shows payment_method_types[]=card; the pinned version removed it.
    [{ payment_method_types: ["card"] }, "parameter_unknown", "payment_method_types"],
    [{ allowed_payment_method_types: ["card", "klarna"] }, undefined, "allowed_payment_method_types"],
    [{ shared_payment_granted_token: "tok_visa" }, undefined, "shared_payment_granted_token"],
  ])("rejects %j with %s", async (overrides, code, param) => {
    const error = await stripeError(
      stripe.paymentIntents.create({
        ...authorizeParams("spt_unused"),
        ...overrides,
      } as Stripe.PaymentIntentCreateParams),
    );
    expect(error).toMatchObject({ type: "StripeInvalidRequestError", statusCode: 400, param });
    expect(error.code).toBe(code);
    expect(sandbox.paymentIntents(DEMO_ACCOUNT_ID)).toHaveLength(0);
  });

  it("requires amount and currency", async () => {
    const error = await stripeError(
      stripe.paymentIntents.create({ currency: "usd" } as Stripe.PaymentIntentCreateParams),
    );
    expect(error).toMatchObject({
      code: "parameter_missing",
      param: "amount",
      message: "Missing required param: amount.",
    });
  });

  it("limits metadata to 50 keys of 40 characters with values of 500", async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    await expect(
      stripe.paymentIntents.create({ ...authorizeParams("spt_x"), metadata: many }),
    ).rejects.toMatchObject({
      param: "metadata",
      message: expect.stringContaining("up to 50 keys"),
    });
    await expect(
      stripe.paymentIntents.create({ ...authorizeParams("spt_x"), metadata: { ["k".repeat(41)]: "v" } }),
    ).rejects.toMatchObject({ message: expect.stringContaining("keys can have up to 40 characters") });
    await expect(
      stripe.paymentIntents.create({ ...authorizeParams("spt_x"), metadata: { long: "v".repeat(501) } }),
    ).rejects.toMatchObject({ message: expect.stringContaining("values can have up to 500 characters") });
  });

  it("needs allowed_payment_method_types, allow_redirects=never or a return_url to confirm server-side", async () => {
    const token = await grantToken(sandbox, stripe);
    const { allowed_payment_method_types: _types, ...withoutTypes } = authorizeParams(token.id);
    const error = await stripeError(stripe.paymentIntents.create(withoutTypes));
    expect(error).toMatchObject({ statusCode: 400, param: "return_url" });
    const ok = await stripe.paymentIntents.create({
      ...withoutTypes,
      automatic_payment_methods: { enabled: true, allow_redirects: "never" },
    });
    expect(ok.status).toBe("requires_capture");
  });

  it("answers 404 for an unknown PaymentIntent", async () => {
    const error = await stripeError(stripe.paymentIntents.retrieve("pi_missing"));
    expect(error).toMatchObject({ statusCode: 404, code: "resource_missing", param: "intent" });
    expect(error.message).toBe("No such payment_intent: 'pi_missing'");
  });
});

describe("listing and search", () => {
  it("lists newest first and pages with starting_after", async () => {
    const first = await authorized();
    const second = await authorized();
    const third = await authorized();
    const page = await stripe.paymentIntents.list({ limit: 2 });
    expect(page.data.map((intent) => intent.id)).toEqual([third.id, second.id]);
    expect(page.has_more).toBe(true);
    const next = await stripe.paymentIntents.list({ limit: 2, starting_after: second.id });
    expect(next.data.map((intent) => intent.id)).toEqual([first.id]);
    expect(next.has_more).toBe(false);
    const all: string[] = [];
    for await (const intent of stripe.paymentIntents.list({ limit: 1 })) all.push(intent.id);
    expect(all).toEqual([third.id, second.id, first.id]);
  });

  it("finds a PaymentIntent by the checkout session in its metadata", async () => {
    const wanted = await authorized({ metadata: { checkout_session_id: "cs_1" } });
    await authorized({ metadata: { checkout_session_id: "cs_2" } });
    const result = await stripe.paymentIntents.search({ query: "metadata['checkout_session_id']:'cs_1'" });
    expect(result.object).toBe("search_result");
    expect(result.data.map((intent) => intent.id)).toEqual([wanted.id]);
    const both = await stripe.paymentIntents.search({
      query: `metadata['checkout_session_id']:'cs_1' AND status:'requires_capture' AND amount>=4200`,
    });
    expect(both.data).toHaveLength(1);
  });

  it("rejects malformed queries", async () => {
    const error = await stripeError(
      stripe.paymentIntents.search({ query: "status:'a' AND amount>1 OR currency:'usd'" }),
    );
    expect(error).toMatchObject({ statusCode: 400, param: "query" });
  });

  it("lags behind writes when searchLagMs is set, like Stripe's index", async () => {
    sandbox.searchLagMs = 60_000;
    const intent = await authorized({ metadata: { checkout_session_id: "cs_late" } });
    const query = { query: "metadata['checkout_session_id']:'cs_late'" };
    expect((await stripe.paymentIntents.search(query)).data).toHaveLength(0);
    // The list endpoint is read-after-write consistent.
    expect((await stripe.paymentIntents.list()).data[0].id).toBe(intent.id);
    sandbox.clock.advance(30_000);
    await stripe.paymentIntents.capture(intent.id);
    sandbox.clock.advance(30_000);
    const found = await stripe.paymentIntents.search(query);
    // The index has caught up with the creation but not yet with the capture.
    expect(found.data.map((hit) => hit.status)).toEqual(["requires_capture"]);
    sandbox.searchLagMs = 0;
  });
});
