import prisma from "../db.server";
import { checkStripeKey, saveStripeKey } from "../payments/stripe.server";
import { failure, type ActionResult } from "./forms";

/** What the settings page may show about the connection: never the key, only its last four. */
export interface StripeConnection {
  accountId: string;
  last4: string | null;
  livemode: boolean;
  checkedAt: string | null;
}

export async function stripeConnection(shop: string): Promise<StripeConnection | null> {
  const settings = await prisma.shopSettings.findUnique({
    where: { shop },
    select: {
      stripeAccountId: true,
      stripeKeyEncrypted: true,
      stripeKeyLast4: true,
      stripeLivemode: true,
      stripeCheckedAt: true,
    },
  });
  if (!settings?.stripeAccountId || !settings.stripeKeyEncrypted) return null;
  return {
    accountId: settings.stripeAccountId,
    last4: settings.stripeKeyLast4,
    livemode: settings.stripeLivemode ?? false,
    checkedAt: settings.stripeCheckedAt?.toISOString() ?? null,
  };
}

/** Checks the pasted key with Stripe (it must be able to write PaymentIntents), then stores it sealed. */
export async function connectStripe(
  shop: string,
  rawKey: string,
): Promise<ActionResult<{ connection: StripeConnection }>> {
  const key = rawKey.trim();
  if (!key) return failure("connect", { key: "Paste your Stripe secret or restricted key." });
  let check;
  try {
    check = await checkStripeKey(key);
  } catch (error) {
    console.warn(
      JSON.stringify({ level: "warn", msg: "stripe.key_check_failed", shop, error: String(error) }),
    );
    return failure("connect", {}, "Stripe could not be reached to check the key. Try again in a moment.");
  }
  if (!check.ok) return failure("connect", { key: check.message });
  await saveStripeKey(shop, key, check);
  return { ok: true, intent: "connect", connection: (await stripeConnection(shop))! };
}

/** Forgets the key: new checkouts cannot take payment until another is connected. */
export async function disconnectStripe(shop: string): Promise<ActionResult> {
  await prisma.shopSettings.updateMany({
    where: { shop },
    data: {
      stripeAccountId: null,
      stripeKeyEncrypted: null,
      stripeKeyLast4: null,
      stripeLivemode: null,
      stripeCheckedAt: null,
    },
  });
  return { ok: true, intent: "disconnect" };
}
