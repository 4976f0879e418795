import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildRequests, paymentHandlerIdFrom } from "../../sandbox/agent/buyer";
import { seedAgent, seedShopInstall } from "../../sandbox/app-seed/seed";
import { APP_SCOPES, EU_ACCESS_TOKEN, EU_SHOP } from "../../sandbox/shopify-admin/fixtures/catalog";
import { DEMO_ACCOUNT_ID } from "../../sandbox/stripe/accounts";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_API_SECRET } from "../support/app-server";
import { itemId } from "../support/catalog";
import { sendShopifyWebhook } from "../support/shopify-webhook";
import { dumpDatabase, jobDone, privacyRequestDone, shopRowCounts, waitFor } from "./helpers";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The privacy duties against the built server: Shopify's compliance webhooks (signed as Shopify
 * signs them) really gather and erase, uninstall revokes the shop's keys, shop/redact leaves
 * nothing of the shop, and old buyer data is purged.
 */
const version = "2026-04-17" as const;
const build = buildRequests(version);

const grace = {
  first_name: "Grace",
  last_name: "Hopper",
  email: "grace.hopper@example.com",
  phone_number: "+15555550123",
};
const graceAddress = {
  name: "Grace Hopper",
  line_one: "1 Navy Way",
  city: "Austin",
  state: "TX",
  country: "US",
  postal_code: "78701",
};
const ada = { first_name: "Ada", last_name: "Lovelace", email: "ada.lovelace@example.com" };
const adaAddress = {
  name: "Ada Lovelace",
  line_one: "12 St James Sq",
  city: "New York",
  state: "NY",
  country: "US",
  postal_code: "10001",
};
const TRACKING = "1Z999AA10123456784";

let stack: AcpStack;
let tote: string;
let graceOrder: { sessionId: string; orderId: string; total: number };
let graceOpenSessionId: string;
let adaSessionId: string;
let graceCartId: string;
let adaCartId: string;

beforeAll(async () => {
  stack = await startAcpStack();
  tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
  graceOrder = await purchase(grace, graceAddress);
  // The merchant ships with tracking: the order event for the agent carries it.
  stack.shopify.control.fulfillOrder(stack.shop, graceOrder.orderId, {
    company: "UPS",
    number: TRACKING,
    url: `https://www.ups.com/track?tracknum=${TRACKING}`,
  });
  await waitFor(() =>
    stack.db.agentEvent.findFirst({
      where: { sessionId: graceOrder.sessionId, type: "order_updated", order: { contains: TRACKING } },
    }),
  );
  graceOpenSessionId = (await createSession(grace, graceAddress)).id;
  adaSessionId = (await createSession(ada, adaAddress)).id;
  graceCartId = await createCart(grace);
  adaCartId = await createCart(ada);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function createSession(buyer: typeof ada, address: typeof adaAddress): Promise<Json> {
  const created = await stack
    .client(version)
    .createCheckout(
      build.create({ items: [{ id: tote, quantity: 1 }], buyer: buyer as typeof grace, address }),
    );
  expect(created.status, created.rawBody).toBe(201);
  return created.body as Json;
}

/** A cart (2026-04-17) with the buyer on it, before any checkout. */
async function createCart(buyer: typeof ada): Promise<string> {
  const created = await stack.client(version).request("POST", "/carts", {
    line_items: [{ id: tote, quantity: 1 }],
    buyer,
  });
  expect(created.status, created.rawBody).toBe(201);
  return (created.body as Json).id as string;
}

async function purchase(buyer: typeof grace, address: typeof graceAddress) {
  const session = await createSession(buyer, address);
  const option = (session.fulfillment_options as Json[])[0];
  const ready = (
    await stack
      .client(version)
      .updateCheckout(session.id, build.update({ fulfillmentOptionId: option.id, itemIds: [tote] }))
  ).body as Json;
  expect(ready.status).toBe("ready_for_payment");
  const total = (ready.totals as Json[]).find((line) => line.type === "total")!.amount as number;
  const token = stack.stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, { maxAmount: total, currency: "usd" });
  const completed = await stack
    .client(version)
    .completeCheckout(
      session.id,
      build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(ready) ?? undefined }),
    );
  expect((completed.body as Json).status).toBe("completed");
  return { sessionId: session.id as string, orderId: (completed.body as Json).order.id as string, total };
}

