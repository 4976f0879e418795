import type { CheckoutSession } from "../checkout/model";
import prisma from "../db.server";
import { cartReport, deleteCustomerCarts, findCustomerCarts } from "./carts.server";
import { sameEmail, samePhone, sessionReport, type CustomerRef } from "./personal-data";
import { eraseSessionBuyer, findCustomerSessionIds } from "./sessions.server";

export const DATA_REQUEST_JOB = "privacy.customers.data_request";

/**
 * customers/data_request: everything this app holds about the customer in one shop, as a JSON
 * report for the merchant to hand over. The app has no customer accounts: what it holds are the
 * checkout sessions agents opened for the buyer, their payments' records and the order events
 * sent to the agents.
 */
export async function gatherCustomerData(shop: string, customer: CustomerRef, now = new Date()) {
  const sessionIds = await findCustomerSessionIds(shop, customer);
  const [carts, sessions, completions, orderEvents, checkoutEvents] = await Promise.all([
    findCustomerCarts(shop, customer),
    prisma.checkoutSession.findMany({
      where: { shop, id: { in: sessionIds } },
      select: { state: true, agentId: true },
      orderBy: { createdAt: "asc" },
    }),
    prisma.completion.findMany({
      where: { shop, sessionId: { in: sessionIds } },
      select: {
        id: true,
        sessionId: true,
        step: true,
        amount: true,
        currency: true,
        paymentIntentId: true,
        shopifyOrderId: true,
        shopifyOrderName: true,
        createdAt: true,
      },
      orderBy: { createdAt: "asc" },
    }),
    prisma.agentEvent.findMany({
      where: { shop, sessionId: { in: sessionIds } },
      select: {
        id: true,
        sessionId: true,
        agentId: true,
        type: true,
        status: true,
        createdAt: true,
        deliveredAt: true,
      },
      orderBy: { createdAt: "asc" },
    }),
    prisma.checkoutEvent.findMany({
      where: { shop, sessionId: { in: sessionIds } },
      select: { sessionId: true, type: true, fromStatus: true, toStatus: true, at: true },
      orderBy: { at: "asc" },
    }),
  ]);
  return {
    kind: "customers/data_request",
    shop,
    generatedAt: now.toISOString(),
    customer: {
      id: customer.customerId,
      email: customer.email,
      phone: customer.phone,
      orders: customer.orderIds,
    },
    checkoutSessions: sessions.map((row) => ({
      ...sessionReport(JSON.parse(row.state) as CheckoutSession),
      agentId: row.agentId,
    })),
    carts: carts.map(cartReport),
    payments: completions,
    orderEventsSentToAgents: orderEvents,
    checkoutHistory: checkoutEvents,
    notes: [
      "Checkout sessions are created by AI agents for the buyer; the order itself is in Shopify.",
      "Payments are made on the merchant's Stripe account; the app keeps no card data.",
      `Buyer details on checkout records are erased automatically after the retention period.`,
    ],
  };
}

export interface RedactResult {
  sessions: number;
  erased: number;
  deferred: number;
  dataRequestsRemoved: number;
  cartsDeleted: number;
}

/**
 * customers/redact: erases the customer from every session that is theirs (see
 * eraseSessionBuyer for what goes and what stays) and removes earlier data request reports about
 * them. Sessions a completion is driving right now are `deferred`; the caller retries.
 */
export async function redactCustomer(
  shop: string,
  customer: CustomerRef,
  now = new Date(),
): Promise<RedactResult> {
  const ids = await findCustomerSessionIds(shop, customer);
  const result: RedactResult = {
    sessions: ids.length,
    erased: 0,
    deferred: 0,
    dataRequestsRemoved: 0,
    cartsDeleted: await deleteCustomerCarts(shop, customer),
  };
  for (const id of ids) {
    const outcome = await eraseSessionBuyer(shop, id, "customer_redact", now);
    if (outcome === "erased") result.erased++;
    if (outcome === "deferred") result.deferred++;
  }
  result.dataRequestsRemoved = await removeDataRequestReports(shop, customer);
  return result;
}

/** Earlier reports about this customer hold the same personal data: they go too. */
async function removeDataRequestReports(shop: string, customer: CustomerRef): Promise<number> {
  const requests = await prisma.privacyRequest.findMany({
    where: { shop, topic: "customers/data_request", report: { not: null } },
    select: { id: true, customerId: true, report: true },
  });
  const about = requests.filter((request) => {
    if (customer.customerId && request.customerId === customer.customerId) return true;
    const other = (JSON.parse(request.report!) as { customer?: Record<string, unknown> }).customer ?? {};
    if (customer.email && typeof other.email === "string" && sameEmail(other.email, customer.email))
      return true;
    return !!customer.phone && typeof other.phone === "string" && samePhone(other.phone, customer.phone);
  });
  if (!about.length) return 0;
  const removed = await prisma.privacyRequest.updateMany({
    where: { shop, id: { in: about.map((request) => request.id) } },
    data: { report: null, status: "report_deleted" },
  });
  return removed.count;
}
