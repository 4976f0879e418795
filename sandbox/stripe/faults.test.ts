import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
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

const CREATE = { method: "POST", path: "/v1/payment_intents" } as const;

describe("faults before the effect", () => {
  it("fail with a 500 and leave nothing behind, so a retry with the same key runs once", async () => {
    const token = await grantToken(sandbox, stripe);
    sandbox.faults.add({ ...CREATE, status: 500 });
    const options = { idempotencyKey: "cs_1:authorize" };
    const error = await stripeError(stripe.paymentIntents.create(authorizeParams(token.id), options));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500, rawType: "api_error" });
    expect(sandbox.paymentIntents(DEMO_ACCOUNT_ID)).toHaveLength(0);

    const intent = await stripe.paymentIntents.create(authorizeParams(token.id), options);
    expect(intent.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect(sandbox.counters).toMatchObject({ paymentIntentsCreated: 1, faults: 1 });
  });

  it("are retried by stripe-node's own retries with the same key", async () => {
    const token = await grantToken(sandbox, stripe);
    sandbox.faults.add({ ...CREATE, status: 503 });
    const retrying = sandboxStripe(sandbox, DEMO_SECRET_KEY, { maxNetworkRetries: 1 });
    const intent = await retrying.paymentIntents.create(authorizeParams(token.id));
    expect(intent.status).toBe("requires_capture");
    const calls = sandbox.requests.filter((entry) => entry.path === CREATE.path);
    expect(calls.map((entry) => entry.status)).toEqual([503, 200]);
    expect(calls[0].idempotencyKey).toBe(calls[1].idempotencyKey);
  });

  it("answer 429 with Stripe's rate_limit error", async () => {
    sandbox.faults.add({ method: "GET", path: /^\/v1\/payment_intents/, status: 429, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await stripeError(stripe.paymentIntents.list());
      expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(error).toMatchObject({ statusCode: 429, code: "rate_limit", rawType: "invalid_request_error" });
    }
    await expect(stripe.paymentIntents.list()).resolves.toMatchObject({ object: "list" });
  });

  it("leave other methods and paths alone, and can be cleared", async () => {
    sandbox.faults.add({ ...CREATE, status: 500, times: Infinity });
    await expect(stripe.paymentIntents.list()).resolves.toBeTruthy();
    expect(sandbox.faults.list()).toHaveLength(1);
    sandbox.faults.clear();
    const token = await grantToken(sandbox, stripe);
    await expect(stripe.paymentIntents.create(authorizeParams(token.id))).resolves.toBeTruthy();
  });
});

describe("faults after the effect", () => {
  it("fail the response although Stripe did the work; the retry replays it", async () => {
    const token = await grantToken(sandbox, stripe);
    sandbox.faults.add({ ...CREATE, status: 500, afterEffect: true });
    const options = { idempotencyKey: "cs_1:authorize" };
    await expect(stripe.paymentIntents.create(authorizeParams(token.id), options)).rejects.toMatchObject({
      statusCode: 500,
    });
    const [created] = sandbox.paymentIntents(DEMO_ACCOUNT_ID);
    expect(created.status).toBe("requires_capture");

    const retried = await stripe.paymentIntents.create(authorizeParams(token.id), options);
    expect(retried.id).toBe(created.id);
    expect(retried.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(sandbox.counters).toMatchObject({ paymentIntentsCreated: 1, confirmations: 1 });
  });

  it("drop the connection once: stripe-node retries a reset connection itself and gets the replay", async () => {
    const token = await grantToken(sandbox, stripe);
    sandbox.faults.add({ ...CREATE, dropConnection: true, afterEffect: true });
    const intent = await stripe.paymentIntents.create(authorizeParams(token.id));
    expect(intent.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const calls = sandbox.requests.filter((entry) => entry.path === CREATE.path);
    expect(calls.map((entry) => [entry.status, entry.replayed])).toEqual([
      [null, false],
      [200, true],
    ]);
    expect(sandbox.counters.paymentIntentsCreated).toBe(1);
  });

  it("drop the connection twice: the caller sees a connection error and must retry with its key", async () => {
    const token = await grantToken(sandbox, stripe);
    sandbox.faults.add({ ...CREATE, dropConnection: true, afterEffect: true, times: 2 });
    const options = { idempotencyKey: "cs_2:authorize" };
    const error = await stripeError(stripe.paymentIntents.create(authorizeParams(token.id), options));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    const retried = await stripe.paymentIntents.create(authorizeParams(token.id), options);
    expect(retried.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(sandbox.paymentIntents(DEMO_ACCOUNT_ID).map((intent) => intent.id)).toEqual([retried.id]);
  });

  it("outlast the client's timeout after Stripe captured: the retried capture replays", async () => {
    const token = await grantToken(sandbox, stripe);
    const intent = await stripe.paymentIntents.create(authorizeParams(token.id));
    const capturePath = `/v1/payment_intents/${intent.id}/capture`;
    sandbox.faults.add({ method: "POST", path: capturePath, delayMs: 400, afterEffect: true });
    const impatient = sandboxStripe(sandbox, DEMO_SECRET_KEY, { timeout: 100 });
    const options = { idempotencyKey: `${intent.id}:capture` };
    const error = await stripeError(impatient.paymentIntents.capture(intent.id, {}, options));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe("succeeded");

    const retried = await stripe.paymentIntents.capture(intent.id, {}, options);
    expect(retried.status).toBe("succeeded");
    expect(retried.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(sandbox.counters.captures).toBe(1);
    // The first answer still goes out, to a client that is no longer listening.
    const first = sandbox.requests.find((entry) => entry.path === capturePath)!;
    await vi.waitFor(() => expect(first.status).toBe(200));
  });

  it("hit replays too", async () => {
    const token = await grantToken(sandbox, stripe);
    const options = { idempotencyKey: "replay-fault" };
    await stripe.paymentIntents.create(authorizeParams(token.id), options);
    sandbox.faults.add({ ...CREATE, status: 502, afterEffect: true });
    await expect(stripe.paymentIntents.create(authorizeParams(token.id), options)).rejects.toMatchObject({
      statusCode: 502,
    });
    await expect(stripe.paymentIntents.create(authorizeParams(token.id), options)).resolves.toBeTruthy();
  });
});

describe("the request log", () => {
  it("records method, path, decoded params, key and status", async () => {
    const token = await grantToken(sandbox, stripe);
    await stripe.paymentIntents.create(
      authorizeParams(token.id, { metadata: { checkout_session_id: "cs_9" } }),
      {
        idempotencyKey: "logged",
      },
    );
    const entry = sandbox.requests.find((request) => request.path === CREATE.path)!;
    expect(entry).toMatchObject({
      method: "POST",
      accountId: DEMO_ACCOUNT_ID,
      idempotencyKey: "logged",
      status: 200,
      replayed: false,
      faulted: false,
      params: { amount: "4200", confirm: "true", metadata: { checkout_session_id: "cs_9" } },
    });
  });
});
