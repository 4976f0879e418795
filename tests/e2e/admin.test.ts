import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { buildRequests, paymentHandlerIdFrom, SAMPLE_ADDRESS, SAMPLE_BUYER } from "../../sandbox/agent/buyer";
import { startWebhookReceiver, type WebhookReceiver } from "../../sandbox/agent/webhook-receiver";
import { APP_PERMISSIONS } from "../../sandbox/stripe/accounts";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_API_KEY } from "../support/app-server";
import { itemId } from "../support/catalog";
import { launchBrowser, openAdmin, screenshot, type AdminSession } from "./admin-browser";
import { startIsolatedAppServer } from "./isolated-app";

/**
 * The embedded admin in real Chromium: the sandbox admin page at Shopify's admin address frames
 * the built app, which authenticates with the session token in its URL and then with the
 * sandbox bridge's Bearer tokens. Each test continues from the state the previous one left, as a
 * merchant would set the app up: Stripe, an agent and its key, a fee, a purchase, the orders.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const VERSION = "2026-04-17" as const;
const build = buildRequests(VERSION);
const buyer = SAMPLE_BUYER;
const address = SAMPLE_ADDRESS;

let stack: AcpStack;
let browser: Browser;
let admin: AdminSession;
let receiver: WebhookReceiver | undefined;
let tee: string;
/** The key the merchant made in the admin and gave the agent (the first one is revoked). */
let agentKey: string;
/** A checkout made after the fee was added; the Orders test completes it. */
let feeSession: Json;
/**
 * The merchant's Stripe account and keys. Not the sandbox's DEMO_* keys: their account id
 * `acct_sandbox_demo` has underscores, which the app's reading of Stripe's 403 message
 * (`on account 'acct_[A-Za-z0-9]+'`) does not match, so connecting them fails (reported with
 * issue 7). Real Stripe ids are alphanumeric, like the sandbox's generated ones used here.
 */
let stripeAccount: string;
/** The account's secret test key, pasted once on the test purchase page (the restricted key cannot mint tokens). */
let stripeSecretKey: string;
/** The session the merchant's test purchase completed. */
let testSessionId: string;
let restrictedKey: string;
let keyWithoutPaymentIntentWrite: string;

beforeAll(async () => {
  stack = await startAcpStack({ startApp: startIsolatedAppServer });
  // Start from a store that installed the app and set nothing up yet.
  await stack.db.shopSettings.deleteMany({ where: { shop: stack.shop } });
  await stack.db.agentApiKey.deleteMany({ where: { shop: stack.shop } });
  await stack.db.agent.deleteMany({ where: { shop: stack.shop } });
  tee = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "White", "M");
  const account = stack.stripe.accounts.create({ displayName: "E2E merchant" });
  stripeAccount = account.id;
  stripeSecretKey = account.secretKey;
  restrictedKey = stack.stripe.accounts.createRestrictedKey(stripeAccount, APP_PERMISSIONS);
  keyWithoutPaymentIntentWrite = stack.stripe.accounts.createRestrictedKey(stripeAccount, [
    "rak_payment_intent_read",
    "rak_refund_write",
    "rak_shared_payment_granted_token_read",
  ]);
  browser = await launchBrowser();
  admin = await openAdmin(browser, { sandboxUrl: stack.shopify.url, shop: stack.shop, apiKey: TEST_API_KEY });
});

// A failed step leaves a picture of what the merchant would have seen, and the server's last words.
afterEach(async (context) => {
  if (context.task.result?.state === "fail" && admin) {
    await screenshot(admin.page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(
      () => {},
    );
    console.log(`app server output (tail):\n${stack.app.output().slice(-4000)}`);
  }
});

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await receiver?.close();
  await stack?.stop();
});

/** Follows a link in the admin's sidebar, which the app reported through the bridge. */
async function goTo(label: string, heading: string) {
  await admin.page
    .getByRole("navigation", { name: "Shopify admin" })
    .getByRole("link", { name: label, exact: true })
    .click();
  await admin.app.getByRole("heading", { name: heading, level: 1 }).waitFor();
}

async function stepStatus(step: string): Promise<string | null> {
  return admin.app.locator(`[data-step="${step}"]`).getAttribute("data-status");
}

