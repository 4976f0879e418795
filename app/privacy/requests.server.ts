import prisma from "../db.server";
import { DATA_REQUEST_JOB } from "./customers.server";

/**
 * The shop's privacy requests, for the admin: what Shopify asked, when, and whether it is done.
 * They are job rows until a `PrivacyRequest` model exists (docs/decisions/009).
 */
export async function listPrivacyRequests(shop: string) {
  const jobs = await prisma.job.findMany({
    where: { shop, kind: { startsWith: "privacy.customers." } },
    select: { id: true, kind: true, status: true, createdAt: true, updatedAt: true, lastError: true },
    orderBy: { createdAt: "desc" },
    take: 100,
  });
  return jobs.map((job) => ({
    id: job.id,
    topic: job.kind.replace("privacy.", "").replace(".", "/"),
    status: job.status,
    receivedAt: job.createdAt,
    finishedAt: job.status === "done" ? job.updatedAt : null,
    lastError: job.lastError,
  }));
}

/** The JSON report of one customers/data_request of this shop; null until it has been gathered. */
export async function dataRequestReport(shop: string, id: string): Promise<unknown | null> {
  const job = await prisma.job.findFirst({ where: { id, shop, kind: DATA_REQUEST_JOB } });
  if (!job) return null;
  return (JSON.parse(job.payload) as { report?: unknown }).report ?? null;
}
