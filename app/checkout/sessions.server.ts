import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { withStoredTexts, type CheckoutSession, type CheckoutStatus } from "./model";

export interface StoredSession {
  session: CheckoutSession;
  revision: number;
  apiVersion: string;
}

/** Another request changed the session first; the caller re-reads and tries again. */
export class RevisionConflictError extends Error {}

/** Loads a session of this shop. Another shop's id is simply not found. */
export async function loadSession(shop: string, id: string): Promise<StoredSession | null> {
  const row = await prisma.checkoutSession.findFirst({ where: { id, shop } });
  if (!row) return null;
  const session = JSON.parse(row.state) as CheckoutSession;
  return {
    session: { ...session, messages: withStoredTexts(session.messages) },
    revision: row.revision,
    apiVersion: row.apiVersion,
  };
}

export async function insertSession(
  tx: Prisma.TransactionClient,
  session: CheckoutSession,
  apiVersion: string,
) {
  await tx.checkoutSession.create({
    data: {
      id: session.id,
      shop: session.shop,
      agentId: session.agentId,
      apiVersion,
      status: session.status,
      currency: session.currency,
      state: JSON.stringify(session),
      expiresAt: new Date(session.expiresAt),
      createdAt: new Date(session.createdAt),
    },
  });
  await recordEvent(tx, session, "created", null, session.status);
}

export async function saveSession(
  tx: Prisma.TransactionClient,
  session: CheckoutSession,
  previous: StoredSession,
  extra: Partial<Prisma.CheckoutSessionUpdateManyMutationInput> = {},
  eventType = "updated",
  detail: string | null = null,
) {
  const result = await tx.checkoutSession.updateMany({
    where: { id: session.id, shop: session.shop, revision: previous.revision },
    data: {
      status: session.status,
      state: JSON.stringify(session),
      revision: previous.revision + 1,
      expiresAt: new Date(session.expiresAt),
      ...extra,
    },
  });
  if (result.count !== 1) throw new RevisionConflictError(`Checkout ${session.id} changed concurrently`);
  await recordEvent(tx, session, eventType, previous.session.status, session.status, detail);
}

export async function recordEvent(
  tx: Prisma.TransactionClient,
  session: CheckoutSession,
  type: string,
  fromStatus: CheckoutStatus | null,
  toStatus: CheckoutStatus,
  detail: string | null = null,
) {
  await tx.checkoutEvent.create({
    data: {
      shop: session.shop,
      sessionId: session.id,
      agentId: session.agentId,
      type,
      fromStatus,
      toStatus,
      detail,
    },
  });
}
