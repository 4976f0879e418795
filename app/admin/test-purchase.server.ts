import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import prisma from "../db.server";
import { LATEST_ACP_VERSION } from "../acp/version-adapter";
import { storedRowTitle } from "../catalog/feed-store.server";
import { issueApiKey, revokeApiKey } from "../agents/keys.server";
import { env } from "../env.server";
import { decryptSecret } from "../lib/crypto.server";
import { STRIPE_API_VERSION, stripeClient } from "../payments/stripe.server";
import { failure, type ActionResult } from "./forms";
import { TEST_AGENT_NAME, testAgentId } from "./test-agent";
import { SAMPLE_ADDRESS, SAMPLE_BUYER } from "./test-purchase";

/**
 * "Buy as an agent" (docs/decisions/013): the app calls its own public ACP endpoints over HTTP as a
 * dedicated test agent of the shop, pays with a Shared Payment Token minted in Stripe test mode,
 * and reports every request and response. The test agent's key is issued for one run and revoked
 * when it ends; it never leaves the server.
 */

export interface TestProduct {
  itemId: string;
  title: string;
  currency: string;
}

export interface TestPurchaseReadiness {
  stripe: { connected: false } | { connected: true; livemode: boolean; accountId: string };
  products: TestProduct[];
  lastTestOrder: {
    sessionId: string;
    completedAt: string;
    orderLegacyId: string | null;
    orderName: string | null;
  } | null;
}

const PRODUCT_CHOICES = 50;

/** What the page needs before a run: Stripe's mode, products agents can buy, the last test order. */
export async function testPurchaseReadiness(shop: string): Promise<TestPurchaseReadiness> {
  const [settings, items, last] = await Promise.all([
    prisma.shopSettings.findUnique({
      where: { shop },
      select: { stripeAccountId: true, stripeKeyEncrypted: true, stripeLivemode: true },
    }),
    prisma.feedItem.findMany({
      where: { shop, status: "valid" },
      orderBy: [{ productId: "asc" }, { itemId: "asc" }],
      take: PRODUCT_CHOICES * 4,
      select: { itemId: true, currency: true, row: true },
    }),
    prisma.checkoutSession.findFirst({
      where: { shop, agentId: testAgentId(shop), status: "completed" },
      orderBy: { completedAt: "desc" },
      select: { id: true, completedAt: true },
    }),
  ]);
  const products: TestProduct[] = [];
  for (const item of preferSampleCurrency(items)) {
    if (products.length >= PRODUCT_CHOICES) break;
    if (products.some((product) => product.itemId === item.itemId)) continue; // one row per market
    products.push({
      itemId: item.itemId,
      title: storedRowTitle(item.row) ?? item.itemId,
      currency: (item.currency ?? "usd").toLowerCase(),
    });
  }
  let lastTestOrder: TestPurchaseReadiness["lastTestOrder"] = null;
  if (last?.completedAt) {
    const completion = await prisma.completion.findFirst({
      where: { shop, sessionId: last.id },
      select: { shopifyOrderId: true, shopifyOrderName: true },
    });
    lastTestOrder = {
      sessionId: last.id,
      completedAt: last.completedAt.toISOString(),
      orderLegacyId: completion?.shopifyOrderId?.split("/").pop() ?? null,
      orderName: completion?.shopifyOrderName ?? null,
    };
  }
  return {
    stripe:
      settings?.stripeAccountId && settings.stripeKeyEncrypted
        ? { connected: true, livemode: settings.stripeLivemode ?? false, accountId: settings.stripeAccountId }
        : { connected: false },
    products,
    lastTestOrder,
  };
}

/**
 * The sample address is in the US, so an item's USD row (its US market) comes first (a stable
 * sort keeps the product order); a shop that does not sell in USD buys in its first market's.
 */
function preferSampleCurrency<T extends { currency: string | null }>(rows: T[]): T[] {
  // A row without a currency is in the shop's own currency (a shop with one market).
  const usd = (row: T) => (row.currency === null ? 1 : row.currency.toLowerCase() === "usd" ? 2 : 0);
  return [...rows].sort((a, b) => usd(b) - usd(a));
}

