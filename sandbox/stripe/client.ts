import Stripe from "stripe";
import type { StripeSandbox } from "./server";
import { STRIPE_API_VERSION } from "./version";

/**
 * The official SDK pointed at the sandbox, the way the app builds its client. Retries default to 0
 * so tests see each failure; stripe-node still retries a closed connection once on its own.
 */
export function sandboxStripe(
  sandbox: StripeSandbox,
  apiKey: string,
  config: Stripe.StripeConfig = {},
): Stripe {
  return new Stripe(apiKey, {
    host: sandbox.host,
    port: sandbox.port,
    protocol: "http",
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 0,
    telemetry: false,
    ...config,
  });
}
