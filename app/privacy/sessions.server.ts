import type { Prisma } from "@prisma/client";
import type { CheckoutSession, CheckoutStatus } from "../checkout/model";
import { recordEvent } from "../checkout/sessions.server";
import prisma from "../db.server";
import type { AgentOrder } from "../orders/events";
import {
  hasPersonalData,
  isCodeLike,
  orderGid,
  redactAgentOrder,
  redactCancelTrace,
  redactSession,
  redactWireBody,
  sessionBelongsTo,
  type CustomerRef,
} from "./personal-data";

export type EraseReason = "customer_redact" | "retention";
/** `deferred`: a completion is driving the session right now; erase it on the next try. */
export type EraseOutcome = "erased" | "unchanged" | "deferred" | "missing";

const OPEN_STATUSES: CheckoutStatus[] = [
  "not_ready_for_payment",
  "ready_for_payment",
  "authentication_required",
];
const FINISHED_COMPLETION_STEPS = ["completed", "declined", "voided"];
const SCAN_BATCH = 500;

class ConcurrentChange extends Error {}

/**
 * Erases the buyer from one session and from everything derived from it, in one transaction:
 * the session state (buyer, delivery contact and address, metadata), the cancel trace's free
 * text, free-text event details, parcel tracking in order events, the spent payment token, and
 * stored idempotent responses. An open session is closed, since it can no longer be completed
 * without the buyer. Safe to repeat: a second run finds nothing and writes nothing.
 */
export async function eraseSessionBuyer(
  shop: string,
  sessionId: string,
  reason: EraseReason,
  now = new Date(),
): Promise<EraseOutcome> {
  for (let attempt = 0; ; attempt++) {
    const row = await prisma.checkoutSession.findFirst({ where: { id: sessionId, shop } });
    if (!row) return "missing";
    if (row.status === "complete_in_progress") return "deferred";
    try {
      return (await prisma.$transaction((tx) => eraseIn(tx, row, reason, now))) ? "erased" : "unchanged";
    } catch (error) {
      // A checkout request changed the session between our read and write: read again.
      if (error instanceof ConcurrentChange && attempt < 3) continue;
      throw error;
    }
  }
}

async function eraseIn(
  tx: Prisma.TransactionClient,
  row: {
    id: string;
    shop: string;
    state: string;
    revision: number;
    status: string;
    cancelTrace: string | null;
  },
  reason: EraseReason,
  now: Date,
): Promise<boolean> {
  const { id: sessionId, shop } = row;
  const state = JSON.parse(row.state) as CheckoutSession;
  const closing = OPEN_STATUSES.includes(state.status);
  const trace = redactCancelTrace(row.cancelTrace);
  let changed = false;

  if (hasPersonalData(state) || closing || trace !== row.cancelTrace) {
    const status: CheckoutStatus = !closing
      ? state.status
      : new Date(state.expiresAt) <= now
        ? "expired"
        : "canceled";
    const erased: CheckoutSession = {
      ...redactSession(state),
      status,
      messages: closing ? [] : state.messages,
      updatedAt: closing ? now.toISOString() : state.updatedAt,
    };
    const result = await tx.checkoutSession.updateMany({
      where: { id: sessionId, shop, revision: row.revision },
      data: {
        state: JSON.stringify(erased),
        status,
        revision: row.revision + 1,
        cancelTrace: trace,
        ...(closing && status === "canceled"
          ? { canceledAt: now, cancelReason: "personal_data_erased" }
          : {}),
      },
    });
    if (result.count !== 1) throw new ConcurrentChange();
    await recordEvent(tx, erased, "personal_data_erased", state.status, status, reason);
    changed = true;
  }

  const events = await tx.checkoutEvent.findMany({
    where: { shop, sessionId, detail: { not: null } },
    select: { id: true, detail: true },
  });
  const freeText = events.filter((event) => !isCodeLike(event.detail!)).map((event) => event.id);
  if (freeText.length) {
    await tx.checkoutEvent.updateMany({ where: { id: { in: freeText }, shop }, data: { detail: null } });
    changed = true;
  }

  for (const event of await tx.agentEvent.findMany({
    where: { shop, sessionId },
    select: { id: true, order: true },
  })) {
    const order = redactAgentOrder(JSON.parse(event.order) as AgentOrder);
    const serialized = JSON.stringify(order);
    if (serialized === event.order) continue;
    await tx.agentEvent.update({ where: { id: event.id }, data: { order: serialized } });
    changed = true;
  }

  // The Shared Payment Token is single-use and spent once the completion has ended.
  const tokens = await tx.completion.updateMany({
    where: { shop, sessionId, step: { in: FINISHED_COMPLETION_STEPS }, NOT: { paymentTokenEncrypted: "" } },
    data: { paymentTokenEncrypted: "" },
  });
  changed ||= tokens.count > 0;

  // Stored responses are replayed for 24 h; they keep their shape, minus the buyer.
  for (const record of await tx.idempotencyRecord.findMany({
    where: { shop, responseBody: { contains: sessionId } },
    select: { id: true, responseBody: true },
  })) {
    const body = JSON.stringify(redactWireBody(JSON.parse(record.responseBody!)));
    if (body === record.responseBody) continue;
    await tx.idempotencyRecord.update({ where: { id: record.id }, data: { responseBody: body } });
    changed = true;
  }
  return changed;
}

/**
 * The sessions of this shop that belong to the customer: those of the named orders, and those
 * whose buyer or delivery contact has the customer's email or phone. The contact lives inside the
 * state JSON, so this reads the shop's sessions in batches (compliance requests are rare; a
 * hashed-contact column would make it an index lookup, see docs/decisions/009).
 */
export async function findCustomerSessionIds(shop: string, customer: CustomerRef): Promise<string[]> {
  const ids = new Set<string>();
  if (customer.orderIds.length) {
    const orders = customer.orderIds.map(orderGid);
    const [sessions, completions] = await Promise.all([
      prisma.checkoutSession.findMany({
        where: { shop, shopifyOrderId: { in: orders } },
        select: { id: true },
      }),
      prisma.completion.findMany({
        where: { shop, shopifyOrderId: { in: orders } },
        select: { sessionId: true },
      }),
    ]);
    sessions.forEach((session) => ids.add(session.id));
    completions.forEach((completion) => ids.add(completion.sessionId));
  }
  if (!customer.email && !customer.phone) return [...ids];
  let cursor: string | undefined;
  for (;;) {
    const batch = await prisma.checkoutSession.findMany({
      where: { shop },
      select: { id: true, state: true },
      orderBy: { id: "asc" },
      take: SCAN_BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of batch) {
      if (sessionBelongsTo(JSON.parse(row.state) as CheckoutSession, customer)) ids.add(row.id);
    }
    if (batch.length < SCAN_BATCH) break;
    cursor = batch[batch.length - 1].id;
  }
  return [...ids];
}
