import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { env } from "../env.server";
import { localized } from "../i18n/catalog";
import { AcpError } from "./errors";

/** How long keys are kept (ACP RFC §6: at least 24 hours). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/**
 * An in-flight record whose lease ran out belongs to a request that died; another may take it over.
 * A running request renews its lease (`holdIdempotentRequest`), so the lease can be short: an agent
 * retrying after an instance died waits seconds, not minutes.
 */
const leaseMs = () => env().IDEMPOTENCY_LEASE_SECONDS * 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type IdempotencyStart =
  | { kind: "proceed"; recordId: string }
  | { kind: "replay"; response: StoredResponse };

export interface IdempotencyScope {
  shop: string;
  agentId: string;
  /** Method and concrete path, e.g. `POST /checkout_sessions/cs_1/complete`. */
  endpoint: string;
  key: string;
  requestHash: string;
  /** 422 per the 2026-04-17 spec; 409 for agents that follow OpenAI's certification text. */
  conflictStatus: number;
}

/**
 * Claims an Idempotency-Key before the request runs:
 * - first use: an in-flight record is written and the request proceeds;
 * - same key, other body: conflict (permanent);
 * - same key, finished: the stored response is replayed;
 * - same key, still running: 409 `idempotency_in_flight` with Retry-After;
 * - same key, in flight but its lease ran out (the instance died): this request takes it over.
 */
export async function beginIdempotentRequest(
  scope: IdempotencyScope,
  now = new Date(),
): Promise<IdempotencyStart> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const record = await prisma.idempotencyRecord.create({
        data: {
          shop: scope.shop,
          agentId: scope.agentId,
          endpoint: scope.endpoint,
          key: scope.key,
          requestHash: scope.requestHash,
          state: "in_flight",
          lockedUntil: new Date(now.getTime() + leaseMs()),
          expiresAt: new Date(now.getTime() + IDEMPOTENCY_RETENTION_MS),
        },
      });
      return { kind: "proceed", recordId: record.id };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const existing = await prisma.idempotencyRecord.findUnique({
      where: {
        shop_agentId_endpoint_key: {
          shop: scope.shop,
          agentId: scope.agentId,
          endpoint: scope.endpoint,
          key: scope.key,
        },
      },
    });
    if (!existing) continue; // released between our insert and read: try again
    if (existing.expiresAt <= now) {
      await prisma.idempotencyRecord.deleteMany({ where: { id: existing.id, expiresAt: { lte: now } } });
      continue;
    }
    if (existing.requestHash !== scope.requestHash) {
      throw new AcpError(
        scope.conflictStatus,
        "invalid_request",
        "idempotency_conflict",
        localized("error.idempotency_conflict"),
      );
    }
    if (existing.state === "completed") {
      return {
        kind: "replay",
        response: {
          status: existing.responseStatus ?? 200,
          body: JSON.parse(existing.responseBody ?? "null"),
          headers: JSON.parse(existing.responseHeaders ?? "{}"),
        },
      };
    }
    if (existing.lockedUntil && existing.lockedUntil > now) {
      throw new AcpError(
        409,
        "invalid_request",
        "idempotency_in_flight",
        localized("error.idempotency_in_flight"),
        null,
        { retryAfterSeconds: 1 },
      );
    }
    const takeover = await prisma.idempotencyRecord.updateMany({
      where: { id: existing.id, state: "in_flight", lockedUntil: existing.lockedUntil },
      data: { lockedUntil: new Date(now.getTime() + leaseMs()) },
    });
    if (takeover.count === 1) return { kind: "proceed", recordId: existing.id };
  }
  throw new AcpError(
    409,
    "invalid_request",
    "idempotency_in_flight",
    localized("error.idempotency_busy"),
    null,
    {
      retryAfterSeconds: 1,
    },
  );
}

/**
 * Keeps the lease of a running request's key, renewing it every third of the lease, until the
 * returned stop is called. A renewal that fails is logged and tried again at the next tick; if the
 * process stalls for a whole lease, another instance may take the key over (the operations
 * themselves stay safe: completion is fenced on its own, ADR 006).
 */
export function holdIdempotentRequest(recordId: string): () => void {
  const renew = async () => {
    try {
      await prisma.idempotencyRecord.updateMany({
        where: { id: recordId, state: "in_flight" },
        data: { lockedUntil: new Date(Date.now() + leaseMs()) },
      });
    } catch (error) {
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "idempotency.renew_failed",
          error: String(error).slice(0, 300),
        }),
      );
    }
  };
  const timer = setInterval(() => void renew(), Math.max(250, Math.floor(leaseMs() / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

/** Stores the response; call inside the transaction that commits the request's change. */
export async function finishIdempotentRequest(
  tx: Prisma.TransactionClient,
  recordId: string,
  response: StoredResponse,
): Promise<void> {
  await tx.idempotencyRecord.update({
    where: { id: recordId },
    data: {
      state: "completed",
      lockedUntil: null,
      responseStatus: response.status,
      responseBody: JSON.stringify(response.body),
      responseHeaders: JSON.stringify(response.headers),
    },
  });
}

/** Forgets an in-flight key after a 5xx or crash path: a retry is a fresh request (RFC §6). */
export async function releaseIdempotentRequest(recordId: string): Promise<void> {
  await prisma.idempotencyRecord.deleteMany({ where: { id: recordId, state: "in_flight" } });
}

export async function purgeExpiredIdempotencyRecords(now = new Date()): Promise<number> {
  const result = await prisma.idempotencyRecord.deleteMany({ where: { expiresAt: { lte: now } } });
  return result.count;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
