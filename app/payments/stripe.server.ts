import Stripe from "stripe";
import prisma from "../db.server";
import { env } from "../env.server";
import { decryptSecret, encryptSecret } from "../lib/crypto.server";

/**
 * Pinned Stripe API version: the one stripe-node 23.1.0 is built for. Upgrading it is a
 * deliberate change (the sandbox refuses any other version).
 */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

/** A Stripe client acting on one merchant's own account (they stay merchant of record). */
export function stripeClient(secretKey: string): Stripe {
  const config = env();
  const sandbox = config.ACP_SANDBOX && config.SANDBOX_STRIPE_URL ? new URL(config.SANDBOX_STRIPE_URL) : null;
  return new Stripe(secretKey, {
    apiVersion: STRIPE_API_VERSION,
    // Retries reuse the same Idempotency-Key, so they can never charge twice.
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(sandbox
      ? {
          host: sandbox.hostname,
          port: Number(sandbox.port),
          protocol: sandbox.protocol.replace(":", "") as "http",
        }
      : {}),
  });
}

export class PaymentsNotConfiguredError extends Error {}

export async function stripeForShop(shop: string): Promise<{ stripe: Stripe; accountId: string }> {
  const settings = await prisma.shopSettings.findUnique({ where: { shop } });
  if (!settings?.stripeKeyEncrypted || !settings.stripeAccountId) {
    throw new PaymentsNotConfiguredError("The merchant has not connected a Stripe account");
  }
  return {
    stripe: stripeClient(decryptSecret(settings.stripeKeyEncrypted)),
    accountId: settings.stripeAccountId,
  };
}

export type StripeKeyCheck =
  | { ok: true; accountId: string; livemode: boolean }
  | { ok: false; reason: "format" | "invalid" | "missing_permission"; message: string };

/**
 * Checks a merchant's key before storing it: it must authenticate, name the account, and be
 * allowed to create PaymentIntents. The write permission is probed with a request Stripe rejects
 * as invalid *after* its permission check (amount 0), so nothing is created.
 */
export async function checkStripeKey(key: string): Promise<StripeKeyCheck> {
  if (!/^(sk|rk)_(test|live)_[A-Za-z0-9_]{10,}$/.test(key)) {
    return { ok: false, reason: "format", message: "Paste a secret (sk_…) or restricted (rk_…) Stripe key." };
  }
  const stripe = stripeClient(key);
  let accountId: string | null = null;
  try {
    accountId = (await stripe.accounts.retrieveCurrent()).id;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeAuthenticationError) {
      return { ok: false, reason: "invalid", message: "Stripe did not accept this key." };
    }
    if (!(error instanceof Stripe.errors.StripePermissionError)) throw error;
    // Restricted keys may not read the account, but Stripe names it in the refusal.
    accountId = /on account '(acct_\w+)'/.exec(error.message)?.[1] ?? null;
  }
  if (!accountId) {
    return { ok: false, reason: "invalid", message: "Stripe did not say which account this key belongs to." };
  }
  try {
    await stripe.paymentIntents.create({ amount: 0, currency: "usd" });
  } catch (error) {
    if (error instanceof Stripe.errors.StripePermissionError) {
      return {
        ok: false,
        reason: "missing_permission",
        message: "The key must be allowed to write PaymentIntents (PaymentIntents: Write).",
      };
    }
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
  }
  return { ok: true, accountId, livemode: key.includes("_live_") };
}

/** Stores a checked key, encrypted; only its last four characters are ever shown again. */
export async function saveStripeKey(shop: string, key: string, check: Extract<StripeKeyCheck, { ok: true }>) {
  const data = {
    stripeAccountId: check.accountId,
    stripeKeyEncrypted: encryptSecret(key),
    stripeKeyLast4: key.slice(-4),
    stripeLivemode: check.livemode,
    stripeCheckedAt: new Date(),
  };
  await prisma.shopSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}
