import { EventEmitter } from "node:events";
import { Logger, run, runMigrations, type Runner, type Task, type TaskList } from "graphile-worker";
import pg from "pg";
import { env } from "../env.server";
import { queueNameFor, type JobView } from "./queue.server";
import type { JobHandler } from "./worker.server";

/**
 * The job queue on PostgreSQL: graphile-worker (docs/decisions/012). Jobs are added by
 * `enqueueJob` inside the caller's transaction; this runs them with retries and exponential
 * backoff (graphile-worker's own), LISTEN/NOTIFY for new work and a poll as a fallback. A job
 * that used up its attempts stays in the table with its last error: that is the dead letter.
 */

/** Payload as stored by enqueueJob: the shop travels with the handler's own payload. */
interface Envelope {
  shop: string | null;
  payload: unknown;
}

/** How often each instance looks for jobs locked by a worker that has died (see reapOrphans). */
const REAP_EVERY_MS = 10_000;
/** A lock younger than this is never reaped: its worker may still be taking its liveness lock. */
const REAP_MIN_AGE_SECONDS = 10;

let runner: Runner | undefined;
let liveness: pg.Client | undefined;
let reaper: NodeJS.Timeout | undefined;
let ownPoolId: string | undefined;

/** graphile-worker's schema and migrations; safe from every instance at once. */
export async function migrateGraphileWorker(connectionString = env().DATABASE_URL) {
  await runMigrations({ connectionString, logger: quietLogger });
}

function log(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "info") console.log(line);
  else console.warn(line);
}

/** graphile-worker logs every job at info; our log keeps failures only, as JSON lines. */
const quietLogger = new Logger(() => (level, message, meta) => {
  if (level !== "error" && level !== "warning") return;
  const job = (meta as { job?: { id?: string; task_identifier?: string } } | undefined)?.job;
  log(level === "error" ? "error" : "warn", "job.graphile", {
    message: message.split("\n")[0].slice(0, 500),
    jobId: job?.id,
    kind: job?.task_identifier,
  });
});

function taskFor(kind: string, handler: JobHandler): Task {
  return async (raw, helpers) => {
    const envelope = (raw ?? { shop: null, payload: null }) as Envelope;
    const row = helpers.job;
    const job: JobView = {
      id: String(row.id),
      kind,
      shop: envelope.shop ?? null,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      createdAt: new Date(row.created_at),
    };
    const result = await handler(envelope.payload, job);
    if (!result) return;
    // Re-arm: same key (a periodic kind's or a full sync's), so there is still one pending job;
    // while this one holds the key graphile-worker moves it to the new job.
    await helpers.addJob(
      kind,
      { shop: job.shop, payload: result.payload === undefined ? envelope.payload : result.payload },
      {
        runAt: result.rescheduleAt,
        maxAttempts: row.max_attempts,
        jobKey: row.key ?? undefined,
        jobKeyMode: "replace",
        queueName: queueNameFor(kind, job.shop, row.key ?? undefined) ?? undefined,
      },
    );
  };
}

/**
 * Starts graphile-worker in this process. Every instance may run it: jobs are claimed with
 * `FOR UPDATE SKIP LOCKED`, and a named queue runs one job at a time across all of them.
 */
export async function startGraphileWorker(
  handlers: Record<string, JobHandler>,
  options: { concurrency?: number; pollMs?: number; beforeStart?: () => Promise<void> } = {},
): Promise<void> {
  if (runner) return;
  const connectionString = env().DATABASE_URL;
  await migrateGraphileWorker(connectionString);
  await options.beforeStart?.();
  const taskList: TaskList = {};
  for (const [kind, handler] of Object.entries(handlers)) taskList[kind] = taskFor(kind, handler);

  // Liveness: this process holds a session advisory lock named after its worker pool for as long
  // as it lives; PostgreSQL releases it when the process dies, however it dies.
  liveness = new pg.Client({ connectionString });
  liveness.on("error", (error) => log("warn", "job.liveness_connection_error", { error: String(error) }));
  await liveness.connect();
  const events = new EventEmitter();
  const poolIds: Promise<string> = new Promise((resolve) =>
    events.once("pool:create", ({ workerPool }: { workerPool: { id: string } }) => resolve(workerPool.id)),
  );
  runner = await run({
    connectionString,
    concurrency: options.concurrency ?? 2,
    // LISTEN/NOTIFY wakes a worker for new jobs; the poll only finds retries and re-armed jobs coming due.
    pollInterval: Math.max(options.pollMs ?? 2000, 500),
    noHandleSignals: true,
    logger: quietLogger,
    events: events as never,
    taskList,
  });
  const poolId = await poolIds;
  ownPoolId = poolId;
  await liveness.query("SELECT pg_advisory_lock(hashtext($1))", [livenessKey(poolId)]);
  reaper = setInterval(() => {
    reapOrphans().catch((error) => log("warn", "job.reap_failed", { error: String(error) }));
  }, REAP_EVERY_MS);
  reaper.unref();
  log("info", "job.worker_started", { backend: "graphile-worker", poolId });
}

const livenessKey = (poolId: string) => `acp-job-worker:${poolId}`;

/**
 * graphile-worker frees the jobs of a worker that died without a word (SIGKILL, lost machine) only
 * after four hours. We unlock them as soon as the owner's liveness lock is free: a periodic job or
 * a shop's sync queue must not stall for hours because one instance was killed. The job then runs
 * again on another instance, so every handler is idempotent (they were on the lease queue too).
 */
export async function reapOrphans(): Promise<string[]> {
  const client = liveness;
  if (!client) return [];
  const { rows } = await client.query<{ locked_by: string }>(
    `SELECT DISTINCT locked_by FROM graphile_worker.jobs
     WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)`,
    [REAP_MIN_AGE_SECONDS],
  );
  const reaped: string[] = [];
  for (const { locked_by: owner } of rows) {
    // Our own session holds our lock, and advisory locks are re-entrant within a session.
    if (owner === ownPoolId) continue;
    const free = await client.query<{ free: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS free", [
      livenessKey(owner),
    ]);
    if (!free.rows[0].free) continue;
    try {
      await client.query("SELECT graphile_worker.force_unlock_workers($1::text[])", [[owner]]);
      reaped.push(owner);
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [livenessKey(owner)]);
    }
  }
  if (reaped.length) log("warn", "job.orphans_unlocked", { workers: reaped });
  return reaped;
}

/** Lets running jobs finish (graphile-worker's graceful stop), then drops the liveness lock. */
export async function stopGraphileWorker(): Promise<void> {
  if (reaper) clearInterval(reaper);
  reaper = undefined;
  const stopping = runner;
  runner = undefined;
  await stopping?.stop();
  await liveness?.end().catch(() => undefined);
  liveness = undefined;
  ownPoolId = undefined;
}
