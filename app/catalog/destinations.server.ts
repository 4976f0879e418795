import { z } from "zod";
import prisma from "../db.server";
import { env } from "../env.server";
import { encryptSecret } from "../lib/crypto.server";
import { newId } from "../lib/ids";
import { requestPush } from "./push.server";

/**
 * A shop's push destinations as the admin edits them. The credential is write-only: it is
 * encrypted on the way in and only its last four characters ever come back out.
 */

export const DESTINATION_KINDS = ["file_upload", "feed_api"] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

function isLoopback(url: URL): boolean {
  return (
    url.hostname === "localhost" || url.hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(url.hostname)
  );
}

/** HTTPS only; plain HTTP to this machine in sandbox mode, where the stand-in agent listens. */
const DestinationUrl = z
  .string()
  .trim()
  .min(1, "Enter the destination URL.")
  .max(2000, "URL is too long.")
  .refine((value) => URL.canParse(value), "Enter a full URL, e.g. https://agent.example.com/feeds.")
  .refine((value) => {
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    if (url.protocol === "https:") return true;
    return url.protocol === "http:" && env().ACP_SANDBOX && isLoopback(url);
  }, "The URL must use https://.")
  .refine((value) => !URL.canParse(value) || (!new URL(value).username && !new URL(value).password), {
    message: "Put credentials in the secret field, not in the URL.",
  });

export const DestinationInputSchema = z
  .object({
    name: z.string().trim().min(1, "Give the destination a name.").max(80, "At most 80 characters."),
    kind: z.enum(DESTINATION_KINDS, { message: "Choose file upload or ACP Feed API." }),
    url: DestinationUrl,
    format: z.enum(["jsonl", "csv"], { message: "Choose JSONL or CSV." }).optional(),
    market: z.string().trim().max(100).optional(),
    authHeader: z
      .string()
      .trim()
      .max(100)
      .regex(/^[A-Za-z0-9-]*$/, "A header name has only letters, digits and dashes.")
      .optional(),
    /** Blank on edit keeps the stored secret. */
    secret: z.string().max(4000, "The secret is too long.").optional(),
    intervalMinutes: z.coerce
      .number({ message: "Enter a number of minutes." })
      .int("Whole minutes only.")
      .min(5, "At least 5 minutes.")
      .max(10_080, "At most 7 days (10080 minutes)."),
    enabled: z.boolean().default(true),
  })
  .superRefine((value, ctx) => {
    if (value.kind === "file_upload" && !value.format) {
      ctx.addIssue({ code: "custom", path: ["format"], message: "Choose JSONL or CSV." });
    }
    if (value.kind === "feed_api" && !value.market) {
      ctx.addIssue({ code: "custom", path: ["market"], message: "Choose the market this feed is for." });
    }
  });

export type DestinationInput = z.input<typeof DestinationInputSchema>;

/** What the admin may see of a destination (never the secret). */
export interface DestinationView {
  id: string;
  name: string;
  kind: DestinationKind;
  url: string;
  format: string | null;
  market: string | null;
  authHeader: string;
  secretLast4: string | null;
  intervalMinutes: number;
  enabled: boolean;
  remoteFeedId: string | null;
  lastPushAt: string | null;
  lastStatus: string | null;
  nextPushAt: string | null;
}

const VIEW_SELECT = {
  id: true,
  name: true,
  kind: true,
  url: true,
  format: true,
  market: true,
  authHeader: true,
  secretLast4: true,
  intervalMinutes: true,
  enabled: true,
  remoteFeedId: true,
  lastPushAt: true,
  lastStatus: true,
  nextPushAt: true,
} as const;

export async function listDestinations(shop: string): Promise<DestinationView[]> {
  const rows = await prisma.feedDestination.findMany({
    where: { shop },
    orderBy: { createdAt: "asc" },
    select: VIEW_SELECT,
  });
  return rows.map((row) => ({
    ...row,
    kind: row.kind as DestinationKind,
    lastPushAt: row.lastPushAt?.toISOString() ?? null,
    nextPushAt: row.nextPushAt?.toISOString() ?? null,
  }));
}

function sealed(secret: string | undefined) {
  const value = secret?.trim();
  if (!value) return undefined;
  return { secretEncrypted: encryptSecret(value), secretLast4: value.slice(-4) };
}

