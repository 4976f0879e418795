import type { Job } from "@prisma/client";
import prisma from "../db.server";
import { env } from "../env.server";
import type { JobHandler } from "../jobs/worker.server";
import { customerRefFrom } from "./personal-data";
import { gatherCustomerData, redactCustomer } from "./customers.server";
import { purgeExpiredBuyerData } from "./retention.server";
import { eraseShop, retireShop } from "./shop.server";

/**
 * The privacy jobs (app/jobs/registry.server.ts runs them). The compliance webhooks enqueue them
 * with Shopify's payload plus `webhookId` (app/webhooks/handlers.server.ts). Each one rewrites its
 * own job row when done: the row is the record of the request (docs/decisions/009), and it must
 * not keep personal data longer than the request needs.
 */

type CompliancePayload = Record<string, unknown> & { webhookId?: string };

/** While a completion holds one of the customer's sessions; completions settle within minutes. */
const DEFERRED_RETRY_MS = 60_000;
const RETENTION_EVERY_MS = 60 * 60_000;

/** customers/data_request: the report is stored on the job row, for the merchant to fetch. */
export const runDataRequest: JobHandler = async (payload, job) => {
  const request = payload as CompliancePayload;
  const report = await gatherCustomerData(job.shop!, customerRefFrom(request, "orders_requested"));
  await saveJobPayload(job, { ...request, report });
  log("privacy.data_request_recorded", job, {
    sessions: report.checkoutSessions.length,
    payments: report.payments.length,
  });
};

/** customers/redact: afterwards the row keeps what was done and Shopify's ids, not who it was. */
export const runCustomerRedact: JobHandler = async (payload, job) => {
  const request = payload as CompliancePayload;
  const customer = customerRefFrom(request, "orders_to_redact");
  const result = await redactCustomer(job.shop!, customer);
  log("privacy.customer_redacted", job, { ...result });
  if (result.deferred > 0) return { rescheduleAt: new Date(Date.now() + DEFERRED_RETRY_MS) };
  await saveJobPayload(job, {
    webhookId: request.webhookId ?? null,
    customer: { id: customer.customerId },
    orders_to_redact: customer.orderIds,
    result,
    completedAt: new Date().toISOString(),
  });
};

/** shop/redact: nothing of the shop stays, this row included (it loses its shop and payload). */
export const runShopRedact: JobHandler = async (payload, job) => {
  const request = payload as CompliancePayload;
  const result = await eraseShop(job.shop!, job.id);
  if ("skipped" in result) {
    log("privacy.shop_redact_skipped", job, { reason: result.skipped }, "warn");
    return;
  }
  log("privacy.shop_redacted", job, { rows: Object.values(result.deleted).reduce((a, b) => a + b, 0) });
  await prisma.job.update({
    where: { id: job.id },
    data: {
      shop: null,
      payload: JSON.stringify({
        webhookId: request.webhookId ?? null,
        deleted: result.deleted,
        completedAt: new Date().toISOString(),
      }),
    },
  });
};

/** app/uninstalled (after the webhook's own quick steps): keys, agents, queued work, feed URL. */
export const runShopUninstalled: JobHandler = async (_payload, job) => {
  const result = await retireShop(job.shop!, job.createdAt);
  log("shop.retired", job, { ...result });
};

/** Periodic: buyer data older than BUYER_DATA_RETENTION_DAYS; progress kept in the job's payload. */
export const runRetentionPurge: JobHandler = async (payload, job) => {
  const previous = (payload ?? {}) as { watermark?: string };
  try {
    const result = await purgeExpiredBuyerData({
      retentionDays: env().BUYER_DATA_RETENTION_DAYS,
      since: previous.watermark ? new Date(previous.watermark) : null,
    });
    await saveJobPayload(job, {
      watermark: result.watermark,
      lastRun: { ...result, at: new Date().toISOString() },
    });
    if (result.erased || result.dataRequestsRemoved) log("privacy.retention_purged", job, { ...result });
  } catch (error) {
    // Periodic: try again at the next run rather than backing off into `dead`.
    console.warn(JSON.stringify({ level: "warn", msg: "privacy.retention_failed", error: String(error) }));
  }
  return { rescheduleAt: new Date(Date.now() + RETENTION_EVERY_MS) };
};

async function saveJobPayload(job: Job, payload: unknown) {
  await prisma.job.update({ where: { id: job.id }, data: { payload: JSON.stringify(payload) } });
}

/** Counts and ids only: these lines must never carry the customer's details. */
function log(msg: string, job: Job, detail: Record<string, unknown>, level: "info" | "warn" = "info") {
  const line = JSON.stringify({ level, msg, shop: job.shop, jobId: job.id, ...detail });
  if (level === "warn") console.warn(line);
  else console.log(line);
}
