import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID, DEMO_SECRET_KEY } from "./accounts";
import { sandboxStripe } from "./client";
import { startStripeSandbox, type StripeSandbox } from "./server";
import type { SharedPaymentGrantedToken } from "./state";
import { authorizeParams, grantToken, stripeError } from "./testing";

let sandbox: StripeSandbox;
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startStripeSandbox();
  stripe = sandboxStripe(sandbox, DEMO_SECRET_KEY);
});
afterAll(() => sandbox.stop());
beforeEach(() => sandbox.reset());

function retrieveToken(id: string, client = stripe): Promise<SharedPaymentGrantedToken> {
  return client.rawRequest("GET", `/v1/shared_payment/granted_tokens/${id}`);
}

describe("granted tokens", () => {
  it("mints a token with the usage limits the agent set", async () => {
    const expiresAt = Math.floor(sandbox.clock.now() / 1000) + 900;
    const token = (await stripe.rawRequest("POST", "/v1/test_helpers/shared_payment/granted_tokens", {
      payment_method: "pm_card_mastercard",
      usage_limits: { currency: "eur", max_amount: 2_500, expires_at: expiresAt },
      shared_metadata: { agent: "test" },
    })) as SharedPaymentGrantedToken;
    expect(token).toMatchObject({
      object: "shared_payment.granted_token",
      livemode: false,
      deactivated_at: null,
      deactivated_reason: null,
      usage_limits: { currency: "eur", max_amount: 2_500, expires_at: expiresAt },
      usage_details: { amount_captured: { value: 0, currency: "eur" } },
      payment_method_details: { type: "card", card: { brand: "mastercard", last4: "4444" } },
      shared_metadata: { agent: "test" },
    });
    expect(token.id).toMatch(/^spt_/);
    expect(await retrieveToken(token.id)).toEqual(token);
  });

  it("requires usage_limits with currency and max_amount", async () => {
    await expect(
      stripe.rawRequest("POST", "/v1/test_helpers/shared_payment/granted_tokens", {
        payment_method: "pm_card_visa",
      }),
    ).rejects.toMatchObject({ code: "parameter_missing", param: "usage_limits" });
    await expect(
      stripe.rawRequest("POST", "/v1/test_helpers/shared_payment/granted_tokens", {
        payment_method: "pm_card_visa",
        usage_limits: { currency: "usd" },
      }),
    ).rejects.toMatchObject({ code: "parameter_missing", param: "usage_limits[max_amount]" });
  });
});

