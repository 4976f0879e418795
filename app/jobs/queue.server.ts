import type { Prisma, PrismaClient } from "@prisma/client";
import { databaseProvider } from "../db/url";
import { env } from "../env.server";

/** Anything that can run a Prisma write: the client itself or an interactive transaction. */
export type Db = PrismaClient | Prisma.TransactionClient;

export interface EnqueueOptions {
  kind: string;
  shop: string | null;
  payload: unknown;
  /** At most one pending job per key: a second enqueue while it waits is merged into it. */
  singletonKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  /**
   * With `singletonKey`: any job holding the key, even a running one, absorbs this one unchanged
   * (periodic jobs at start-up: their payload carries progress that must not be reset).
   */
  onlyIfAbsent?: boolean;
}

/** What a handler is told about the job it runs, the same on both backends. */
export interface JobView {
  id: string;
  kind: string;
  shop: string | null;
  /** This run included. */
  attempts: number;
  maxAttempts: number;
  createdAt: Date;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * Kinds that must never run twice at once for one shop get a named queue per shop: PostgreSQL's
 * worker runs the jobs of one queue one after another (docs/decisions/012). A full sync re-arms
 * itself slice by slice, and two slices of one export would race on its checkpoint.
 */
const SERIAL_PER_SHOP = new Set(["catalog.full_sync"]);

export function queueNameFor(kind: string, shop: string | null, singletonKey?: string): string | null {
  if (singletonKey?.startsWith("periodic:")) return singletonKey;
  if (shop && SERIAL_PER_SHOP.has(kind)) return `${kind}:${shop}`;
  return null;
}

export function usesPostgresQueue(): boolean {
  return databaseProvider(env().DATABASE_URL) === "postgresql";
}

/**
 * Adds a job to the durable queue. Call it inside the transaction that records the reason for the
 * job, so the two are written together or not at all (a transactional outbox).
 *
 * PostgreSQL: graphile-worker's `add_job` on the caller's own transaction. A `singletonKey` is its
 * `job_key` in `preserve_run_at` mode: a waiting job with the key takes the new payload and keeps
 * its place; while one runs, the new one waits behind it (it reflects a later state of the world).
 * SQLite: a row of the Job table, run by this process (app/jobs/worker.server.ts).
 */
export async function enqueueJob(db: Db, options: EnqueueOptions): Promise<void> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (usesPostgresQueue()) {
    const payload = JSON.stringify({ shop: options.shop, payload: options.payload ?? null });
    const queueName = queueNameFor(options.kind, options.shop, options.singletonKey);
    await db.$queryRaw`SELECT id FROM graphile_worker.add_job(
      ${options.kind}::text,
      payload => ${payload}::json,
      queue_name => ${queueName}::text,
      run_at => ${options.runAt ?? null}::timestamptz,
      max_attempts => ${maxAttempts}::int,
      job_key => ${options.singletonKey ?? null}::text,
      job_key_mode => ${options.onlyIfAbsent ? "unsafe_dedupe" : "preserve_run_at"}::text
    )`;
    return;
  }
  const data = {
    kind: options.kind,
    shop: options.shop,
    payload: JSON.stringify(options.payload ?? null),
    singletonKey: options.singletonKey ?? null,
    runAt: options.runAt ?? new Date(),
    maxAttempts,
  };
  if (!options.singletonKey) {
    await db.job.create({ data });
    return;
  }
  // A pending job with this key already covers this work; a finished one is replaced.
  const existing = await db.job.findUnique({ where: { singletonKey: options.singletonKey } });
  if (existing && (existing.status === "queued" || existing.status === "running")) return;
  if (existing) await db.job.delete({ where: { id: existing.id } });
  await db.job.create({ data });
}

/** Which kinds of jobs a shop still has waiting, and removing them (uninstall, shop/redact). */
export interface CancelQueuedJobs {
  shop: string;
  /** Only jobs created before this. */
  before?: Date;
  /** Kinds starting with any of these stay. */
  keepKindPrefixes?: string[];
  /** Also drop finished and dead jobs (their payloads may name the shop). */
  includeFinished?: boolean;
  /** Never this job (the one doing the cancelling). */
  exceptId?: string;
}

/** Removes a shop's waiting jobs (never one that is running). Returns how many went. */
export async function cancelQueuedJobs(db: Db, options: CancelQueuedJobs): Promise<number> {
  const keep = options.keepKindPrefixes ?? [];
  if (usesPostgresQueue()) {
    const before = options.before ?? null;
    const patterns = keep.map((prefix) => `${prefix}%`);
    // graphile-worker's complete_jobs deletes the unlocked ones among the ids: its API for "drop".
    const removed = await db.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM graphile_worker.complete_jobs(ARRAY(
        SELECT j.id FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE j.payload->>'shop' = ${options.shop}
          AND (${before}::timestamptz IS NULL OR j.created_at < ${before}::timestamptz)
          AND j.locked_at IS NULL
          AND (${options.includeFinished ?? false} OR j.attempts < j.max_attempts)
          AND NOT (t.identifier LIKE ANY (${patterns}::text[]))
          AND j.id::text IS DISTINCT FROM ${options.exceptId ?? null}::text
      ))`;
    return removed.length;
  }
  const deleted = await db.job.deleteMany({
    where: {
      shop: options.shop,
      status: options.includeFinished ? undefined : "queued",
      ...(options.before ? { createdAt: { lt: options.before } } : {}),
      ...(options.exceptId ? { id: { not: options.exceptId } } : {}),
      NOT: keep.map((prefix) => ({ kind: { startsWith: prefix } })),
    },
  });
  return deleted.count;
}

/**
 * Strips a running job of its payload, and with `shop: true` of its shop too (privacy jobs: the
 * payload names the customer, and after shop/redact nothing may name the shop). The SQLite queue
 * keeps finished rows; graphile-worker deletes a job once it succeeds, so there is nothing to do.
 */
export async function forgetJobPayload(db: Db, jobId: string, options: { shop?: boolean } = {}) {
  if (usesPostgresQueue()) return;
  await db.job.updateMany({
    where: { id: jobId },
    data: { payload: "null", ...(options.shop ? { shop: null } : {}) },
  });
}
