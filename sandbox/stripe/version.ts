/**
 * The Stripe API version the sandbox requires on every request (`Stripe-Version` header).
 *
 * It is the version stripe-node 23.1.0 pins by default (`Stripe.API_VERSION`), so a client built
 * with `apiVersion: STRIPE_API_VERSION` type-checks against the SDK's own `LatestApiVersion`.
 * `version.test.ts` fails when an SDK upgrade moves the pin, so the two never drift apart silently.
 */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;
