import type Stripe from "stripe";
import { expect } from "vitest";
import type { StripeSandbox } from "./server";
import type { SharedPaymentGrantedToken, TestOutcome } from "./state";

/** What the sandbox's own tests share: minting tokens over HTTP and catching Stripe errors. */

export interface GrantParams {
  currency?: string;
  maxAmount?: number;
  /** Seconds from sandbox "now"; default one hour. */
  expiresIn?: number;
  paymentMethod?: string;
  testOutcome?: TestOutcome;
}

/** Mints an SPT through `POST /v1/test_helpers/shared_payment/granted_tokens`, as a seller would. */
export async function grantToken(
  sandbox: StripeSandbox,
  stripe: Stripe,
  params: GrantParams = {},
): Promise<SharedPaymentGrantedToken> {
  return (await stripe.rawRequest("POST", "/v1/test_helpers/shared_payment/granted_tokens", {
    payment_method: params.paymentMethod ?? "pm_card_visa",
    usage_limits: {
      currency: params.currency ?? "usd",
      max_amount: params.maxAmount ?? 10_000,
      expires_at: Math.floor(sandbox.clock.now() / 1000) + (params.expiresIn ?? 3600),
    },
    ...(params.testOutcome ? { test_outcome: params.testOutcome } : {}),
  })) as SharedPaymentGrantedToken;
}

/** stripe-node 23 has no typed parameter for SPTs; the app passes it the same way. */
export type CreateWithToken = Stripe.PaymentIntentCreateParams & { shared_payment_granted_token?: string };

/** Create-and-confirm with manual capture: how the app authorizes an agent's token. */
export function authorizeParams(tokenId: string, overrides: Partial<CreateWithToken> = {}): CreateWithToken {
  return {
    amount: 4_200,
    currency: "usd",
    confirm: true,
    capture_method: "manual",
    allowed_payment_method_types: ["card"],
    shared_payment_granted_token: tokenId,
    ...overrides,
  };
}

/** Awaits a rejection and returns it as the SDK's error, so tests can assert on its fields. */
export async function stripeError(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the Stripe call to fail, but it succeeded");
    },
    (reason: unknown) => reason,
  );
  expect(error).toHaveProperty("type");
  return error as Stripe.errors.StripeError;
}