function compliance(topic: string, shop: string, payload: Record<string, unknown>, webhookId = randomUUID()) {
  return sendShopifyWebhook(stack.app.url, {
    path: "/webhooks/compliance",
    topic,
    shop,
    payload: { shop_id: 954889, shop_domain: shop, ...payload },
    secret: TEST_API_SECRET,
    webhookId,
  });
}

const numericId = (gid: string) => gid.split("/").pop()!;

describe("customers/data_request", () => {
  it("gathers the buyer's sessions, payment and order events into a report on the request's record", async () => {
    const webhookId = randomUUID();
    const response = await compliance(
      "customers/data_request",
      stack.shop,
      {
        customer: { id: 191167, email: "Grace.Hopper@Example.com", phone: "555-555-0123" },
        orders_requested: [Number(numericId(graceOrder.orderId))],
        data_request: { id: 9999 },
      },
      webhookId,
    );
    expect(response.status).toBe(200);
    const request = await privacyRequestDone(stack.db, webhookId);
    expect(request).toMatchObject({
      shop: stack.shop,
      topic: "customers/data_request",
      customerId: "191167",
    });
    expect(request.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 80 * 86_400_000);
    const report = JSON.parse(request.report!) as Json;
    expect(report.kind).toBe("customers/data_request");
    const ids = (report.checkoutSessions as Json[]).map((session) => session.id).sort();
    expect(ids).toEqual([graceOrder.sessionId, graceOpenSessionId].sort());
    const paid = (report.checkoutSessions as Json[]).find((session) => session.id === graceOrder.sessionId)!;
    expect(paid.buyer).toMatchObject({ email: grace.email, lastName: "Hopper" });
    expect(paid.fulfillmentDetails.address).toMatchObject({ lineOne: "1 Navy Way", postalCode: "78701" });
    expect(paid.order.id).toBe(graceOrder.orderId);
    expect(report.payments).toEqual([
      expect.objectContaining({
        sessionId: graceOrder.sessionId,
        amount: graceOrder.total,
        step: "completed",
      }),
    ]);
    expect((report.orderEventsSentToAgents as Json[]).map((event) => event.type).sort()).toEqual([
      "order_created",
      "order_updated",
    ]);
    expect((report.carts as Json[]).map((cart) => cart.id)).toEqual([graceCartId]);
    expect((report.carts as Json[])[0].buyer).toMatchObject({ email: grace.email });
    expect(JSON.stringify(report)).not.toContain(ada.email);
  });
});

