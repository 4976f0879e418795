import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_SECRET_KEY } from "./accounts";
import { sandboxStripe } from "./client";
import { canonicalJson, parseForm } from "./form";
import { startStripeSandbox, type StripeSandbox } from "./server";
import { authorizeParams, grantToken } from "./testing";
import { STRIPE_API_VERSION } from "./version";

describe("parseForm", () => {
  it.each([
    ["amount=100&currency=usd", { amount: "100", currency: "usd" }],
    ["metadata[order]=1&metadata[note]=a%20b", { metadata: { order: "1", note: "a b" } }],
    ["expand[0]=latest_charge&expand[1]=customer", { expand: { "0": "latest_charge", "1": "customer" } }],
    [
      "payment_method_types[]=card&payment_method_types[]=link",
      { payment_method_types: { "0": "card", "1": "link" } },
    ],
    ["a[b][c]=deep", { a: { b: { c: "deep" } } }],
    ["note=one+two", { note: "one two" }],
    ["metadata%5Bk%5D=encoded", { metadata: { k: "encoded" } }],
    ["description=", { description: "" }],
  ])("decodes %s", (text, expected) => {
    expect(parseForm(text)).toEqual(expected);
  });

  it.each(["a=1&a=2", "a=1&a[b]=2", "a[b]=1&a=2", "a]=1", "[a]=1"])("rejects %s", (text) => {
    expect(() => parseForm(text)).toThrow();
  });

  it("compares parameters regardless of order", () => {
    expect(canonicalJson(parseForm("b=2&a[y]=1&a[x]=0"))).toBe(canonicalJson(parseForm("a[x]=0&b=2&a[y]=1")));
    expect(canonicalJson(parseForm("a=1"))).not.toBe(canonicalJson(parseForm("a=2")));
  });
});

describe("what stripe-node sends", () => {
  let sandbox: StripeSandbox;
  let stripe: Stripe;

  beforeAll(async () => {
    sandbox = await startStripeSandbox();
    stripe = sandboxStripe(sandbox, DEMO_SECRET_KEY);
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  it("round-trips nested metadata with characters that need escaping", async () => {
    const token = await grantToken(sandbox, stripe);
    const metadata = {
      checkout_session_id: "cs_1",
      "with space": "a & b = c",
      unicode: "Grüße, 東京 🚀",
      brackets_in_value: "[x][y]",
      plus: "1+1",
      "0": "numeric key stays a key",
    };
    const intent = await stripe.paymentIntents.create(
      authorizeParams(token.id, { metadata, description: "Order #1001 — 2 items" }),
    );
    expect(intent.metadata).toEqual(metadata);
    expect(intent.description).toBe("Order #1001 — 2 items");
    expect((await stripe.paymentIntents.retrieve(intent.id)).metadata).toEqual(metadata);
  });

  it("decodes indexed arrays for expand and allowed_payment_method_types", async () => {
    const token = await grantToken(sandbox, stripe);
    const intent = await stripe.paymentIntents.create(
      authorizeParams(token.id, { capture_method: "automatic", expand: ["latest_charge"] }),
    );
    expect(intent.latest_charge).toMatchObject({ object: "charge", captured: true, amount_captured: 4_200 });
    const entry = sandbox.requests.find((request) => request.path === "/v1/payment_intents")!;
    expect(entry.params).toMatchObject({
      expand: { "0": "latest_charge" },
      allowed_payment_method_types: { "0": "card" },
    });
    const retrieved = await stripe.paymentIntents.retrieve(intent.id, { expand: ["latest_charge"] });
    expect(retrieved.latest_charge).toMatchObject({ object: "charge" });
  });

  it("refuses expansions it does not support", async () => {
    await expect(stripe.paymentIntents.list({ expand: ["data.customer"] })).rejects.toMatchObject({
      statusCode: 400,
      message: "This property cannot be expanded (data.customer).",
    });
  });

  it("accepts curl-style bodies and refuses JSON ones", async () => {
    const token = await grantToken(sandbox, stripe);
    const headers = { Authorization: `Bearer ${DEMO_SECRET_KEY}`, "Stripe-Version": STRIPE_API_VERSION };
    const curl = await fetch(`${sandbox.url}/v1/payment_intents`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
      body: `amount=4200&currency=usd&confirm=true&allowed_payment_method_types[]=card&shared_payment_granted_token=${token.id}&metadata[note]=hello+world`,
    });
    expect(curl.status).toBe(200);
    expect(await curl.json()).toMatchObject({ status: "succeeded", metadata: { note: "hello world" } });

    const json = await fetch(`${sandbox.url}/v1/payment_intents`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ amount: 4200, currency: "usd" }),
    });
    expect(json.status).toBe(400);
    expect((await json.json()).error.message).toContain("unsupported Content-Type application/json");
  });

  it("refuses a nested parameter it does not know", async () => {
    await expect(
      stripe.rawRequest("POST", "/v1/test_helpers/shared_payment/granted_tokens", {
        payment_method: "pm_card_visa",
        usage_limits: { currency: "usd", max_amount: 100, interval: "month" },
      }),
    ).rejects.toMatchObject({ code: "parameter_unknown", param: "usage_limits[interval]" });
  });
});
