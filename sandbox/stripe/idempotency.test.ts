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

describe("Idempotency-Key", () => {
  it("replays the first response for the same key and parameters", async () => {
    const token = await grantToken(sandbox, stripe);
    const params = authorizeParams(token.id, { metadata: { checkout_session_id: "cs_1" } });
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: "cs_1:authorize:1" });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: "cs_1:authorize:1" });
    expect(second).toEqual(first);
    const headers = second.lastResponse.headers;
    expect(headers["idempotent-replayed"]).toBe("true");
    expect(headers["original-request"]).toBe(first.lastResponse.requestId);
    expect(second.lastResponse.requestId).not.toBe(first.lastResponse.requestId);
    expect(first.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect(sandbox.paymentIntents(DEMO_ACCOUNT_ID)).toHaveLength(1);
    expect(sandbox.counters).toMatchObject({ paymentIntentsCreated: 1, replays: 1 });
  });

  it("answers 400 idempotency_error for the same key with other parameters", async () => {
    const token = await grantToken(sandbox, stripe);
    await stripe.paymentIntents.create(authorizeParams(token.id), { idempotencyKey: "key-a" });
    const error = await stripeError(
      stripe.paymentIntents.create(authorizeParams(token.id, { amount: 4_201 }), { idempotencyKey: "key-a" }),
    );
    expect(error).toMatchObject({
      type: "StripeIdempotencyError",
      statusCode: 400,
      rawType: "idempotency_error",
    });
    expect(error.message).toContain("same parameters");
  });

  it("answers 400 idempotency_error for the same key on another endpoint", async () => {
    const token = await grantToken(sandbox, stripe);
    const intent = await stripe.paymentIntents.create(authorizeParams(token.id), { idempotencyKey: "key-b" });
    const error = await stripeError(
      stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: "key-b" }),
    );
    expect(error).toMatchObject({ rawType: "idempotency_error" });
    expect(error.message).toContain("same endpoint");
  });

  it("replays a decline, because the decline was the request's real outcome", async () => {
    const token = await grantToken(sandbox, stripe, { testOutcome: "card_declined" });
    const options = { idempotencyKey: "declined" };
    const first = await stripeError(stripe.paymentIntents.create(authorizeParams(token.id), options));
    const second = await stripeError(stripe.paymentIntents.create(authorizeParams(token.id), options));
    expect(second.statusCode).toBe(402);
    expect(second.headers?.["idempotent-replayed"]).toBe("true");
    expect(second.raw).toEqual(
      expect.objectContaining({ payment_intent: (first as Stripe.errors.StripeCardError).payment_intent }),
    );
    expect(sandbox.counters.confirmations).toBe(1);
  });

  it("does not store parameter errors, so a corrected retry with the same key runs", async () => {
    const token = await grantToken(sandbox, stripe);
    const options = { idempotencyKey: "fix-and-retry" };
    await expect(
      stripe.paymentIntents.create(authorizeParams(token.id, { amount: 10 }), options),
    ).rejects.toMatchObject({ code: "amount_too_small" });
    // Parameters differ from the failed attempt, yet this is not an idempotency_error.
    const intent = await stripe.paymentIntents.create(authorizeParams(token.id), options);
    expect(intent.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("forgets keys after 24 hours", async () => {
    const token = await grantToken(sandbox, stripe, { expiresIn: 3 * 24 * 3600 });
    const params = authorizeParams(token.id, { confirm: false });
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: "daily" });
    // A second of margin for the real time the requests themselves take.
    sandbox.clock.advance(24 * 60 * 60 * 1000 - 1000);
    expect((await stripe.paymentIntents.create(params, { idempotencyKey: "daily" })).id).toBe(first.id);
    sandbox.clock.advance(1000);
    expect((await stripe.paymentIntents.create(params, { idempotencyKey: "daily" })).id).not.toBe(first.id);
  });

  it("scopes keys per account", async () => {
    const other = sandbox.accounts.create();
    const otherStripe = sandboxStripe(sandbox, other.secretKey);
    const mine = await stripe.paymentIntents.create(
      authorizeParams((await grantToken(sandbox, stripe)).id, { confirm: false }),
      { idempotencyKey: "shared-key" },
    );
    const theirs = await otherStripe.paymentIntents.create(
      authorizeParams((await grantToken(sandbox, otherStripe)).id, { confirm: false }),
      { idempotencyKey: "shared-key" },
    );
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("answers 409 idempotency_key_in_use while the first request is still running", async () => {
    const token = await grantToken(sandbox, stripe);
    sandbox.faults.add({ method: "POST", path: "/v1/payment_intents", delayMs: 300 });
    const options = { idempotencyKey: "slow" };
    const slow = stripe.paymentIntents.create(authorizeParams(token.id), options);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const error = await stripeError(stripe.paymentIntents.create(authorizeParams(token.id), options));
    expect(error).toMatchObject({ statusCode: 409, code: "idempotency_key_in_use" });
    const intent = await slow;
    const replay = await stripe.paymentIntents.create(authorizeParams(token.id), options);
    expect(replay.id).toBe(intent.id);
  });

  it("rejects keys longer than 255 characters", async () => {
    const error = await stripeError(
      stripe.paymentIntents.create(authorizeParams("spt_x", { confirm: false }), {
        idempotencyKey: "k".repeat(256),
      }),
    );
    expect(error.statusCode).toBe(400);
    expect(sandbox.paymentIntents(DEMO_ACCOUNT_ID)).toHaveLength(0);
  });

  it("sends a Request-Id on every response", async () => {
    const ok = await stripe.paymentIntents.list();
    expect(ok.lastResponse.requestId).toMatch(/^req_\w{14}$/);
    const failed = await stripeError(stripe.paymentIntents.retrieve("pi_nope"));
    expect(failed.requestId).toMatch(/^req_/);
    expect(failed.raw).toEqual(
      expect.objectContaining({ request_log_url: expect.stringContaining(failed.requestId!) }),
    );
  });
});