describe("customers/redact", () => {
  it("erases the buyer from every table and log, keeping the order, amounts and ids", async () => {
    const before = await stack.db.checkoutSession.findUniqueOrThrow({ where: { id: graceOrder.sessionId } });
    const completionBefore = await stack.db.completion.findUniqueOrThrow({
      where: { sessionId: graceOrder.sessionId },
    });
    const webhookId = randomUUID();
    const response = await compliance(
      "customers/redact",
      stack.shop,
      {
        customer: { id: 191167, email: grace.email, phone: "555-555-0123" },
        orders_to_redact: [Number(numericId(graceOrder.orderId))],
      },
      webhookId,
    );
    expect(response.status).toBe(200);
    const request = await privacyRequestDone(stack.db, webhookId);
    expect(JSON.parse(request.result!)).toMatchObject({
      customer: { id: "191167" },
      result: { sessions: 2, erased: 2, deferred: 0, dataRequestsRemoved: 1, cartsDeleted: 1 },
    });
    // The data request's record stays, its report does not.
    const reports = await stack.db.privacyRequest.findMany({ where: { topic: "customers/data_request" } });
    expect(reports.map((row) => [row.status, row.report])).toEqual([["report_deleted", null]]);

    const everything = (await dumpDatabase(stack.db)).toLowerCase();
    for (const personal of [
      grace.email,
      "grace",
      "hopper",
      "5555550123",
      "1 navy way",
      "78701",
      TRACKING.toLowerCase(),
    ]) {
      expect(everything, `"${personal}" is still stored`).not.toContain(personal);
    }
    expect(everything).toContain(ada.email); // only this buyer
    expect(await stack.db.cart.findUnique({ where: { id: adaCartId } })).not.toBeNull();
    expect(await stack.db.cart.findUnique({ where: { id: graceCartId } })).toBeNull();

    // The money trail stays: the order, the amounts, the payment and the order events.
    const after = await stack.db.checkoutSession.findUniqueOrThrow({ where: { id: graceOrder.sessionId } });
    expect(after.status).toBe("completed");
    expect(after.shopifyOrderId).toBe(before.shopifyOrderId);
    const state = JSON.parse(after.state) as Json;
    expect(state.totals).toEqual(JSON.parse(before.state).totals);
    expect(state.lines).toEqual(JSON.parse(before.state).lines);
    expect(state.buyer).toBeNull();
    expect(state.fulfillmentDetails).toBeNull();
    const completion = await stack.db.completion.findUniqueOrThrow({
      where: { sessionId: graceOrder.sessionId },
    });
    expect(completion).toMatchObject({
      amount: completionBefore.amount,
      currency: completionBefore.currency,
      paymentIntentId: completionBefore.paymentIntentId,
      shopifyOrderId: completionBefore.shopifyOrderId,
      step: "completed",
      paymentTokenEncrypted: "",
    });
    const events = await stack.db.agentEvent.findMany({ where: { sessionId: graceOrder.sessionId } });
    expect(events.map((event) => JSON.parse(event.order).total)).toEqual([
      graceOrder.total,
      graceOrder.total,
    ]);

    // Her open session cannot be paid without her details any more: it is closed.
    const open = await stack.db.checkoutSession.findUniqueOrThrow({ where: { id: graceOpenSessionId } });
    expect(open).toMatchObject({ status: "canceled", cancelReason: "personal_data_erased" });
    // The agent still reads the completed session, without the buyer.
    const read = await stack.client(version).getCheckout(graceOrder.sessionId);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ status: "completed", order: { id: graceOrder.orderId } });
    expect((read.body as Json).buyer).toBeUndefined();
    // And the server never logged her.
    const log = stack.app.output().toLowerCase();
    expect(log).not.toContain(grace.email);
    expect(log).not.toContain("navy way");
    expect(log).not.toContain("5555550123");
  });

  it("does it once: a redelivered webhook is acknowledged and changes nothing", async () => {
    const webhookId = randomUUID();
    const payload = { customer: { id: 191167, email: grace.email }, orders_to_redact: [] };
    expect((await compliance("customers/redact", stack.shop, payload, webhookId)).status).toBe(200);
    const request = await privacyRequestDone(stack.db, webhookId);
    // Nothing points to her any more: her sessions no longer carry her email.
    expect(JSON.parse(request.result!).result).toMatchObject({ sessions: 0, erased: 0 });
    const again = await compliance("customers/redact", stack.shop, payload, webhookId);
    expect(again.headers.get("x-webhook-duplicate")).toBe("1");
  });
});