/** One HTTP exchange of the run, as the page shows it. Secrets are replaced before it is made. */
export interface TraceStep {
  title: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: unknown;
  status: number | null;
  responseHeaders: Record<string, string>;
  responseBody: unknown;
  durationMs: number;
  error: string | null;
}

export interface TestPurchaseOutcome {
  steps: TraceStep[];
  sessionId: string | null;
  order: {
    id: string | null;
    legacyId: string | null;
    name: string | null;
    permalinkUrl: string | null;
  } | null;
  /** Why the run stopped before an order, in the merchant's words. */
  stoppedBecause: string | null;
}

type Json = Record<string, unknown>;

const HIDDEN = "(hidden)";
const CALL_TIMEOUT_MS = 30_000;
/** Response headers worth showing; the rest (dates, CSP, connection) are noise for this page. */
const SHOWN_RESPONSE_HEADERS = [
  "content-type",
  "api-version",
  "idempotency-key",
  "idempotent-replayed",
  "request-id",
  "retry-after",
  "location",
];

export async function runTestPurchase(
  shop: string,
  values: { itemId?: string; quantity?: string; stripeTestKey?: string },
): Promise<ActionResult<{ outcome: TestPurchaseOutcome }>> {
  const settings = await prisma.shopSettings.findUnique({
    where: { shop },
    select: { stripeAccountId: true, stripeKeyEncrypted: true, stripeLivemode: true },
  });
  if (!settings?.stripeAccountId || !settings.stripeKeyEncrypted) {
    return failure(
      "buy",
      {},
      "Connect your Stripe account in Settings first: the test order is paid through it.",
    );
  }
  if (settings.stripeLivemode) {
    return failure(
      "buy",
      {},
      "Your Stripe account is connected with a live key. A test purchase would charge a real card, so it only runs with a test-mode key (sk_test_… or rk_test_…).",
    );
  }
  const pastedKey = (values.stripeTestKey ?? "").trim();
  if (pastedKey && !/^(sk|rk)_test_[A-Za-z0-9_]{10,}$/.test(pastedKey)) {
    return failure("buy", { stripeTestKey: "Paste a test-mode key (sk_test_… or rk_test_…)." });
  }
  const quantity = Number(values.quantity ?? "1");
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 10) {
    return failure("buy", { quantity: "Choose a quantity from 1 to 10." });
  }
  const rows = await prisma.feedItem.findMany({
    where: { shop, status: "valid", ...(values.itemId ? { itemId: values.itemId } : {}) },
    orderBy: [{ productId: "asc" }, { itemId: "asc" }],
    take: PRODUCT_CHOICES * 4,
    select: { itemId: true, currency: true },
  });
  // The item the page offered first (or the one chosen), in the currency the page named.
  const item = preferSampleCurrency(rows)[0];
  if (!item) {
    return failure(
      "buy",
      values.itemId ? { itemId: "This product is not in your feed (any more)." } : {},
      values.itemId ? undefined : "Your feed has no product agents can buy yet: sync the feed first.",
    );
  }

  const paymentKey = pastedKey || decryptSecret(settings.stripeKeyEncrypted);
  if (pastedKey) {
    // The token must be granted on the account the app charges, or completion would fail later.
    let accountId: string | null = null;
    try {
      accountId = (await stripeClient(pastedKey).accounts.retrieveCurrent()).id;
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripePermissionError)) {
        return failure("buy", { stripeTestKey: "Stripe did not accept this key." });
      }
      accountId = /on account '(acct_\w+)'/.exec(error.message)?.[1] ?? null;
    }
    if (accountId !== settings.stripeAccountId) {
      return failure("buy", {
        stripeTestKey: `This key belongs to another Stripe account than the connected one (${settings.stripeAccountId}).`,
      });
    }
  }

  const agentId = await ensureTestAgent(shop);
  const issued = await issueApiKey(shop, agentId, `Test purchase ${new Date().toISOString()}`);
  try {
    const outcome = await buy(shop, {
      apiKey: issued.key,
      itemId: item.itemId,
      quantity,
      currency: (item.currency ?? "usd").toLowerCase(),
      paymentKey,
    });
    return { ok: true, intent: "buy", outcome };
  } finally {
    // One key per run: nothing usable outlives the purchase.
    await revokeApiKey(shop, issued.id);
  }
}

