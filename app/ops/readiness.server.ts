import prisma from "../db.server";
import { jobQueueStats } from "../jobs/stats.server";

/** A due job older than this means the workers are not keeping up (or none is running). */
const QUEUE_LAG_SECONDS = 300;

export interface Readiness {
  ready: boolean;
  body: Record<string, unknown>;
}

/**
 * Ready = the database answers and the job queue can be read (graphile-worker's tables on
 * PostgreSQL, the Job table on SQLite). A lagging queue is reported but
 * does not fail readiness: the queue is shared, so it would take every instance out of the load
 * balancer at once while none of them could fix it (alert on acp_job_oldest_due_age_seconds).
 */
export async function checkReadiness(now = new Date()): Promise<Readiness> {
  try {
    await prisma.$queryRaw`SELECT 1`;
  } catch {
    return { ready: false, body: { status: "unavailable", database: "unreachable" } };
  }
  let oldestDueAt: Date | null;
  try {
    oldestDueAt = (await jobQueueStats(now)).oldestDueAt;
  } catch {
    return { ready: false, body: { status: "unavailable", database: "ok", jobQueue: "unreachable" } };
  }
  const ageSeconds = oldestDueAt ? Math.floor((now.getTime() - oldestDueAt.getTime()) / 1000) : 0;
  // Details only when something needs attention, so a healthy answer stays small and stable.
  return {
    ready: true,
    body:
      ageSeconds > QUEUE_LAG_SECONDS
        ? { status: "ready", database: "ok", jobQueue: "lagging", oldestDueJobAgeSeconds: ageSeconds }
        : { status: "ready", database: "ok" },
  };
}
