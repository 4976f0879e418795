import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRequests, paymentHandlerIdFrom } from "../../sandbox/agent/buyer";
import { startWebhookReceiver, type WebhookDelivery } from "../../sandbox/agent/webhook-receiver";
import { DEMO_ACCOUNT_ID } from "../../sandbox/stripe/accounts";
import { encryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_ENCRYPTION_KEYS } from "../support/app-server";
import { itemId, variant } from "../support/catalog";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * What the merchant finds in Shopify after an agent's purchase: two different items with
 * shipping and a merchant fee, exactly as the agent was quoted and charged, then the order's life
 * (fulfilment, refund) reaching Stripe and the agent.
 */
const version = "2026-04-17" as const;
const build = buildRequests(version);
let stack: AcpStack;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

const buyer = {
  first_name: "Katherine",
  last_name: "Johnson",
  email: "katherine@example.com",
  phone_number: "+15555550188",
};
const address = {
  name: "Katherine Johnson",
  line_one: "2101 NASA Parkway",
  line_two: "Building 30",
  city: "Houston",
  state: "TX",
  country: "US",
  postal_code: "77058",
};

beforeAll(async () => {
  stack = await startAcpStack();
  receiver = await startWebhookReceiver({ version, secret: "whsec_order_contents" });
  await stack.db.agent.update({
    where: { id: stack.agent.agentId },
    data: {
      webhookUrl: receiver.url,
      webhookSecretEncrypted: encryptSecret(receiver.secret, parseKeyRing(TEST_ENCRYPTION_KEYS)),
    },
  });
  await stack.db.feeRule.create({
    data: {
      id: "fee_order_contents",
      shop: stack.shop,
      label: "Agent handling",
      description: "Handling for orders placed by AI agents",
      kind: "fixed",
      fixedAmount: 150,
    },
  });
});

afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const minor = (decimal: string) => Math.round(Number(decimal) * 100);
const total = (session: Json, type: string): number =>
  (session.totals as Json[])
    .filter((line) => line.type === type)
    .reduce((sum, line) => sum + (line.amount as number), 0);

