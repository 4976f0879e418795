import { createHash } from "node:crypto";
import prisma from "../db.server";

/**
 * The record of each compliance request Shopify sent (the PrivacyRequest table, docs/decisions/009):
 * what was asked, when, what was done, and for a data request its report until `expiresAt`. The
 * row's id is the webhook's id, so a job that runs again rewrites the same record.
 */

export type PrivacyTopic = "customers/data_request" | "customers/redact" | "shop/redact";

/** A record's id: Shopify's webhook id, else the job's (a request enqueued without one). */
export function privacyRequestId(webhookId: unknown, jobId: string): string {
  return typeof webhookId === "string" && webhookId ? webhookId : `job_${jobId}`;
}

/** Marks the request as being worked on (created on its first run). */
export async function openPrivacyRequest(input: {
  id: string;
  shop: string;
  topic: PrivacyTopic;
  customerId: string | null;
  receivedAt: Date;
}) {
  await prisma.privacyRequest.upsert({
    where: { id: input.id },
    create: { ...input, status: "running" },
    update: { status: "running" },
  });
}

export async function closePrivacyRequest(
  id: string,
  outcome: {
    status: "done" | "deferred" | "refused";
    result: unknown;
    report?: unknown;
    expiresAt?: Date | null;
    /** shop/redact: the record may no longer name the shop. */
    shop?: string;
  },
) {
  await prisma.privacyRequest.update({
    where: { id },
    data: {
      status: outcome.status,
      result: JSON.stringify(outcome.result),
      report: outcome.report === undefined ? undefined : JSON.stringify(outcome.report),
      completedAt: outcome.status === "deferred" ? null : new Date(),
      expiresAt: outcome.expiresAt,
      shop: outcome.shop,
    },
  });
}

/**
 * What a shop/redact record keeps instead of the domain: its SHA-256, so whoever holds the domain
 * can still find the proof that it was carried out, and nobody else learns it from the table.
 */
export function erasedShopRef(shop: string): string {
  return `sha256:${createHash("sha256").update(shop).digest("hex")}`;
}

/** The shop's privacy requests, for the admin: what Shopify asked, when, and whether it is done. */
export async function listPrivacyRequests(shop: string) {
  return prisma.privacyRequest.findMany({
    where: { shop },
    select: {
      id: true,
      topic: true,
      status: true,
      customerId: true,
      receivedAt: true,
      completedAt: true,
      expiresAt: true,
    },
    orderBy: { receivedAt: "desc" },
    take: 100,
  });
}

/** The JSON report of one customers/data_request of this shop; null until gathered or once expired. */
export async function dataRequestReport(shop: string, id: string): Promise<unknown | null> {
  const row = await prisma.privacyRequest.findFirst({
    where: { id, shop, topic: "customers/data_request" },
    select: { report: true },
  });
  return row?.report ? JSON.parse(row.report) : null;
}
