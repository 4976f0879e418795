import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { encryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import { testAgentId } from "../../app/admin/test-agent";
import { DEMO_RESTRICTED_KEY, DEMO_SECRET_KEY } from "../../sandbox/stripe/accounts";
import { mintSessionToken } from "../../sandbox/shopify-admin/admin-host";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_API_KEY, TEST_API_SECRET, TEST_ENCRYPTION_KEYS } from "../support/app-server";
import { BROWSER_UA } from "./admin-browser";

/**
 * "Buy as an agent" over HTTP: the admin action runs the real ACP flow against the app's own public
 * endpoints, pays with a Stripe test-mode token, and refuses without Stripe or in live mode.
 */

const EU_SHOP = "acp-eu.myshopify.com";
let stack: AcpStack;

beforeAll(async () => {
  stack = await startAcpStack();
  // The test purchase buys from the feed: run the shop's first sync as the Feed page would.
  await adminAction("/app/feed", stack.shop, { intent: "sync" });
  await vi.waitFor(
    async () =>
      expect(await stack.db.feedItem.count({ where: { shop: stack.shop, status: "valid" } })).toBeGreaterThan(
        0,
      ),
    { timeout: 60_000, interval: 200 },
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

function adminAction(route: string, shop: string, form: Record<string, string>) {
  return fetch(`${stack.app.url}${route}.data`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${mintSessionToken({ shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, now: new Date() })}`,
      "User-Agent": BROWSER_UA,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form),
  });
}

function adminLoader(route: string, shop: string) {
  const token = mintSessionToken({ shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, now: new Date() });
  return fetch(`${stack.app.url}${route}`, {
    headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER_UA },
  });
}

describe("test purchase (buy as an agent)", { timeout: 60_000 }, () => {
  it("refuses clearly when Stripe is not connected, and when it is connected in live mode", async () => {
    const missing = await adminAction("/app/test-purchase", EU_SHOP, { intent: "buy" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Connect your Stripe account in Settings first");

    await stack.db.shopSettings.create({
      data: {
        shop: EU_SHOP,
        stripeAccountId: "acct_1LiveMerchant",
        stripeKeyEncrypted: encryptSecret("rk_live_00000000000000000000", parseKeyRing(TEST_ENCRYPTION_KEYS)),
        stripeKeyLast4: "0000",
        stripeLivemode: true,
      },
    });
    const live = await adminAction("/app/test-purchase", EU_SHOP, { intent: "buy" });
    expect(live.status).toBe(400);
    expect(await live.text()).toContain("connected with a live key");
    expect(await stack.db.checkoutSession.count({ where: { shop: EU_SHOP } })).toBe(0);
    expect(await stack.db.agent.count({ where: { shop: EU_SHOP } })).toBe(0);
  });

  it("stops at the payment token when the restricted key may not mint one, and says which permission is missing", async () => {
    const response = await adminAction("/app/test-purchase", stack.shop, { intent: "buy" });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("Shared payment granted tokens: Write");
    expect(text).toContain("ready_for_payment");
    expect(text).not.toMatch(/acp_sk_[A-Za-z0-9]/);
    expect(text).not.toContain(DEMO_RESTRICTED_KEY);
    // The run's key was issued to the shop's test agent and revoked when the run ended.
    const keys = await stack.db.agentApiKey.findMany({
      where: { shop: stack.shop, agentId: testAgentId(stack.shop) },
    });
    expect(keys).toHaveLength(1);
    expect(keys[0].revokedAt).not.toBeNull();
  });

  it("a key of another Stripe account is refused before anything is bought", async () => {
    const other = stack.stripe.accounts.create({ displayName: "Someone else" });
    const response = await adminAction("/app/test-purchase", stack.shop, {
      intent: "buy",
      stripeTestKey: other.secretKey,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("belongs to another Stripe account");
  });

  it("runs create, address, shipping, token and complete over HTTP and ends in a Shopify order marked as a test", async () => {
    const before = await stack.db.checkoutSession.count({ where: { shop: stack.shop } });
    const response = await adminAction("/app/test-purchase", stack.shop, {
      intent: "buy",
      quantity: "2",
      stripeTestKey: DEMO_SECRET_KEY,
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("outcome");
    expect(text).not.toContain(DEMO_SECRET_KEY);
    expect(text).not.toMatch(/acp_sk_[A-Za-z0-9]/);
    expect(text).not.toMatch(/spt_[A-Za-z0-9]/);
    for (const path of [
      "/checkout_sessions",
      "/complete",
      "/v1/test_helpers/shared_payment/granted_tokens",
    ]) {
      expect(text).toContain(path);
    }

    const session = await stack.db.checkoutSession.findFirstOrThrow({
      where: { shop: stack.shop, agentId: testAgentId(stack.shop), status: "completed" },
    });
    expect(await stack.db.checkoutSession.count({ where: { shop: stack.shop } })).toBe(before + 1);
    const completion = await stack.db.completion.findUniqueOrThrow({ where: { sessionId: session.id } });
    expect(completion.shopifyOrderId).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    expect(text).toContain(session.id);
    expect(text).toContain(completion.shopifyOrderId!.split("/").pop()!);
    const keys = await stack.db.agentApiKey.findMany({
      where: { shop: stack.shop, agentId: testAgentId(stack.shop) },
    });
    expect(keys.every((key) => key.revokedAt !== null)).toBe(true);

    // Orders: the test purchase is in the funnel and the list, marked as a test.
    const orders = await (await adminLoader("/app/orders.data?period=all", stack.shop)).text();
    expect(orders).toContain(session.id);
    expect(orders).toContain("Test purchases (admin)");
    // Home: the checklist's test purchase step is done and names it.
    const home = await (await adminLoader("/app.data?index", stack.shop)).text();
    expect(home).toContain(`Test purchase ${session.id} completed`);
    // The test agent is not an agent the merchant manages.
    const agents = await (await adminLoader("/app/agents.data?index", stack.shop)).text();
    expect(agents).not.toContain(testAgentId(stack.shop));
  });

  it("another shop never sees this shop's test purchases", async () => {
    const orders = await (await adminLoader("/app/orders.data?period=all", EU_SHOP)).text();
    expect(orders).not.toContain("Test purchases (admin)");
    const page = await (await adminLoader("/app/test-purchase.data", EU_SHOP)).text();
    expect(page).not.toMatch(/cs_[A-Za-z0-9]/);
  });
});