describe("usage limits when confirming", () => {
  it("refuses an amount above max_amount, and creates nothing", async () => {
    const token = await grantToken(sandbox, stripe, { maxAmount: 4_000 });
    const error = await stripeError(
      stripe.paymentIntents.create(authorizeParams(token.id, { amount: 4_001 })),
    );
    expect(error).toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
      code: "amount_too_large",
      param: "amount",
    });
    expect(sandbox.paymentIntents(DEMO_ACCOUNT_ID)).toHaveLength(0);
    // At the limit is fine, and the refused attempt did not spend the token.
    const intent = await stripe.paymentIntents.create(authorizeParams(token.id, { amount: 4_000 }));
    expect(intent.status).toBe("requires_capture");
  });

  it("refuses another currency", async () => {
    const token = await grantToken(sandbox, stripe, { currency: "usd" });
    const error = await stripeError(
      stripe.paymentIntents.create(authorizeParams(token.id, { currency: "eur" })),
    );
    expect(error).toMatchObject({
      statusCode: 400,
      code: "payment_method_currency_mismatch",
      param: "currency",
    });
  });

  it("refuses an expired token", async () => {
    const token = await grantToken(sandbox, stripe, { expiresIn: 60 });
    sandbox.clock.advance(61_000);
    const error = await stripeError(stripe.paymentIntents.create(authorizeParams(token.id)));
    expect(error).toMatchObject({ statusCode: 400, code: "payment_method_unexpected_state" });
    expect(error.message).toContain("expired");
    expect(await retrieveToken(token.id)).toMatchObject({ deactivated_reason: "expired" });
  });

  it("refuses a token already used by another PaymentIntent", async () => {
    const token = await grantToken(sandbox, stripe);
    const first = await stripe.paymentIntents.create(authorizeParams(token.id));
    const error = await stripeError(stripe.paymentIntents.create(authorizeParams(token.id)));
    expect(error).toMatchObject({
      statusCode: 400,
      code: "token_already_used",
      param: "shared_payment_granted_token",
    });
    expect(error.message).toContain(first.id);
  });

  it("refuses a revoked token", async () => {
    const token = await grantToken(sandbox, stripe);
    const revoked = await stripe.rawRequest(
      "POST",
      `/v1/test_helpers/shared_payment/granted_tokens/${token.id}/revoke`,
    );
    expect(revoked).toMatchObject({ deactivated_reason: "revoked" });
    const error = await stripeError(stripe.paymentIntents.create(authorizeParams(token.id)));
    expect(error).toMatchObject({ statusCode: 400, code: "payment_method_unexpected_state" });
    expect(error.message).toContain("revoked");
  });

  it("does not know a token granted to another account", async () => {
    const other = sandbox.accounts.create();
    const token = sandbox.grantSharedPaymentToken(other.id, { maxAmount: 10_000 });
    const error = await stripeError(stripe.paymentIntents.create(authorizeParams(token.id)));
    expect(error).toMatchObject({
      statusCode: 400,
      code: "resource_missing",
      param: "shared_payment_granted_token",
    });
    await expect(retrieveToken(token.id)).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
    // Its owner can use it.
    const owner = sandboxStripe(sandbox, other.secretKey);
    expect((await owner.paymentIntents.create(authorizeParams(token.id))).status).toBe("requires_capture");
  });

  it("accepts the token as payment_method_data[shared_payment_granted_token] too", async () => {
    const token = await grantToken(sandbox, stripe);
    const { shared_payment_granted_token: _top, ...params } = authorizeParams(token.id);
    const intent = await stripe.paymentIntents.create({
      ...params,
      payment_method_data: {
        shared_payment_granted_token: token.id,
      } as unknown as Stripe.PaymentIntentCreateParams.PaymentMethodData,
    });
    expect(intent.status).toBe("requires_capture");
  });
});

describe("test outcomes", () => {
  it.each([
    ["card_declined", "card_declined", "generic_decline"],
    ["insufficient_funds", "card_declined", "insufficient_funds"],
    ["processing_error", "processing_error", undefined],
  ] as const)("declines with test_outcome %s as a 402 card_error", async (outcome, code, declineCode) => {
    const token = await grantToken(sandbox, stripe, { testOutcome: outcome });
    const error = await stripeError(stripe.paymentIntents.create(authorizeParams(token.id)));
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, rawType: "card_error", code });
    // stripe-node turns a missing decline_code into ""; the wire body leaves it out.
    expect((error.raw as { decline_code?: string }).decline_code).toBe(declineCode);
    expect(error.charge).toMatch(/^ch_/);
    // The PaymentIntent exists, waiting for another payment method; the token was not spent.
    const intent = (error as Stripe.errors.StripeCardError).payment_intent!;
    expect(intent).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { code, type: "card_error" },
    });
    expect(sandbox.paymentIntents(DEMO_ACCOUNT_ID).map((stored) => stored.id)).toEqual([intent.id]);
    expect(await retrieveToken(token.id)).toMatchObject({ deactivated_reason: null });
  });

  it("maps Stripe's test PaymentMethods to the same outcomes", async () => {
    const token = await grantToken(sandbox, stripe, {
      paymentMethod: "pm_card_chargeDeclinedInsufficientFunds",
    });
    await expect(stripe.paymentIntents.create(authorizeParams(token.id))).rejects.toMatchObject({
      decline_code: "insufficient_funds",
    });
  });

  it("asks for 3-D Secure with requires_action", async () => {
    const token = await grantToken(sandbox, stripe, { testOutcome: "requires_action" });
    const intent = await stripe.paymentIntents.create(authorizeParams(token.id));
    expect(intent).toMatchObject({
      status: "requires_action",
      next_action: { type: "use_stripe_sdk" },
      amount_capturable: 0,
    });
    expect((await stripe.paymentIntents.cancel(intent.id)).status).toBe("canceled");
  });
});