/** Validates and stores a new destination, then pushes it once. Throws `ZodError` on bad input. */
export async function createDestination(shop: string, input: DestinationInput): Promise<string> {
  const value = DestinationInputSchema.parse(input);
  const id = newId("fdst");
  await prisma.feedDestination.create({
    data: {
      id,
      shop,
      name: value.name,
      kind: value.kind,
      url: value.url,
      format: value.kind === "file_upload" ? value.format! : null,
      market: value.kind === "feed_api" ? value.market! : null,
      authHeader: value.authHeader || "Authorization",
      ...sealed(value.secret),
      intervalMinutes: value.intervalMinutes,
      enabled: value.enabled,
      nextPushAt: new Date(),
    },
  });
  if (value.enabled) await requestPush(shop, id, "manual");
  return id;
}

/**
 * Updates a destination. A new URL, kind or market is a new target: what the old one held says
 * nothing about it, so its feed id and pushed hashes are dropped and the next push sends everything.
 */
export async function updateDestination(shop: string, id: string, input: DestinationInput): Promise<boolean> {
  const value = DestinationInputSchema.parse(input);
  const current = await prisma.feedDestination.findFirst({ where: { id, shop } });
  if (!current) return false;
  const market = value.kind === "feed_api" ? value.market! : null;
  const retarget = current.url !== value.url || current.kind !== value.kind || current.market !== market;
  await prisma.$transaction([
    prisma.feedDestination.update({
      where: { id },
      data: {
        name: value.name,
        kind: value.kind,
        url: value.url,
        format: value.kind === "file_upload" ? value.format! : null,
        market,
        authHeader: value.authHeader || "Authorization",
        ...sealed(value.secret),
        intervalMinutes: value.intervalMinutes,
        enabled: value.enabled,
        ...(retarget ? { remoteFeedId: null, lastPushedVersion: null, failures: 0 } : {}),
        nextPushAt: new Date(),
      },
    }),
    ...(retarget ? [prisma.feedPushedProduct.deleteMany({ where: { shop, destinationId: id } })] : []),
  ]);
  return true;
}

export async function setDestinationEnabled(shop: string, id: string, enabled: boolean): Promise<boolean> {
  const updated = await prisma.feedDestination.updateMany({
    where: { id, shop },
    data: { enabled, failures: 0, ...(enabled ? { nextPushAt: new Date() } : {}) },
  });
  return updated.count === 1;
}

/** Deletes a destination with its pushed hashes and delivery history. */
export async function deleteDestination(shop: string, id: string): Promise<boolean> {
  const current = await prisma.feedDestination.findFirst({ where: { id, shop }, select: { id: true } });
  if (!current) return false;
  await prisma.$transaction([
    prisma.feedPushedProduct.deleteMany({ where: { shop, destinationId: id } }),
    prisma.feedDelivery.deleteMany({ where: { shop, destinationId: id } }),
    prisma.feedDestination.delete({ where: { id } }),
  ]);
  return true;
}

/** "Push now": a manual push of an enabled destination (absorbed if one is pending). */
export async function pushNow(shop: string, id: string): Promise<"queued" | "disabled" | "not_found"> {
  const current = await prisma.feedDestination.findFirst({ where: { id, shop }, select: { enabled: true } });
  if (!current) return "not_found";
  if (!current.enabled) return "disabled";
  await requestPush(shop, id, "manual");
  return "queued";
}

export interface DeliveryView {
  id: string;
  destinationId: string;
  trigger: string;
  status: string;
  attempt: number;
  httpStatus: number | null;
  products: number;
  removed: number;
  bytes: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export async function recentDeliveries(shop: string, take = 25): Promise<DeliveryView[]> {
  const rows = await prisma.feedDelivery.findMany({
    where: { shop },
    orderBy: { startedAt: "desc" },
    take,
  });
  return rows.map((row) => ({
    id: row.id,
    destinationId: row.destinationId,
    trigger: row.trigger,
    status: row.status,
    attempt: row.attempt,
    httpStatus: row.httpStatus,
    products: row.products,
    removed: row.removed,
    bytes: row.bytes,
    error: row.error,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  }));
}

/** Markets the stored feed has products for (a Feed API destination pushes one of them). */
export async function feedMarkets(shop: string): Promise<string[]> {
  const rows = await prisma.feedProduct.findMany({
    where: { shop },
    distinct: ["market"],
    select: { market: true },
    orderBy: { market: "asc" },
  });
  return rows.map((row) => row.market);
}