describe("uninstall and shop/redact", () => {
  let euKey: string;
  let euAgentId: string;

  it("uninstall revokes the shop's agent keys at once, for good, and stops its work and feed", async () => {
    const agent = await seedAgent(stack.db, { shop: EU_SHOP, name: "EU agent" });
    euKey = agent.apiKey;
    euAgentId = agent.agentId;
    const eu = stack.client(version, euKey);
    const before = await eu.getCheckout("cs_unknown");
    expect(before.status).toBe(404); // authenticated
    const feedToken = { tokenHash: "f".repeat(64), tokenPrefix: "feed_ab", tokenCreatedAt: new Date() };
    await stack.db.feedSettings.upsert({
      where: { shop: EU_SHOP },
      create: { shop: EU_SHOP, ...feedToken },
      update: feedToken,
    });
    const later = await stack.db.job.create({
      data: {
        shop: EU_SHOP,
        kind: "catalog.full_sync",
        payload: "{}",
        runAt: new Date(Date.now() + 3_600_000),
      },
    });

    const response = await sendShopifyWebhook(stack.app.url, {
      path: "/webhooks/app/uninstalled",
      topic: "app/uninstalled",
      shop: EU_SHOP,
      payload: { id: 1, domain: EU_SHOP },
      secret: TEST_API_SECRET,
    });
    expect(response.status).toBe(200);
    const after = await eu.getCheckout("cs_unknown");
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ type: "invalid_request", code: "invalid_api_key" });

    await jobDone(stack.db, "shop.uninstalled", { shop: EU_SHOP });
    const keys = await stack.db.agentApiKey.findMany({ where: { shop: EU_SHOP } });
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.revokedAt)).toBe(true);
    expect((await stack.db.agent.findUniqueOrThrow({ where: { id: euAgentId } })).deletedAt).toBeInstanceOf(
      Date,
    );
    expect(await stack.db.feedSettings.findUniqueOrThrow({ where: { shop: EU_SHOP } })).toMatchObject({
      tokenHash: null,
    });
    expect(await stack.db.job.findUnique({ where: { id: later.id } })).toBeNull();

    // A reinstall does not bring the old keys back.
    await seedShopInstall(stack.db, { shop: EU_SHOP, accessToken: EU_ACCESS_TOKEN, scopes: APP_SCOPES });
    expect((await eu.getCheckout("cs_unknown")).status).toBe(401);
  });

  it("refuses shop/redact while the shop is installed", async () => {
    const webhookId = randomUUID();
    expect((await compliance("shop/redact", EU_SHOP, {}, webhookId)).status).toBe(200);
    expect(await privacyRequestDone(stack.db, webhookId)).toMatchObject({ shop: EU_SHOP, status: "refused" });
    expect(await stack.db.shop.count({ where: { domain: EU_SHOP } })).toBe(1);
    // The job row is done before its log line has crossed the pipe from the server process.
    await vi.waitFor(() => expect(stack.app.output()).toContain('"msg":"privacy.shop_redact_skipped"'), {
      timeout: 5_000,
    });
  });

  it("shop/redact after uninstall leaves nothing of the shop in any table", async () => {
    // Some of everything: a session with its events and idempotency record, settings, receipts.
    const agent = await seedAgent(stack.db, { shop: EU_SHOP, name: "EU agent 2" });
    const eu = stack.client(version, agent.apiKey);
    const linen = itemId(stack.shopify, EU_SHOP, "Leinen-Geschirrtuch");
    const created = await eu.createCheckout(
      build.create({ items: [{ id: linen, quantity: 1 }], currency: "eur" }),
    );
    expect(created.status, created.rawBody).toBe(201);
    await stack.db.shopSettings.upsert({ where: { shop: EU_SHOP }, create: { shop: EU_SHOP }, update: {} });
    expect(
      (
        await sendShopifyWebhook(stack.app.url, {
          path: "/webhooks/app/uninstalled",
          topic: "app/uninstalled",
          shop: EU_SHOP,
          payload: { id: 1, domain: EU_SHOP },
          secret: TEST_API_SECRET,
        })
      ).status,
    ).toBe(200);
    await waitFor(
      async () =>
        (await stack.db.job.count({ where: { shop: EU_SHOP, kind: "shop.uninstalled", status: "done" } })) ===
        2,
    );
    const counts = await shopRowCounts(stack.db, EU_SHOP);
    expect(counts.CheckoutSession).toBe(1);
    expect(counts.IdempotencyRecord).toBe(1);

    const webhookId = randomUUID();
    expect((await compliance("shop/redact", EU_SHOP, {}, webhookId)).status).toBe(200);
    const request = await privacyRequestDone(stack.db, webhookId);
    // The record proves it was done without naming the shop: it holds the domain's SHA-256.
    expect(request.shop).toBe(`sha256:${createHash("sha256").update(EU_SHOP).digest("hex")}`);
    // The refused request of the test above went with the rest of the shop.
    expect(JSON.parse(request.result!).deleted).toMatchObject({
      CheckoutSession: 1,
      Shop: 1,
      PrivacyRequest: 1,
    });
    const job = await jobDone(stack.db, "privacy.shop.redact");
    expect(job.shop).toBeNull();

    const left = await shopRowCounts(stack.db, EU_SHOP);
    expect(Object.entries(left).filter(([, count]) => count > 0)).toEqual([]);
    expect(await dumpDatabase(stack.db)).not.toContain(EU_SHOP);
    // Other shops are untouched.
    expect(await stack.db.checkoutSession.count({ where: { shop: stack.shop } })).toBeGreaterThan(0);
  });
});

