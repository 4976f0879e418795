import prisma from "../db.server";
import { eraseSessionBuyer } from "./sessions.server";

const BATCH = 200;

export interface RetentionResult {
  /** Sessions created before this were all looked at (or are deferred); the next run starts here. */
  watermark: string;
  examined: number;
  erased: number;
  deferred: number;
  dataRequestsRemoved: number;
}

/**
 * Erases the buyer from every session created before `now − retentionDays` (see
 * eraseSessionBuyer), across all shops, and removes data request reports as old. Sessions older
 * than `since` were done by an earlier run; the returned watermark only moves past a session that
 * was erased, so one a completion held is looked at again next time.
 */
export async function purgeExpiredBuyerData(options: {
  retentionDays: number;
  since: Date | null;
  now?: Date;
}): Promise<RetentionResult> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000);
  const result: RetentionResult = {
    watermark: cutoff.toISOString(),
    examined: 0,
    erased: 0,
    deferred: 0,
    dataRequestsRemoved: 0,
  };
  let firstDeferred: Date | null = null;
  let cursor: string | undefined;
  for (;;) {
    const batch = await prisma.checkoutSession.findMany({
      where: { createdAt: { lt: cutoff, ...(options.since ? { gte: options.since } : {}) } },
      select: { id: true, shop: true, createdAt: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of batch) {
      result.examined++;
      const outcome = await eraseSessionBuyer(row.shop, row.id, "retention", now);
      if (outcome === "erased") result.erased++;
      if (outcome === "deferred") {
        result.deferred++;
        firstDeferred ??= row.createdAt;
      }
    }
    if (batch.length < BATCH) break;
    cursor = batch[batch.length - 1].id;
  }
  if (firstDeferred) result.watermark = firstDeferred.toISOString();
  // A data request's report lives until its expiresAt (or the retention cutoff, whichever is
  // first); the record of the request stays, without the report.
  const reports = await prisma.privacyRequest.updateMany({
    where: {
      topic: "customers/data_request",
      report: { not: null },
      OR: [{ expiresAt: { lt: now } }, { receivedAt: { lt: cutoff } }],
    },
    data: { report: null, status: "report_deleted" },
  });
  result.dataRequestsRemoved = reports.count;
  return result;
}
