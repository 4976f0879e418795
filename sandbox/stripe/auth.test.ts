import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_ACCOUNT_ID,
  DEMO_RESTRICTED_KEY,
  DEMO_RESTRICTED_KEY_WITHOUT_PAYMENT_INTENT_WRITE,
  DEMO_SECRET_KEY,
} from "./accounts";
import { sandboxStripe } from "./client";
import { startStripeSandbox, type StripeSandbox } from "./server";
import { authorizeParams, grantToken, stripeError } from "./testing";
import { STRIPE_API_VERSION } from "./version";

let sandbox: StripeSandbox;
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startStripeSandbox();
  stripe = sandboxStripe(sandbox, DEMO_SECRET_KEY);
});
afterAll(() => sandbox.stop());
beforeEach(() => sandbox.reset());

describe("API keys", () => {
  it("answers 401 for a missing, unknown or rolled key", async () => {
    const missing = await fetch(`${sandbox.url}/v1/account`, {
      headers: { "Stripe-Version": STRIPE_API_VERSION },
    });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("request-id")).toMatch(/^req_/);
    expect(await missing.json()).toMatchObject({ error: { type: "invalid_request_error" } });

    const unknown = await stripeError(
      sandboxStripe(sandbox, "sk_test_not_a_real_key_1234").accounts.retrieveCurrent(),
    );
    expect(unknown).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(unknown.message).toMatch(/^Invalid API Key provided: sk_test_\*+1234$/);

    const account = sandbox.accounts.create();
    sandbox.accounts.expireKey(account.secretKey);
    const rolled = await stripeError(sandboxStripe(sandbox, account.secretKey).paymentIntents.list());
    expect(rolled).toMatchObject({ statusCode: 401, code: "api_key_expired" });
  });

  it("accepts Basic auth, as curl -u sends it", async () => {
    const response = await fetch(`${sandbox.url}/v1/account`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${DEMO_SECRET_KEY}:`).toString("base64")}`,
        "Stripe-Version": STRIPE_API_VERSION,
      },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: DEMO_ACCOUNT_ID, object: "account" });
  });

  it("returns the account for a secret key", async () => {
    const account = await stripe.accounts.retrieveCurrent();
    expect(account).toMatchObject({ id: DEMO_ACCOUNT_ID, charges_enabled: true, default_currency: "usd" });
  });
});

describe("restricted keys", () => {
  it("let the app's key authorize, capture and refund", async () => {
    const restricted = sandboxStripe(sandbox, DEMO_RESTRICTED_KEY);
    const token = await grantToken(sandbox, stripe);
    await expect(
      restricted.rawRequest("GET", `/v1/shared_payment/granted_tokens/${token.id}`),
    ).resolves.toMatchObject({
      id: token.id,
    });
    const intent = await restricted.paymentIntents.create(authorizeParams(token.id));
    // Write implies read.
    expect((await restricted.paymentIntents.retrieve(intent.id)).id).toBe(intent.id);
    await restricted.paymentIntents.capture(intent.id);
    await expect(restricted.refunds.create({ payment_intent: intent.id })).resolves.toMatchObject({
      status: "succeeded",
    });
  });

  it("answers 403 with Stripe's message when a permission is missing", async () => {
    const readOnly = sandboxStripe(sandbox, DEMO_RESTRICTED_KEY_WITHOUT_PAYMENT_INTENT_WRITE);
    const error = await stripeError(readOnly.paymentIntents.create(authorizeParams("spt_x")));
    expect(error).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(error).toMatchObject({ statusCode: 403, rawType: "invalid_request_error", code: undefined });
    expect(error.message).toMatch(
      /^The provided key 'rk_test_\*+0000' does not have the required permissions for this endpoint on account 'acct_sandbox_demo'\. Having the 'rak_payment_intent_write' permission would allow this request to continue\.$/,
    );
    // Reading is allowed.
    await expect(readOnly.paymentIntents.list()).resolves.toMatchObject({ object: "list" });
  });

  it("checks permissions before parameters, so an empty create probes write access without side effects", async () => {
    const emptyCreate = (key: string) =>
      stripeError(sandboxStripe(sandbox, key).paymentIntents.create({} as Stripe.PaymentIntentCreateParams));
    expect((await emptyCreate(DEMO_RESTRICTED_KEY_WITHOUT_PAYMENT_INTENT_WRITE)).statusCode).toBe(403);
    expect(await emptyCreate(DEMO_RESTRICTED_KEY)).toMatchObject({
      statusCode: 400,
      code: "parameter_missing",
    });
    expect(sandbox.paymentIntents(DEMO_ACCOUNT_ID)).toHaveLength(0);
  });

  it("cannot read GET /v1/account, as on Stripe", async () => {
    const error = await stripeError(sandboxStripe(sandbox, DEMO_RESTRICTED_KEY).accounts.retrieveCurrent());
    expect(error).toMatchObject({ statusCode: 403 });
    expect(error.message).toContain("rak_accounts_kyc_id_numbers_read");
  });
});

describe("accounts are isolated", () => {
  it("answers 404 for another account's PaymentIntent and refund", async () => {
    const token = await grantToken(sandbox, stripe);
    const intent = await stripe.paymentIntents.create(
      authorizeParams(token.id, { capture_method: "automatic" }),
    );
    const refund = await stripe.refunds.create({ payment_intent: intent.id, amount: 100 });
    const other = sandboxStripe(sandbox, sandbox.accounts.create().secretKey);

    await expect(other.paymentIntents.retrieve(intent.id)).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
    await expect(other.paymentIntents.capture(intent.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(other.refunds.retrieve(refund.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(other.refunds.create({ payment_intent: intent.id })).rejects.toMatchObject({
      code: "resource_missing",
      param: "payment_intent",
    });
    expect((await other.paymentIntents.list()).data).toEqual([]);
    expect((await other.paymentIntents.search({ query: "status:'succeeded'" })).data).toEqual([]);
  });

  it("refuses a Stripe-Account header naming another account", async () => {
    const other = sandbox.accounts.create();
    const error = await stripeError(stripe.paymentIntents.list({}, { stripeAccount: other.id }));
    expect(error).toMatchObject({ statusCode: 403 });
    await expect(stripe.paymentIntents.list({}, { stripeAccount: DEMO_ACCOUNT_ID })).resolves.toBeTruthy();
  });
});

describe("Stripe-Version", () => {
  it("is the version stripe-node 23.1.0 pins", () => {
    expect(STRIPE_API_VERSION).toBe(Stripe.API_VERSION);
  });

  it("must be sent and must match", async () => {
    const missing = await fetch(`${sandbox.url}/v1/account`, {
      headers: { Authorization: `Bearer ${DEMO_SECRET_KEY}` },
    });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toContain("requires the Stripe-Version header");

    const old = sandboxStripe(sandbox, DEMO_SECRET_KEY, {
      apiVersion: "2025-03-31.basil" as typeof STRIPE_API_VERSION,
    });
    const error = await stripeError(old.paymentIntents.list());
    expect(error).toMatchObject({ statusCode: 400 });
    expect(error.message).toContain("2025-03-31.basil");
  });

  it("is echoed on responses", async () => {
    const account = await stripe.accounts.retrieveCurrent();
    expect(account.lastResponse.apiVersion).toBe(STRIPE_API_VERSION);
  });
});

describe("unknown endpoints", () => {
  it("answers Stripe's 404 for a URL it does not serve", async () => {
    const error = await stripeError(stripe.customers.list());
    expect(error).toMatchObject({ statusCode: 404 });
    expect(error.message).toContain("Unrecognized request URL (GET: /v1/customers)");
  });
});
