import prisma from "../db.server";

/** A due job older than this means the workers are not keeping up (or none is running). */
const QUEUE_LAG_SECONDS = 300;

export interface Readiness {
  ready: boolean;
  body: Record<string, unknown>;
}

/**
 * Ready = the database answers and the job table can be read. A lagging queue is reported but
 * does not fail readiness: the queue is shared, so it would take every instance out of the load
 * balancer at once while none of them could fix it (alert on acp_job_oldest_due_age_seconds).
 */
export async function checkReadiness(now = new Date()): Promise<Readiness> {
  try {
    await prisma.$queryRaw`SELECT 1`;
  } catch {
    return { ready: false, body: { status: "unavailable", database: "unreachable" } };
  }
  let oldestDue: { runAt: Date } | null;
  try {
    oldestDue = await prisma.job.findFirst({
      where: { status: "queued", runAt: { lte: now } },
      orderBy: { runAt: "asc" },
      select: { runAt: true },
    });
  } catch {
    return { ready: false, body: { status: "unavailable", database: "ok", jobQueue: "unreachable" } };
  }
  const ageSeconds = oldestDue ? Math.floor((now.getTime() - oldestDue.runAt.getTime()) / 1000) : 0;
  // Details only when something needs attention, so a healthy answer stays small and stable.
  return {
    ready: true,
    body:
      ageSeconds > QUEUE_LAG_SECONDS
        ? { status: "ready", database: "ok", jobQueue: "lagging", oldestDueJobAgeSeconds: ageSeconds }
        : { status: "ready", database: "ok" },
  };
}
