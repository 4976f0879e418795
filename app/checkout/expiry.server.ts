import prisma from "../db.server";
import { expireIfDue } from "./service.server";
import { loadSession, RevisionConflictError } from "./sessions.server";

const OPEN_STATUSES = ["not_ready_for_payment", "ready_for_payment"];

/**
 * Marks open sessions past their `expiresAt` as expired. Reading a session expires it too; this
 * sweep is for the sessions nobody reads again, so the funnel and the admin see them end. Each
 * session is written with its revision check, so a request changing it at the same moment wins
 * and the sweep simply skips it. Returns how many sessions it expired.
 */
export async function expireDueSessions(now = new Date(), batchSize = 200): Promise<number> {
  let expired = 0;
  for (;;) {
    const due = await prisma.checkoutSession.findMany({
      where: { status: { in: OPEN_STATUSES }, expiresAt: { lte: now } },
      select: { id: true, shop: true },
      orderBy: { expiresAt: "asc" },
      take: batchSize,
    });
    let progressed = 0;
    for (const row of due) {
      const stored = await loadSession(row.shop, row.id);
      const outcome = stored && expireIfDue(now, stored);
      if (!outcome?.persist) continue;
      try {
        await prisma.$transaction(outcome.persist);
        expired++;
        progressed++;
      } catch (error) {
        if (!(error instanceof RevisionConflictError)) throw error;
      }
    }
    // A batch where nothing could be written (all changed under us) would repeat forever.
    if (due.length < batchSize || progressed === 0) return expired;
  }
}