describe("retention", () => {
  it("erases buyer details older than BUYER_DATA_RETENTION_DAYS and old request reports", async () => {
    const old = await createSession(
      { first_name: "Linus", last_name: "Pauling", email: "linus.pauling@example.com" },
      { ...adaAddress, name: "Linus Pauling", line_one: "7 Old Road" },
    );
    // As if it had been opened 100 days ago (and expired six hours later, never touched again).
    const longAgo = new Date(Date.now() - 100 * 86_400_000);
    const expiredAt = new Date(longAgo.getTime() + 6 * 3_600_000);
    const row = await stack.db.checkoutSession.findUniqueOrThrow({ where: { id: old.id } });
    const state = {
      ...JSON.parse(row.state),
      createdAt: longAgo.toISOString(),
      expiresAt: expiredAt.toISOString(),
    };
    await stack.db.checkoutSession.update({
      where: { id: old.id },
      data: { createdAt: longAgo, expiresAt: expiredAt, state: JSON.stringify(state) },
    });
    const oldReport = await stack.db.privacyRequest.create({
      data: {
        id: randomUUID(),
        shop: stack.shop,
        topic: "customers/data_request",
        status: "done",
        report: JSON.stringify({ customer: { email: "someone@example.com" } }),
        receivedAt: longAgo,
        completedAt: longAgo,
      },
    });
    // The worker scheduled the periodic row at start-up; make it due now, with no previous result.
    const job = await stack.db.job.upsert({
      where: { singletonKey: "periodic:privacy.retention_purge" },
      create: {
        kind: "privacy.retention_purge",
        payload: "{}",
        singletonKey: "periodic:privacy.retention_purge",
      },
      update: { status: "queued", runAt: new Date(), payload: "{}", lockedBy: null, lockedUntil: null },
    });
    const ran = await waitFor(async () => {
      const row = await stack.db.job.findUniqueOrThrow({ where: { id: job.id } });
      return row.status === "queued" && row.payload.includes("lastRun") ? row : null;
    });
    expect(ran.runAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000); // re-armed
    expect(JSON.parse(ran.payload).lastRun).toMatchObject({ erased: 1, dataRequestsRemoved: 1 });

    const purged = await stack.db.checkoutSession.findUniqueOrThrow({ where: { id: old.id } });
    expect(purged.status).toBe("expired");
    expect(purged.state).not.toContain("linus");
    expect(purged.state).not.toContain("7 Old Road");
    expect(await stack.db.privacyRequest.findUnique({ where: { id: oldReport.id } })).toMatchObject({
      status: "report_deleted",
      report: null,
    });
    const recent = await stack.db.checkoutSession.findUniqueOrThrow({ where: { id: adaSessionId } });
    expect(JSON.parse(recent.state).buyer).toMatchObject({ email: ada.email });
  });
});
