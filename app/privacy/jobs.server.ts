import prisma from "../db.server";
import { env } from "../env.server";
import { cancelQueuedJobs, forgetJobPayload, type JobView } from "../jobs/queue.server";
import type { JobHandler } from "../jobs/worker.server";
import { customerRefFrom } from "./personal-data";
import { gatherCustomerData, redactCustomer } from "./customers.server";
import {
  closePrivacyRequest,
  erasedShopRef,
  openPrivacyRequest,
  privacyRequestId,
  type PrivacyTopic,
} from "./requests.server";
import { purgeExpiredBuyerData } from "./retention.server";
import { eraseShop, retireShop } from "./shop.server";

/**
 * The privacy jobs (app/jobs/registry.server.ts runs them). The compliance webhooks enqueue them
 * with Shopify's payload plus `webhookId` (app/webhooks/handlers.server.ts). Each one keeps its
 * record in PrivacyRequest (app/privacy/requests.server.ts), which must not hold personal data
 * longer than the request needs; the job's own payload goes with the job.
 */

type CompliancePayload = Record<string, unknown> & { webhookId?: string };

/** While a completion holds one of the customer's sessions; completions settle within minutes. */
const DEFERRED_RETRY_MS = 60_000;
const RETENTION_EVERY_MS = 60 * 60_000;

async function open(
  job: JobView,
  request: CompliancePayload,
  topic: PrivacyTopic,
  customerId: string | null,
) {
  const id = privacyRequestId(request.webhookId, job.id);
  await openPrivacyRequest({ id, shop: job.shop!, topic, customerId, receivedAt: job.createdAt });
  return id;
}

/** customers/data_request: the report is kept on the request's record, for the merchant to fetch. */
export const runDataRequest: JobHandler = async (payload, job) => {
  const request = payload as CompliancePayload;
  const customer = customerRefFrom(request, "orders_requested");
  const id = await open(job, request, "customers/data_request", customer.customerId);
  const report = await gatherCustomerData(job.shop!, customer);
  await closePrivacyRequest(id, {
    status: "done",
    result: { sessions: report.checkoutSessions.length, payments: report.payments.length },
    report,
    expiresAt: new Date(Date.now() + env().BUYER_DATA_RETENTION_DAYS * 86_400_000),
  });
  await forgetJobPayload(prisma, job.id);
  log("privacy.data_request_recorded", job, {
    sessions: report.checkoutSessions.length,
    payments: report.payments.length,
  });
};

/** customers/redact: afterwards the record keeps what was done and Shopify's ids, not who it was. */
export const runCustomerRedact: JobHandler = async (payload, job) => {
  const request = payload as CompliancePayload;
  const customer = customerRefFrom(request, "orders_to_redact");
  const id = await open(job, request, "customers/redact", customer.customerId);
  const result = await redactCustomer(job.shop!, customer);
  log("privacy.customer_redacted", job, { ...result });
  const deferred = result.deferred > 0;
  await closePrivacyRequest(id, {
    status: deferred ? "deferred" : "done",
    result: { customer: { id: customer.customerId }, orders_to_redact: customer.orderIds, result },
  });
  if (deferred) return { rescheduleAt: new Date(Date.now() + DEFERRED_RETRY_MS) };
  await forgetJobPayload(prisma, job.id);
};

/** shop/redact: nothing of the shop stays, this row included (it loses its shop and payload). */
export const runShopRedact: JobHandler = async (payload, job) => {
  const request = payload as CompliancePayload;
  const shop = job.shop!;
  const result = await eraseShop(shop, job.id);
  if ("skipped" in result) {
    const id = await open(job, request, "shop/redact", null);
    await closePrivacyRequest(id, { status: "refused", result: { reason: result.skipped } });
    log("privacy.shop_redact_skipped", job, { reason: result.skipped }, "warn");
    return;
  }
  // Every other job of the shop goes too (on PostgreSQL they are not Prisma rows).
  result.deleted.QueuedJobs = await cancelQueuedJobs(prisma, {
    shop,
    includeFinished: true,
    exceptId: job.id,
  });
  log("privacy.shop_redacted", job, { rows: Object.values(result.deleted).reduce((a, b) => a + b, 0) });
  await forgetJobPayload(prisma, job.id, { shop: true });
  // The record is written after the erasure (which took the shop's records with it), without the domain.
  const id = privacyRequestId(request.webhookId, job.id);
  await prisma.privacyRequest.upsert({
    where: { id },
    create: {
      id,
      shop: erasedShopRef(shop),
      topic: "shop/redact",
      status: "done",
      result: JSON.stringify({ deleted: result.deleted }),
      receivedAt: job.createdAt,
      completedAt: new Date(),
    },
    update: {
      shop: erasedShopRef(shop),
      status: "done",
      result: JSON.stringify({ deleted: result.deleted }),
      completedAt: new Date(),
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
    if (result.erased || result.dataRequestsRemoved) log("privacy.retention_purged", job, { ...result });
    return {
      rescheduleAt: new Date(Date.now() + RETENTION_EVERY_MS),
      payload: { watermark: result.watermark, lastRun: { ...result, at: new Date().toISOString() } },
    };
  } catch (error) {
    // Periodic: try again at the next run rather than backing off into `dead`.
    console.warn(JSON.stringify({ level: "warn", msg: "privacy.retention_failed", error: String(error) }));
    return { rescheduleAt: new Date(Date.now() + RETENTION_EVERY_MS) };
  }
};

/** Counts and ids only: these lines must never carry the customer's details. */
function log(msg: string, job: JobView, detail: Record<string, unknown>, level: "info" | "warn" = "info") {
  const line = JSON.stringify({ level, msg, shop: job.shop, jobId: job.id, ...detail });
  if (level === "warn") console.warn(line);
  else console.log(line);
}