async function readySession(apiKey: string): Promise<Json> {
  const client = stack.client(VERSION, apiKey);
  const created = await client.createCheckout(
    build.create({ items: [{ id: tee, quantity: 2 }], buyer, address }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const session = created.body as Json;
  const option = (session.fulfillment_options as Json[])[0];
  const ready = await client.updateCheckout(
    session.id,
    build.update({ fulfillmentOptionId: option.id, itemIds: [tee] }),
  );
  expect((ready.body as Json).status).toBe("ready_for_payment");
  return ready.body as Json;
}

const totalOf = (session: Json, type: string) =>
  (session.totals as Json[]).filter((total) => total.type === type);

describe("embedded admin in Chromium", { timeout: 60_000 }, () => {
  it("loads inside the admin with the session token, and the home checklist reflects the store", async () => {
    await admin.app.getByRole("heading", { name: "Agentic Commerce", level: 1 }).waitFor();
    const frameUrl = new URL(admin.page.frame({ url: /127\.0\.0\.1/ })!.url());
    expect(frameUrl.searchParams.get("embedded")).toBe("1");
    expect(frameUrl.searchParams.get("id_token")).toMatch(/^ey/);
    // The app's nav menu appears in the admin's sidebar, as App Bridge puts it there.
    await admin.page.getByRole("link", { name: "Orders from agents" }).waitFor();

    expect(await stepStatus("stripe")).toBe("todo");
    expect(await stepStatus("agent_key")).toBe("todo");
    expect(await stepStatus("policies")).toBe("done");
    expect(await stepStatus("test_purchase")).toBe("todo");
    await screenshot(admin.page, "01-home-new-store");
  });

  it("Settings: a key that cannot write PaymentIntents gets a field error; the restricted key connects", async () => {
    await goTo("Settings", "Settings");
    const key = admin.app.getByLabel("Stripe restricted key");
    await key.fill(keyWithoutPaymentIntentWrite);
    await admin.app.getByRole("button", { name: "Check and connect" }).click();
    await admin.app.getByText("The key must be allowed to write PaymentIntents").waitFor();
    expect(await stack.db.shopSettings.findUnique({ where: { shop: stack.shop } })).toBeNull();

    await key.fill(restrictedKey);
    await admin.app.getByRole("button", { name: "Check and connect" }).click();
    await admin.app.getByText("Stripe connected").waitFor();
    expect(await admin.app.getByTestId("stripe-account").textContent()).toBe(stripeAccount);
    expect(await admin.app.getByTestId("stripe-last4").textContent()).toBe(restrictedKey.slice(-4));
    // The key is sealed in the database and never comes back to the browser.
    expect(await admin.app.locator("html").innerHTML()).not.toContain(restrictedKey);
    expect(await admin.app.getByLabel("Replace with another key").inputValue()).toBe("");
    await screenshot(admin.page, "02-settings-stripe");
  });

  it("Agents: the key is shown once, works at once, and is refused at once after revoking", async () => {
    await goTo("Agents", "Agents");
    await screenshot(admin.page, "03-agents-empty");
    await admin.app.getByRole("button", { name: "Create agent and key" }).click();
    await admin.app.getByText("Enter a name.").waitFor();

    // Keyboard only: type the name and press Enter.
    await admin.app.getByLabel("Agent name").fill("E2E agent");
    await admin.app.getByLabel("Agent name").press("Enter");
    const revealed = admin.app.getByTestId("revealed-secret");
    const firstKey = (await revealed.textContent())!;
    expect(firstKey).toMatch(/^acp_sk_/);
    await screenshot(admin.page, "04-agents-key-once");
    await admin.app.getByRole("button", { name: "Done" }).click();
    await revealed.waitFor({ state: "detached" });
    expect(await admin.app.locator("html").innerHTML()).not.toContain(firstKey);

    const accepted = await stack
      .client(VERSION, firstKey)
      .createCheckout(build.create({ items: [{ id: tee, quantity: 1 }], buyer, address }));
    expect(accepted.status).toBe(201);

    await admin.app.getByRole("button", { name: `Revoke key ${firstKey.slice(0, 13)}` }).click();
    await admin.app.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
    await admin.app.getByText("Key revoked").waitFor();
    const refused = await stack
      .client(VERSION, firstKey)
      .createCheckout(build.create({ items: [{ id: tee, quantity: 1 }], buyer, address }));
    expect(refused.status).toBe(401);

    await admin.app.getByRole("button", { name: "Create another key" }).click();
    agentKey = (await admin.app.getByTestId("revealed-secret").textContent())!;
    expect(agentKey).toMatch(/^acp_sk_/);
    expect(agentKey).not.toBe(firstKey);
    await admin.app.getByRole("button", { name: "Done" }).click();
    await admin.app.getByText("Revoked").waitFor();
    await screenshot(admin.page, "05-agents");
  });

  it("Agent settings: webhook URL, a signing secret shown once, and a signed test event answered 200", async () => {
    await admin.app.getByRole("link", { name: "E2E agent", exact: true }).click();
    await admin.app.getByRole("heading", { name: "E2E agent", level: 1 }).waitFor();

    await admin.app.getByLabel("Webhook URL").fill("http://not a url");
    await admin.app.getByRole("button", { name: "Save", exact: true }).click();
    await admin.app.getByText("Enter an https:// URL.").waitFor();

    await admin.app.getByRole("button", { name: "Generate secret" }).click();
    const secret = (await admin.app.getByTestId("revealed-secret").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await admin.app.getByRole("button", { name: "Done" }).click();

    receiver = await startWebhookReceiver({ version: VERSION, secret });
    await admin.app.getByLabel("Webhook URL").fill(receiver.url);
    await admin.app.getByRole("button", { name: "Save", exact: true }).click();
    await admin.app.getByText("Settings saved").waitFor();

    await admin.app.getByRole("button", { name: "Send test event" }).click();
    await admin.app.getByText("Test event delivered").waitFor();
    expect(await admin.app.getByTestId("test-event-status").textContent()).toContain("HTTP 200");
    const [delivery] = receiver.accepted();
    expect(delivery).toBeDefined();
    expect(await admin.app.locator("html").innerHTML()).not.toContain(secret);
    await screenshot(admin.page, "06-agent-settings");
  });

  it("Fees: the live example updates while typing, and a saved fee appears in a new checkout's totals", async () => {
    await goTo("Fees", "Fees");
    await admin.app.getByLabel("Label").fill("Service fee");
    await admin.app.getByLabel("Amount").fill("2.50");
    // Not saved yet: the example already includes the fee being edited.
    await admin.app.getByTestId("fee-example").getByText("Service fee").waitFor();
    expect(await admin.app.getByTestId("fee-example").textContent()).toContain("$102.50");

    await admin.app.getByLabel("Amount").fill("2.505");
    await admin.app.getByRole("button", { name: "Add fee" }).click();
    await admin.app.getByText("Use at most 2 decimals.").waitFor();
    await admin.app.getByLabel("Amount").fill("2.50");
    await admin.app.getByRole("button", { name: "Add fee" }).click();
    await admin.app.getByText("Fee saved").waitFor();

    // The agent platform takes 10 %; the Orders page reports revenue net of it.
    await admin.app.getByLabel(/^E2E agent \(now 0%\)/).fill("10");
    await admin.app.getByRole("button", { name: "Save platform fee for E2E agent" }).click();
    await admin.app.getByText("Rate saved").waitFor();
    await screenshot(admin.page, "07-fees");

    feeSession = await readySession(agentKey);
    expect(totalOf(feeSession, "fee")).toEqual([
      expect.objectContaining({ display_text: "Service fee", amount: 250 }),
    ]);
  });

  it("Feed: a sync runs with live progress, problems link to the product, the pull URL is shown once and rotates", async () => {
    await goTo("Feed", "Product feed");
    // The app's scheduled reconcile may already have run the first sync; this one is the merchant's.
    const succeeded = admin.app.getByRole("row").filter({ hasText: "Succeeded" });
    const before = await stack.db.feedRun.count({ where: { shop: stack.shop, status: "succeeded" } });
    const syncNow = admin.app.getByRole("button", { name: "Sync now" });
    await expect.poll(() => syncNow.isEnabled(), { timeout: 30_000 }).toBe(true);
    await syncNow.click();
    // The page polls while the sync runs; no reload.
    await expect.poll(() => succeeded.count(), { timeout: 30_000 }).toBeGreaterThan(before);
    const valid = Number(await admin.app.getByTestId("feed-valid").textContent());
    const stored = await stack.db.feedItem.count({ where: { shop: stack.shop, status: "valid" } });
    expect(valid).toBe(stored);
    expect(valid).toBeGreaterThan(0);

    const tab = (await stack.db.feedItem.findFirst({ where: { shop: stack.shop, status: "invalid" } }))
      ? "Invalid"
      : "Excluded";
    await admin.app.getByRole("tab", { name: new RegExp(`^${tab}`) }).click();
    const productLink = admin.app.locator("a[href^='shopify://admin/products/']").first();
    await productLink.waitFor();
    await productLink.click();
    await admin.page
      .getByText(/Shopify admin page \/products\/\d+ is not part of the sandbox admin/)
      .waitFor();

    await admin.app.getByRole("button", { name: "Create pull URL" }).click();
    const url = (await admin.app.getByTestId("revealed-secret").textContent())!;
    expect(url).toMatch(new RegExp(`^${stack.app.url}/feeds/feed_`));
    await admin.app.getByRole("button", { name: "Done" }).click();
    await admin.app.getByTestId("revealed-secret").waitFor({ state: "detached" });
    expect((await fetch(url)).status).toBe(200);
    expect(await admin.app.locator("html").innerHTML()).not.toContain(url);
    await screenshot(admin.page, "10-feed");

    await admin.app.getByRole("button", { name: "Rotate URL" }).click();
    await admin.app.getByRole("dialog").getByRole("button", { name: "Rotate URL" }).click();
    const rotated = (await admin.app.getByTestId("revealed-secret").textContent())!;
    await admin.app.getByRole("button", { name: "Done" }).click();
    expect(rotated).not.toBe(url);
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(rotated)).status).toBe(200);
  });

  it("Test purchase: buys as the built-in agent over the public API, with the fee in its totals, and links the order", async () => {
    await goTo("Test purchase", "Test purchase");
    // The restricted key may not mint test tokens: the run stops there and says what is missing.
    await admin.app.getByRole("button", { name: "Buy as an agent" }).click();
    await admin.app.getByTestId("test-stopped").getByText("Shared payment granted tokens: Write").waitFor();
    expect(await admin.app.locator("li[data-step-status]").count()).toBe(4);

    await admin.app.getByLabel("Stripe test secret key for this purchase (optional)").fill(stripeSecretKey);
    await admin.app.getByRole("button", { name: "Buy as an agent" }).click();
    await admin.app.getByText("Test order placed").waitFor({ timeout: 30_000 });
    testSessionId = (await admin.app.getByTestId("test-session-id").textContent())!;
    const statuses = await admin.app
      .locator("li[data-step-status]")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-step-status")));
    expect(statuses).toEqual(["201", "200", "200", "200", "200"]);
    // The merchant's fee is in the totals the app answered to the test agent.
    await admin.app.getByText("Request and response").nth(2).click();
    const chosen = (await admin.app.locator("li[data-step-status]").nth(2).textContent())!;
    expect(chosen).toContain('"display_text": "Service fee"');
    expect(chosen).toContain('"amount": 250');
    // No secret reaches the page: the agent key, the pasted Stripe key, the payment token.
    const html = await admin.app.locator("html").innerHTML();
    expect(html).not.toMatch(/acp_sk_[A-Za-z0-9]/);
    expect(html).not.toContain(stripeSecretKey);
    expect(html).not.toMatch(/spt_[A-Za-z0-9]/);
    expect(
      await admin.app.getByLabel("Stripe test secret key for this purchase (optional)").inputValue(),
    ).toBe("");

    const completion = await stack.db.completion.findUniqueOrThrow({ where: { sessionId: testSessionId } });
    const orderLink = admin.app.getByRole("link", { name: /^Open order .* in Shopify$/ });
    expect(await orderLink.getAttribute("href")).toBe(
      `shopify://admin/orders/${completion.shopifyOrderId!.split("/").pop()}`,
    );
    await screenshot(admin.page, "07b-test-purchase");
    // The test agent's key was revoked when the run ended.
    expect(
      await stack.db.agentApiKey.count({
        where: { shop: stack.shop, agentId: completion.agentId, revokedAt: null },
      }),
    ).toBe(0);
  });

  it("Orders: a purchase completed through ACP is listed with its events, in the funnel and in revenue", async () => {
    const session = feeSession;
    const total = totalOf(session, "total")[0].amount as number;
    const token = stack.stripe.grantSharedPaymentToken(stripeAccount, {
      maxAmount: total,
      currency: "usd",
    });
    const completed = await stack
      .client(VERSION, agentKey)
      .completeCheckout(
        session.id,
        build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) ?? undefined }),
      );
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    await receiver!.waitFor(
      (delivery) => delivery.accepted && JSON.stringify(delivery.body).includes(session.id),
    );

    await goTo("Orders from agents", "Orders from agents");
    const row = admin.app.getByRole("row").filter({ hasText: session.id });
    await row.waitFor();
    expect(await row.textContent()).toContain("Completed");
    expect(await row.textContent()).toContain("order_create");
    expect(await row.textContent()).toContain("delivered");
    // The test purchase is in the list and the funnel, marked as a test; the built-in agent pays no platform fee.
    const testRow = admin.app.getByRole("row").filter({ hasText: testSessionId });
    // (Polaris prefixes the badge's text with its tone for screen readers: "Info".)
    expect(await testRow.textContent()).toMatch(/Test purchases \(admin\)(Info)?Test/);
    const testTotal = (await stack.db.completion.findUniqueOrThrow({ where: { sessionId: testSessionId } }))
      .amount;
    const net = total - Math.floor((total * 1000 + 5000) / 10000) + testTotal;
    expect(await admin.app.getByTestId("revenue-net").textContent()).toBe(`$${(net / 100).toFixed(2)}`);
    // Two sessions by this agent (the one made with the since revoked key, and this one) and the two
    // test runs (the one stopped at the payment token, and the purchase).
    await admin.app
      .getByRole("figure", { name: /Sessions created: 4, Ready for payment: 3, Completed: 2/ })
      .waitFor();
    await admin.app
      .getByRole("figure", {
        name: /Test purchases \(admin\) \(test\): created 2, ready for payment 2, completed 1, canceled 0/,
      })
      .waitFor();
    await admin.app.locator('[data-testid="agent-funnel-chart"][data-chart="drawn"] svg').first().waitFor();
    await screenshot(admin.page, "08-orders");
  });

  it("keeps working after the one-minute session token expires: the bridge asks the admin for a new one", async () => {
    const frame = admin.page.frame({ url: /127\.0\.0\.1/ })!;
    const tokenRequests: string[] = [];
    admin.page.on("request", (request) => {
      if (request.url().endsWith("/admin/apps/_session-token")) tokenRequests.push(request.url());
    });
    // Two minutes later, as the browser sees it: the token from the iframe URL has expired.
    await frame.evaluate(() => {
      const realNow = Date.now;
      Date.now = () => realNow() + 120_000;
    });
    await goTo("Agentic Commerce", "Agentic Commerce");
    expect(tokenRequests.length).toBeGreaterThan(0);
  });

  it("Home: the checklist shows what was set up", async () => {
    // The admin's address follows the app, so a reload comes back to the page the merchant was on.
    await goTo("Orders from agents", "Orders from agents");
    await admin.page.reload();
    await admin.app.getByRole("heading", { name: "Orders from agents", level: 1 }).waitFor();
    await goTo("Agentic Commerce", "Agentic Commerce");
    expect(await stepStatus("stripe")).toBe("done");
    expect(await stepStatus("agent_key")).toBe("done");
    expect(await stepStatus("policies")).toBe("done");
    expect(await stepStatus("feed")).toBe("done");
    expect(await stepStatus("test_purchase")).toBe("done");
    await screenshot(admin.page, "11-home-set-up");
  });

  it("saw no browser errors and sent nothing off the machine but blocked third-party requests", async () => {
    expect(admin.problems).toEqual([]);
    for (const url of admin.blocked) expect(new URL(url).hostname).not.toBe("127.0.0.1");
  });
});