describe("3-D Secure run outside Stripe, imported on confirmation", () => {
  async function challenged() {
    const token = await grantToken(sandbox, stripe, { testOutcome: "requires_action" });
    const intent = await stripe.paymentIntents.create(authorizeParams(token.id));
    expect(intent.status).toBe("requires_action");
    return intent;
  }

  function importParams(result: {
    cryptogram: string;
    electronicCommerceIndicator: string;
    transactionId: string;
    version: string;
  }): Stripe.PaymentIntentConfirmParams {
    return {
      payment_method_options: {
        card: {
          three_d_secure: {
            ares_trans_status: "Y",
            cryptogram: result.cryptogram,
            electronic_commerce_indicator: result.electronicCommerceIndicator as "05",
            transaction_id: result.transactionId,
            version: result.version as "2.2.0",
          },
        },
      },
    };
  }

  it("names the directory server and the challenge's transaction in the next action", async () => {
    const intent = await challenged();
    expect(intent.next_action?.use_stripe_sdk).toMatchObject({
      type: "stripe_3ds2_fingerprint",
      directory_server_name: "visa",
      merchant: DEMO_ACCOUNT_ID,
      server_transaction_id: expect.any(String),
      acquirer_details: { acquirer_country: "US" },
    });
  });

  it("authorizes the same PaymentIntent with the issuer's result, keeping the token spent on it", async () => {
    const intent = await challenged();
    const result = sandbox.authenticateThreeDSecure(DEMO_ACCOUNT_ID, intent.id);
    expect(result.cryptogram).toHaveLength(28);
    const confirmed = await stripe.paymentIntents.confirm(intent.id, importParams(result));
    expect(confirmed).toMatchObject({
      id: intent.id,
      status: "requires_capture",
      amount_capturable: intent.amount,
      next_action: null,
    });
    expect((await stripe.paymentIntents.capture(intent.id)).status).toBe("succeeded");
    expect(sandbox.counters.paymentIntentsCreated).toBe(1);
  });

  it("declines a result the issuer did not issue, leaving the PaymentIntent to be cancelled", async () => {
    const intent = await challenged();
    const result = sandbox.authenticateThreeDSecure(DEMO_ACCOUNT_ID, intent.id);
    const error = await stripeError(
      stripe.paymentIntents.confirm(intent.id, importParams({ ...result, cryptogram: "A".repeat(27) + "=" })),
    );
    expect(error).toMatchObject({
      type: "StripeCardError",
      code: "card_declined",
      decline_code: "authentication_required",
    });
    const after = await stripe.paymentIntents.retrieve(intent.id);
    expect(after.status).toBe("requires_payment_method");
    expect((await stripe.paymentIntents.cancel(intent.id)).status).toBe("canceled");
  });

  it("refuses an authentication result for a PaymentIntent that did not ask for one", async () => {
    const token = await grantToken(sandbox, stripe);
    const intent = await stripe.paymentIntents.create({ ...authorizeParams(token.id), confirm: false });
    const error = await stripeError(
      stripe.paymentIntents.confirm(
        intent.id,
        importParams({
          cryptogram: "A".repeat(27) + "=",
          electronicCommerceIndicator: "05",
          transactionId: "x",
          version: "2.2.0",
        }),
      ),
    );
    expect(error).toMatchObject({
      type: "StripeInvalidRequestError",
      param: "payment_method_options[card][three_d_secure]",
    });
  });

  it("lets the agent pass the challenge through its token over HTTP (sandbox test helper)", async () => {
    const token = await grantToken(sandbox, stripe, { testOutcome: "requires_action" });
    const none = await stripeError(
      stripe.rawRequest(
        "POST",
        `/v1/test_helpers/shared_payment/granted_tokens/${token.id}/authenticate`,
        {},
      ),
    );
    expect(none).toMatchObject({ code: "resource_missing" });
    const intent = await stripe.paymentIntents.create(authorizeParams(token.id));
    const result = (await stripe.rawRequest(
      "POST",
      `/v1/test_helpers/shared_payment/granted_tokens/${token.id}/authenticate`,
      {},
    )) as unknown as Record<string, string>;
    expect(result).toMatchObject({ payment_intent: intent.id, version: "2.2.0" });
    const confirmed = await stripe.paymentIntents.confirm(
      intent.id,
      importParams({
        cryptogram: result.cryptogram,
        electronicCommerceIndicator: result.electronic_commerce_indicator,
        transactionId: result.transaction_id,
        version: result.version,
      }),
    );
    expect(confirmed.status).toBe("requires_capture");
  });
});