/** Creates (or restores) the shop's test agent; its id is fixed per shop. */
async function ensureTestAgent(shop: string): Promise<string> {
  const id = testAgentId(shop);
  await prisma.agent.upsert({
    where: { id },
    create: { id, shop, name: TEST_AGENT_NAME },
    update: { deletedAt: null },
  });
  return id;
}

async function buy(
  shop: string,
  input: { apiKey: string; itemId: string; quantity: number; currency: string; paymentKey: string },
): Promise<TestPurchaseOutcome> {
  const base = env().SHOPIFY_APP_URL.replace(/\/$/, "");
  const steps: TraceStep[] = [];
  const outcome: TestPurchaseOutcome = { steps, sessionId: null, order: null, stoppedBecause: null };
  const acp = (title: string, method: string, path: string, body?: unknown, secretsInBody: string[] = []) =>
    call(steps, title, `${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${input.apiKey}`,
        "API-Version": LATEST_ACP_VERSION,
        "Request-Id": `req_${randomUUID()}`,
        ...(body === undefined
          ? {}
          : { "Content-Type": "application/json", "Idempotency-Key": randomUUID() }),
      },
      body,
      secrets: [input.apiKey, ...secretsInBody],
    });

  const created = await acp("Create the checkout session", "POST", "/checkout_sessions", {
    currency: input.currency,
    capabilities: { interventions: { supported: [] } },
    line_items: [{ id: input.itemId, quantity: input.quantity }],
    buyer: SAMPLE_BUYER,
  });
  if (created.status !== 201) return stop(outcome, "The checkout could not be created; see the response.");
  const sessionId = String((created.body as Json).id);
  outcome.sessionId = sessionId;
  const path = `/checkout_sessions/${encodeURIComponent(sessionId)}`;

  const addressed = await acp("Add the sample shipping address", "POST", path, {
    fulfillment_details: {
      name: SAMPLE_ADDRESS.name,
      email: SAMPLE_BUYER.email,
      phone_number: SAMPLE_BUYER.phone_number,
      address: SAMPLE_ADDRESS,
    },
  });
  if (addressed.status !== 200) return stop(outcome, "The address was refused; see the response.");
  const option = ((addressed.body as Json).fulfillment_options as Json[] | undefined)?.[0];
  if (!option) {
    return stop(
      outcome,
      "Your store offers no shipping to the sample address (Cupertino, CA, US) for this product.",
    );
  }

  const chosen = await acp("Choose the first fulfillment option", "POST", path, {
    selected_fulfillment_options: [
      { type: option.type ?? "shipping", option_id: option.id, item_ids: [input.itemId] },
    ],
  });
  const ready = chosen.body as Json;
  if (chosen.status !== 200 || ready.status !== "ready_for_payment") {
    return stop(outcome, "The session is not ready for payment; its messages say why.");
  }
  const total = (ready.totals as Json[]).find((line) => line.type === "total")?.amount as number;
  const handlerId =
    (
      (ready.capabilities as Json | undefined)?.payment as
        | { handlers?: { id: string; name: string }[] }
        | undefined
    )?.handlers?.find((handler) => handler.name === "dev.acp.tokenized.card")?.id ?? "card_tokenized";

  const token = await grantTestToken(steps, input.paymentKey, {
    amount: total,
    currency: String(ready.currency),
  });
  if (!token) {
    return stop(
      outcome,
      "Stripe did not grant a test payment token. A restricted key needs the permission “Shared payment granted tokens: Write” for test purchases; or paste your test secret key below (used for this purchase only, never stored).",
    );
  }

  const completed = await acp(
    "Complete with the test payment token",
    "POST",
    `${path}/complete`,
    {
      buyer: SAMPLE_BUYER,
      payment_data: {
        handler_id: handlerId,
        instrument: { type: "card", credential: { type: "spt", token } },
      },
    },
    [token],
  );
  const done = completed.body as Json;
  if (completed.status !== 200 && completed.status !== 201) {
    return stop(outcome, "The purchase did not complete; see the response.");
  }
  if (done.status !== "completed") {
    return stop(outcome, "The purchase did not complete; see the response's messages.");
  }
  const wireOrder = (done.order ?? {}) as Json;
  const completion = await prisma.completion.findFirst({
    where: { shop, sessionId },
    select: { shopifyOrderId: true, shopifyOrderName: true },
  });
  outcome.order = {
    id: completion?.shopifyOrderId ?? (typeof wireOrder.id === "string" ? wireOrder.id : null),
    legacyId: completion?.shopifyOrderId?.split("/").pop() ?? null,
    name: completion?.shopifyOrderName ?? null,
    permalinkUrl: typeof wireOrder.permalink_url === "string" ? wireOrder.permalink_url : null,
  };
  return outcome;
}

