import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import prisma from "../db.server";
import { enqueueJob, type JobView } from "./queue.server";

/**
 * A handler may ask to run again later (periodic work keeps one pending job that it re-arms),
 * optionally with a new payload (a periodic task's progress).
 */
export type JobHandler = (
  payload: unknown,
  job: JobView,
) => Promise<void | { rescheduleAt: Date; payload?: unknown }>;

/** How long a claimed job is ours; a job whose worker died is claimable again after it. */
const LEASE_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 60 * 60_000;

export const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1)) + Math.floor(Math.random() * 250);
}

/**
 * The in-process queue of the SQLite default (PostgreSQL runs graphile-worker: graphile.server.ts).
 * Claims and runs due jobs of the given kinds. Claiming is a conditional update on the row (the
 * database arbitrates), so any number of instances can poll the same table; each job runs once
 * per attempt. Failures are retried with exponential backoff until `maxAttempts`, then the job is
 * parked as `dead` with its last error (visible in the admin).
 */
export async function runDueJobs(
  handlers: Record<string, JobHandler>,
  options: { limit?: number; now?: Date } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const kinds = Object.keys(handlers);
  const candidates = await prisma.job.findMany({
    where: {
      kind: { in: kinds },
      OR: [
        { status: "queued", runAt: { lte: now } },
        { status: "running", lockedUntil: { lt: now } },
      ],
    },
    orderBy: { runAt: "asc" },
    take: options.limit ?? 20,
  });
  let ran = 0;
  for (const candidate of candidates) {
    const claimed = await prisma.job.updateMany({
      where: {
        id: candidate.id,
        status: candidate.status,
        lockedUntil: candidate.lockedUntil,
        attempts: candidate.attempts,
      },
      data: {
        status: "running",
        lockedBy: workerId,
        lockedUntil: new Date(now.getTime() + LEASE_MS),
        attempts: { increment: 1 },
      },
    });
    if (claimed.count !== 1) continue;
    const job: JobView = {
      id: candidate.id,
      kind: candidate.kind,
      shop: candidate.shop,
      attempts: candidate.attempts + 1,
      maxAttempts: candidate.maxAttempts,
      createdAt: candidate.createdAt,
    };
    ran++;
    try {
      const result = await handlers[job.kind](JSON.parse(candidate.payload), job);
      await prisma.job.update({
        where: { id: job.id },
        data: result
          ? {
              status: "queued",
              runAt: result.rescheduleAt,
              ...(result.payload !== undefined ? { payload: JSON.stringify(result.payload) } : {}),
              attempts: 0,
              lockedBy: null,
              lockedUntil: null,
              lastError: null,
            }
          : { status: "done", lockedBy: null, lockedUntil: null },
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const dead = job.attempts >= job.maxAttempts;
      await prisma.job.update({
        where: { id: job.id },
        data: {
          status: dead ? "dead" : "queued",
          lockedBy: null,
          lockedUntil: null,
          lastError: message.slice(0, 2000),
          runAt: new Date(Date.now() + backoffMs(job.attempts)),
        },
      });
    }
  }
  return ran;
}

/** A periodic task: one row per kind (singleton across instances), re-armed after each run. */
export function periodic(everyMs: number, task: () => Promise<void>): JobHandler {
  return async () => {
    try {
      await task();
    } catch (error) {
      console.warn(JSON.stringify({ level: "warn", msg: "job.periodic_failed", error: String(error) }));
    }
    return { rescheduleAt: new Date(Date.now() + everyMs) };
  };
}

/** Makes sure the periodic job exists (idempotent; safe from every instance at start-up). */
export async function schedulePeriodic(kind: string) {
  await enqueueJob(prisma, {
    kind,
    shop: null,
    payload: {},
    singletonKey: `periodic:${kind}`,
    onlyIfAbsent: true,
  });
}
