import prisma from "../db.server";
import { usesPostgresQueue } from "./queue.server";

export interface JobQueueStats {
  /** Jobs by kind and status: queued, running, done (SQLite only: graphile-worker deletes them), dead. */
  counts: { kind: string; status: string; count: number }[];
  /** When the oldest job that is due and not running became due. */
  oldestDueAt: Date | null;
}

/**
 * What is in the queue, read from the database shared by every instance. On PostgreSQL from
 * graphile-worker's `jobs` view: a job whose attempts reached max_attempts is never run again,
 * which is our dead letter (docs/decisions/012). Throws when the queue cannot be read.
 */
export async function jobQueueStats(now = new Date()): Promise<JobQueueStats> {
  if (usesPostgresQueue()) {
    const rows = await prisma.$queryRaw<{ kind: string; status: string; count: bigint }[]>`
      SELECT task_identifier AS kind,
             CASE WHEN attempts >= max_attempts AND locked_at IS NULL THEN 'dead'
                  WHEN locked_at IS NOT NULL THEN 'running'
                  ELSE 'queued' END AS status,
             count(*) AS count
      FROM graphile_worker.jobs
      GROUP BY 1, 2`;
    const [oldest] = await prisma.$queryRaw<{ run_at: Date | null }[]>`
      SELECT min(run_at) AS run_at FROM graphile_worker.jobs
      WHERE locked_at IS NULL AND attempts < max_attempts AND run_at <= ${now}::timestamptz`;
    return {
      counts: rows.map((row) => ({ kind: row.kind, status: row.status, count: Number(row.count) })),
      oldestDueAt: oldest?.run_at ? new Date(oldest.run_at) : null,
    };
  }
  const groups = await prisma.job.groupBy({ by: ["kind", "status"], _count: { _all: true } });
  const oldest = await prisma.job.findFirst({
    where: { status: "queued", runAt: { lte: now } },
    orderBy: { runAt: "asc" },
    select: { runAt: true },
  });
  return {
    counts: groups.map((group) => ({ kind: group.kind, status: group.status, count: group._count._all })),
    oldestDueAt: oldest?.runAt ?? null,
  };
}
