import { env } from "../env.server";
import { purgeExpiredIdempotencyRecords } from "../acp/idempotency.server";
import {
  FULL_SYNC_JOB,
  onInventoryChanged,
  onProductChanged,
  reconcileFeeds,
  runFullSync,
  type FullSyncKind,
  type InventoryChangedPayload,
  type ProductChangedPayload,
} from "../catalog/sync.server";
import { FEED_PUSH_JOB, FEED_PUSH_SCHEDULE_JOB, runPush, schedulePushes } from "../catalog/push.server";
import { recoverStalledCompletions } from "../checkout/complete.server";
import { expireDueSessions } from "../checkout/expiry.server";
import { deleteExpiredCarts } from "../privacy/carts.server";
import { deliverAgentEvent } from "../orders/deliver.server";
import { handleShopifyOrderEvent } from "../orders/shopify-updates.server";
import prisma from "../db.server";
import { sweepRateLimitCounters } from "../ops/rate-counters.server";
import { reencryptSecretsJob } from "../ops/reencrypt-secrets.server";
import {
  runCustomerRedact,
  runDataRequest,
  runRetentionPurge,
  runShopRedact,
  runShopUninstalled,
} from "../privacy/jobs.server";
import { migrateGraphileWorker, startGraphileWorker, stopGraphileWorker } from "./graphile.server";
import { usesPostgresQueue } from "./queue.server";
import { periodic, runDueJobs, schedulePeriodic, type JobHandler } from "./worker.server";

/** Every job kind this app runs, and its handler. Kinds without a handler here are not claimed. */
export const jobHandlers: Record<string, JobHandler> = {
  "agent_event.deliver": async (payload) => deliverAgentEvent((payload as { eventId: string }).eventId),
  "orders.shopify_event": async (payload, job) => {
    if (job.shop) await handleShopifyOrderEvent(job.shop, (payload as { orderId: string }).orderId);
  },
  "maintenance.recover_completions": periodic(env().RECOVERY_INTERVAL_SECONDS * 1000, async () => {
    await recoverStalledCompletions();
  }),
  // Sessions nobody reads again still end (reads expire them too); expired carts are deleted.
  "checkout.expire_sessions": periodic(5 * 60_000, async () => {
    await expireDueSessions();
    await deleteExpiredCarts();
  }),
  "maintenance.purge": periodic(60 * 60_000, async () => {
    await purgeExpiredIdempotencyRecords();
  }),
  [FULL_SYNC_JOB]: async (payload, job) =>
    runFullSync(job.shop!, payload as { kind?: FullSyncKind }, {
      lastAttempt: job.attempts >= job.maxAttempts,
    }),
  "catalog.product_changed": async (payload, job) =>
    onProductChanged(job.shop!, payload as ProductChangedPayload),
  "catalog.inventory_changed": async (payload, job) =>
    onInventoryChanged(job.shop!, payload as InventoryChangedPayload),
  // Checks often; each shop is fully synced again only when its last sync is 6 hours old.
  "catalog.reconcile": periodic(15 * 60_000, async () => {
    await reconcileFeeds();
  }),
  // Feed pushes to the shop's destinations (docs/decisions/010); the push retries itself.
  [FEED_PUSH_JOB]: async (payload, job) =>
    runPush(job.shop!, payload as { destinationId: string; trigger?: "schedule" | "change" | "manual" }),
  [FEED_PUSH_SCHEDULE_JOB]: periodic(60_000, async () => {
    await schedulePushes();
  }),
  // Privacy duties and the end of an install (app/privacy, docs/decisions/009).
  "privacy.customers.data_request": runDataRequest,
  "privacy.customers.redact": runCustomerRedact,
  "privacy.shop.redact": runShopRedact,
  "shop.uninstalled": runShopUninstalled,
  "privacy.retention_purge": runRetentionPurge,
  // Rate-limit counters of ended windows (app/ops/rate-counters.server.ts).
  "ops.rate_limit_sweep": periodic(60_000, async () => {
    await sweepRateLimitCounters(prisma);
  }),
  // Re-seals stored secrets with the first APP_ENCRYPTION_KEYS key (also a CLI, app/ops).
  "ops.reencrypt_secrets": reencryptSecretsJob,
};

const PERIODIC_KINDS = [
  "maintenance.recover_completions",
  "checkout.expire_sessions",
  "maintenance.purge",
  "catalog.reconcile",
  FEED_PUSH_SCHEDULE_JOB,
  "privacy.retention_purge",
  "ops.rate_limit_sweep",
];

let timer: NodeJS.Timeout | undefined;
let started = false;

/**
 * Starts running jobs in this process. State lives in the database, so stopping a process loses
 * nothing and every instance may run this. PostgreSQL: graphile-worker (app/jobs/graphile.server.ts);
 * SQLite: the Job table polled in-process (app/jobs/worker.server.ts). Same handlers either way.
 */
export async function startJobWorker(options: { pollMs?: number; concurrency?: number } = {}): Promise<void> {
  if (started) return;
  started = true;
  if (usesPostgresQueue()) {
    await startGraphileWorker(jobHandlers, {
      pollMs: options.pollMs,
      concurrency: options.concurrency,
      // After graphile-worker's migrations, before it runs: the periodic jobs exist exactly once.
      beforeStart: async () => {
        for (const kind of PERIODIC_KINDS) await schedulePeriodic(kind);
      },
    });
    return;
  }
  for (const kind of PERIODIC_KINDS) await schedulePeriodic(kind);
  const pollMs = options.pollMs ?? 1000;
  let running = false;
  timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      while ((await runDueJobs(jobHandlers)) > 0) {
        // Drain what is due before sleeping again.
      }
    } catch (error) {
      console.warn(JSON.stringify({ level: "warn", msg: "job.worker_poll_failed", error: String(error) }));
    } finally {
      running = false;
    }
  }, pollMs);
  timer.unref();
}

/**
 * For an instance that runs no jobs (JOB_WORKER=0): it still enqueues them, so on PostgreSQL
 * graphile-worker's schema must exist even if no worker instance has started yet.
 */
export async function prepareJobQueue(): Promise<void> {
  if (usesPostgresQueue()) await migrateGraphileWorker();
}

/** Stops taking new jobs; on PostgreSQL waits for the running ones to finish (graceful shutdown). */
export async function stopJobWorker(): Promise<void> {
  if (timer) clearInterval(timer);
  timer = undefined;
  if (started && usesPostgresQueue()) await stopGraphileWorker();
  started = false;
}
