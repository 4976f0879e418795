import prisma from "../db.server";
import { adminGraphql } from "../shopify/admin.server";
import { lastSucceededFullSync, runningFullSync } from "./feed.server";
import { testAgentId } from "./test-agent";

/**
 * The home checklist, computed from real state each time the page loads (never stored, so it
 * cannot drift): Stripe connected, an agent key, the shop's legal policies, the first feed sync,
 * a completed purchase. Every query is scoped by `shop`.
 */

export type StepStatus = "done" | "todo" | "unknown";

export interface OnboardingStep {
  id: "stripe" | "agent_key" | "policies" | "feed" | "test_purchase";
  title: string;
  status: StepStatus;
  detail: string;
  action: { label: string; url: string };
}

/** The policies agents link buyers to (ACP `links`), by Admin API `ShopPolicyType`. */
export const REQUIRED_POLICIES = {
  TERMS_OF_SERVICE: "Terms of service",
  PRIVACY_POLICY: "Privacy policy",
  REFUND_POLICY: "Refund policy",
  SHIPPING_POLICY: "Shipping policy",
} as const;

const SHOP_POLICIES = `#graphql
  query AdminShopPolicies {
    shop {
      shopPolicies {
        type
        body
        url
      }
    }
  }
`;

/** Where a merchant writes policies in the Shopify admin (App Bridge resolves `shopify://admin`). */
const POLICIES_ADMIN_URL = "shopify://admin/settings/legal";

export async function policyStatus(
  shop: string,
): Promise<{ missing: string[]; present: string[] } | { error: string }> {
  try {
    const data = await adminGraphql<{ shop: { shopPolicies: { type: string; body: string }[] } }>(
      shop,
      SHOP_POLICIES,
    );
    const written = new Set(
      data.shop.shopPolicies.filter((policy) => policy.body.trim() !== "").map((policy) => policy.type),
    );
    const entries = Object.entries(REQUIRED_POLICIES);
    return {
      missing: entries.filter(([type]) => !written.has(type)).map(([, title]) => title),
      present: entries.filter(([type]) => written.has(type)).map(([, title]) => title),
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export async function onboardingSteps(shop: string): Promise<OnboardingStep[]> {
  const [settings, activeKeys, policies, completed, testCompleted] = await Promise.all([
    prisma.shopSettings.findUnique({
      where: { shop },
      select: { stripeAccountId: true, stripeKeyLast4: true, stripeKeyEncrypted: true, stripeLivemode: true },
    }),
    // The test agent's keys live for one run; they are not keys the merchant gave an agent.
    prisma.agentApiKey.count({ where: { shop, revokedAt: null, NOT: { agentId: testAgentId(shop) } } }),
    policyStatus(shop),
    prisma.checkoutSession.findFirst({
      where: { shop, status: "completed" },
      orderBy: { completedAt: "desc" },
      select: { id: true, completedAt: true },
    }),
    prisma.checkoutSession.findFirst({
      where: { shop, status: "completed", agentId: testAgentId(shop) },
      orderBy: { completedAt: "desc" },
      select: { id: true, completedAt: true },
    }),
  ]);

  const stripeConnected = Boolean(settings?.stripeAccountId && settings.stripeKeyEncrypted);
  const steps: OnboardingStep[] = [
    {
      id: "stripe",
      title: "Connect your Stripe account",
      status: stripeConnected ? "done" : "todo",
      detail: stripeConnected
        ? `Payments go to ${settings!.stripeAccountId} (${settings!.stripeLivemode ? "live" : "test"} key ending ${settings!.stripeKeyLast4}).`
        : "Buyers pay on your own Stripe account: paste a restricted key.",
      action: { label: stripeConnected ? "Manage" : "Connect Stripe", url: "/app/settings" },
    },
    {
      id: "agent_key",
      title: "Create an API key for an agent",
      status: activeKeys > 0 ? "done" : "todo",
      detail:
        activeKeys > 0
          ? `${activeKeys} active ${activeKeys === 1 ? "key" : "keys"}.`
          : "Agents call the checkout API with a key you give them.",
      action: { label: activeKeys > 0 ? "Manage agents" : "Create a key", url: "/app/agents" },
    },
    "error" in policies
      ? {
          id: "policies",
          title: "Publish your store policies",
          status: "unknown",
          detail: `Could not read your policies from Shopify: ${policies.error}`,
          action: { label: "Open policies", url: POLICIES_ADMIN_URL },
        }
      : {
          id: "policies",
          title: "Publish your store policies",
          status: policies.missing.length === 0 ? "done" : "todo",
          detail:
            policies.missing.length === 0
              ? "Terms, privacy, refund and shipping policies are published; agents show them to buyers."
              : `Missing: ${policies.missing.join(", ")}. Agents link buyers to these.`,
          action: {
            label: policies.missing.length === 0 ? "Open policies" : "Add policies",
            url: POLICIES_ADMIN_URL,
          },
        },
    await feedStep(shop),
    {
      id: "test_purchase",
      title: "Make a test purchase",
      // Any completed purchase proves the path works; a test one is named as such.
      status: testCompleted || completed ? "done" : "todo",
      detail: testCompleted
        ? `Test purchase ${testCompleted.id} completed on ${testCompleted.completedAt?.toISOString().slice(0, 10)}.`
        : completed
          ? `Last completed purchase: ${completed.id} on ${completed.completedAt?.toISOString().slice(0, 10)}.`
          : "Buy something as an agent would, to see the order arrive in Shopify.",
      action: {
        label: testCompleted || completed ? "Buy again" : "Buy as an agent",
        url: "/app/test-purchase",
      },
    },
  ];
  return steps;
}

async function feedStep(shop: string): Promise<OnboardingStep> {
  const [done, running] = await Promise.all([lastSucceededFullSync(shop), runningFullSync(shop)]);
  const action = { label: done ? "Open feed" : "Sync the feed", url: "/app/feed" };
  if (done) {
    return {
      id: "feed",
      title: "Sync your product feed",
      status: "done",
      detail: `Last sync: ${done.valid} items agents can sell, ${done.invalid} invalid, ${done.excluded} excluded.`,
      action,
    };
  }
  return {
    id: "feed",
    title: "Sync your product feed",
    status: "todo",
    detail: running
      ? `The first sync is running (${running.done}${running.total ? ` of ${running.total}` : ""} products).`
      : "Publish your catalog so agents can find and buy your products.",
    action,
  };
}