function stop(outcome: TestPurchaseOutcome, reason: string): TestPurchaseOutcome {
  outcome.stoppedBecause = reason;
  return outcome;
}

/**
 * Mints a Shared Payment Token for exactly `amount` on the connected account with Stripe's test
 * helper (test mode only; the Stripe stand-in offers the same endpoint), as the agent's payment
 * provider would grant one to the merchant.
 */
async function grantTestToken(
  steps: TraceStep[],
  key: string,
  limits: { amount: number; currency: string },
): Promise<string | null> {
  const config = env();
  const stripeBase =
    config.ACP_SANDBOX && config.SANDBOX_STRIPE_URL ? config.SANDBOX_STRIPE_URL : "https://api.stripe.com";
  const form = new URLSearchParams({
    payment_method: "pm_card_visa",
    "usage_limits[currency]": limits.currency,
    "usage_limits[max_amount]": String(limits.amount),
    "usage_limits[expires_at]": String(Math.floor(Date.now() / 1000) + 3600),
  });
  const response = await call(
    steps,
    "Stripe: grant a test Shared Payment Token",
    `${stripeBase.replace(/\/$/, "")}/v1/test_helpers/shared_payment/granted_tokens`,
    {
      method: "POST",
      headers: {
        Authorization: `Bearer ${key}`,
        "Stripe-Version": STRIPE_API_VERSION,
        "Content-Type": "application/x-www-form-urlencoded",
        "Idempotency-Key": randomUUID(),
      },
      body: form,
      secrets: [key],
    },
  );
  const id = (response.body as Json | undefined)?.id;
  if (response.status !== 200 || typeof id !== "string") return null;
  hideInTrace(steps.at(-1)!, [id]);
  return id;
}

async function call(
  steps: TraceStep[],
  title: string,
  url: string,
  request: { method: string; headers: Record<string, string>; body?: unknown; secrets: string[] },
): Promise<{ status: number | null; body: unknown }> {
  const encoded =
    request.body === undefined
      ? undefined
      : request.body instanceof URLSearchParams
        ? request.body.toString()
        : JSON.stringify(request.body);
  const step: TraceStep = {
    title,
    method: request.method,
    url,
    requestHeaders: { ...request.headers },
    requestBody:
      request.body instanceof URLSearchParams ? Object.fromEntries(request.body) : (request.body ?? null),
    status: null,
    responseHeaders: {},
    responseBody: null,
    durationMs: 0,
    error: null,
  };
  steps.push(step);
  const started = performance.now();
  let body: unknown = null;
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: encoded,
      redirect: "manual",
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = await response.text();
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text.slice(0, 2000);
    }
    step.status = response.status;
    for (const name of SHOWN_RESPONSE_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) step.responseHeaders[name] = value;
    }
    step.responseBody = body;
  } catch (error) {
    step.error = error instanceof Error ? error.message : String(error);
  }
  step.durationMs = Math.round(performance.now() - started);
  hideInTrace(step, request.secrets);
  return { status: step.status, body };
}

/** Replaces every occurrence of the secrets in what the page will show. */
function hideInTrace(step: TraceStep, secrets: string[]) {
  const scrub = (value: unknown): unknown => {
    if (typeof value === "string") {
      return secrets.reduce((text, secret) => (secret ? text.split(secret).join(HIDDEN) : text), value);
    }
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, scrub(entry)]));
    }
    return value;
  };
  step.requestHeaders = scrub(step.requestHeaders) as Record<string, string>;
  step.requestBody = scrub(step.requestBody);
  step.responseHeaders = scrub(step.responseHeaders) as Record<string, string>;
  step.responseBody = scrub(step.responseBody);
  step.error = step.error === null ? null : (scrub(step.error) as string);
}