describe("the Shopify order an agent's purchase creates", () => {
  it("has the quoted lines, shipping, taxes and fee, the buyer, the charge and the agent's attribution", async () => {
    const tee = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "Navy", "S");
    const tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
    const client = stack.client(version);
    const created = (
      await client.createCheckout(
        build.create({
          items: [
            { id: tee, quantity: 2 },
            { id: tote, quantity: 1 },
          ],
          buyer,
          address,
        }),
      )
    ).body as Json;
    const shipping = (created.fulfillment_options as Json[]).find((option) => option.type === "shipping")!;
    const ready = (
      await client.updateCheckout(
        created.id,
        build.update({ fulfillmentOptionId: shipping.id, itemIds: [tee, tote] }),
      )
    ).body as Json;
    expect(ready.status).toBe("ready_for_payment");
    const sessionTotal = total(ready, "total");
    expect(total(ready, "fee")).toBe(150);
    expect(total(ready, "fulfillment")).toBeGreaterThan(0);
    expect(total(ready, "tax")).toBeGreaterThan(0);

    const token = stack.stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, {
      maxAmount: sessionTotal,
      currency: "usd",
    });
    const completed = (
      await client.completeCheckout(
        ready.id,
        build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(ready) ?? undefined }),
      )
    ).body as Json;
    expect(completed.status).toBe("completed");

    // --- The order in Shopify ---
    const orders = [...stack.shopify.shops.get(stack.shop)!.orders.values()].filter(
      (order) => order.sourceIdentifier === ready.id,
    );
    expect(orders).toHaveLength(1);
    const [order] = orders;
    expect(completed.order.id).toBe(order.id);
    expect(completed.order.permalink_url).toBe(order.statusPageUrl);

    const teeVariant = variant(stack.shopify, stack.shop, "Classic Organic Tee", "Navy", "S");
    const toteVariant = variant(stack.shopify, stack.shop, "Canvas Tote Bag");
    const line = (id: string) => (ready.line_items as Json[]).find((candidate) => candidate.item.id === id)!;
    const products = order.lineItems.filter((item) => item.variantId);
    expect(products.map((item) => [item.variantId, item.quantity, minor(item.originalUnitPrice)])).toEqual([
      [teeVariant.id, 2, line(tee).unit_amount],
      [toteVariant.id, 1, line(tote).unit_amount],
    ]);
    expect(minor(products[0].originalUnitPrice)).toBe(minor(teeVariant.price));
    for (const item of products) {
      const quoted = line(item.variantId === teeVariant.id ? tee : tote);
      const quotedTax = (quoted.totals as Json[]).find((entry) => entry.type === "tax")!.amount;
      expect(item.taxLines.reduce((sum, tax) => sum + minor(tax.price), 0)).toBe(quotedTax);
      expect(item.requiresShipping).toBe(true);
    }
    // The merchant's fee: its own custom line, not shipped, not taxed.
    const feeLines = order.lineItems.filter((item) => !item.variantId);
    expect(feeLines).toEqual([
      expect.objectContaining({ title: "Agent handling", quantity: 1, requiresShipping: false }),
    ]);
    expect(minor(feeLines[0].originalUnitPrice)).toBe(150);
    expect(feeLines[0].taxLines).toEqual([]);

    expect(order.shippingLines).toHaveLength(1);
    expect(order.shippingLines[0]).toMatchObject({ title: shipping.title, code: shipping.id });
    expect(minor(order.shippingLines[0].price)).toBe(total(ready, "fulfillment"));
    expect(minor(order.totalShipping)).toBe(total(ready, "fulfillment"));
    expect(minor(order.totalDiscounts)).toBe(total(ready, "items_discount") + total(ready, "discount"));
    expect(minor(order.totalTax)).toBe(total(ready, "tax"));
    expect(minor(order.total)).toBe(sessionTotal);
    expect(order.presentmentCurrencyCode).toBe("USD");

    expect(order.email).toBe(buyer.email);
    const mailing = {
      firstName: "Katherine",
      lastName: "Johnson",
      address1: address.line_one,
      address2: address.line_two,
      city: address.city,
      provinceCode: "TX",
      countryCode: "US",
      zip: address.postal_code,
    };
    expect(order.shippingAddress).toMatchObject(mailing);
    expect(order.billingAddress).toMatchObject(mailing);

    // The charge: one captured PaymentIntent for the session total, recorded on the named gateway.
    const intents = stack.stripe
      .paymentIntents(DEMO_ACCOUNT_ID)
      .filter((intent) => intent.metadata?.checkout_session_id === ready.id);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({
      status: "succeeded",
      amount: sessionTotal,
      amount_received: sessionTotal,
    });
    expect(order.displayFinancialStatus).toBe("PAID");
    expect(
      order.transactions.map((transaction) => [transaction.kind, transaction.status, transaction.gateway]),
    ).toEqual([["SALE", "SUCCESS", `Stripe (Agentic Commerce) ${intents[0].id}`]]);
    expect(minor(order.transactions[0].amount)).toBe(sessionTotal);

    // Attribution: the agent channel and the session.
    expect(order.sourceName).toBe("agentic-commerce");
    expect(order.sourceIdentifier).toBe(ready.id);
    expect(order.tags).toEqual(expect.arrayContaining(["agentic-commerce"]));
    expect(order.tags.some((tag) => tag.startsWith("agent:"))).toBe(true);
    expect(order.customAttributes).toEqual(
      expect.arrayContaining([{ key: "acp_checkout_session_id", value: ready.id }]),
    );

    // --- The agent hears of the order, signed ---
    const isThisOrder = (delivery: WebhookDelivery) =>
      (delivery.body as Json)?.data?.checkout_session_id === ready.id;
    const createEvent = await receiver.waitFor(
      (delivery) => isThisOrder(delivery) && (delivery.body as Json).type === "order_create",
      15_000,
    );
    expect(createEvent.signature).toMatchObject({ ok: true });
    expect(createEvent.accepted).toBe(true);
    expect((createEvent.body as Json).data).toMatchObject({
      type: "order",
      id: order.id,
      permalink_url: order.statusPageUrl,
    });

    // --- The merchant ships ---
    stack.shopify.control.fulfillOrder(stack.shop, order.id, {
      company: "FedEx",
      number: "794612345678",
      url: "https://www.fedex.com/fedextrack/?trknbr=794612345678",
    });
    const shipped = await receiver.waitFor(
      (delivery) =>
        isThisOrder(delivery) &&
        (delivery.body as Json).type === "order_update" &&
        ((delivery.body as Json).data.fulfillments ?? []).length > 0,
      15_000,
    );
    expect(shipped.signature).toMatchObject({ ok: true });
    expect((shipped.body as Json).data.fulfillments).toEqual([
      expect.objectContaining({ carrier: "FedEx", tracking_number: "794612345678" }),
    ]);

    // --- The merchant refunds part of it in the Shopify admin ---
    stack.shopify.control.refundOrder(stack.shop, order.id, { amount: "7.50", note: "Late delivery" });
    const refunded = await receiver.waitFor(
      (delivery) =>
        isThisOrder(delivery) &&
        ((delivery.body as Json).data.adjustments ?? []).some(
          (adjustment: Json) => adjustment.type === "refund",
        ),
      15_000,
    );
    expect(refunded.signature).toMatchObject({ ok: true });
    expect((refunded.body as Json).data.adjustments).toEqual([
      expect.objectContaining({ type: "refund", amount: 750 }),
    ]);
    // Shopify sends refunds/create and orders/updated for it: still one Stripe refund.
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    const stripeRefunds = stack.stripe
      .refunds(DEMO_ACCOUNT_ID)
      .filter((refund) => refund.payment_intent === intents[0].id);
    expect(stripeRefunds.map((refund) => [refund.amount, refund.status])).toEqual([[750, "succeeded"]]);
  }, 90_000);
});
