import { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { cancelQueuedJobs } from "../jobs/queue.server";

/**
 * The end of a shop's install. Uninstall (app/uninstalled) stops everything at once; shop/redact,
 * which Shopify sends 48 hours later, removes what is left.
 */

/** Jobs that must still run after uninstall: the privacy duties and this very clean-up. */
const KEEP_AFTER_UNINSTALL = ["privacy.", "shop."];

export interface RetireResult {
  keysRevoked: number;
  agentsDeleted: number;
  eventsCanceled: number;
  jobsCanceled: number;
  feedTokensRevoked: number;
}

/**
 * Uninstall: revokes every agent key and deletes every agent made before `uninstalledAt` (a
 * reinstall's new ones are left alone), drops order events not yet delivered and the shop's
 * queued work, and revokes the feed pull URL. The webhook already deleted the Shopify sessions and
 * marked the shop uninstalled, which stops ACP calls, feed serving and reconciles by itself; this
 * makes it stick across a reinstall.
 */
export async function retireShop(shop: string, uninstalledAt: Date, now = new Date()): Promise<RetireResult> {
  const before = { lte: uninstalledAt };
  const [keys, agents, events, feeds] = await prisma.$transaction([
    prisma.agentApiKey.updateMany({
      where: { shop, revokedAt: null, createdAt: before },
      data: { revokedAt: now },
    }),
    prisma.agent.updateMany({
      where: { shop, deletedAt: null, createdAt: before },
      data: { deletedAt: now },
    }),
    prisma.agentEvent.updateMany({
      where: { shop, status: "pending", createdAt: before },
      data: { status: "skipped", lastError: "Shop uninstalled" },
    }),
    prisma.feedSettings.updateMany({
      where: { shop, tokenHash: { not: null }, tokenCreatedAt: before },
      data: { tokenHash: null, tokenPrefix: null, tokenCreatedAt: null },
    }),
  ]);
  // Queued jobs live in the queue's own tables on PostgreSQL (graphile-worker), hence outside the
  // transaction; a job that slips through finds the shop uninstalled and does nothing.
  const jobsCanceled = await cancelQueuedJobs(prisma, {
    shop,
    before: new Date(uninstalledAt.getTime() + 1),
    keepKindPrefixes: KEEP_AFTER_UNINSTALL,
  });
  return {
    keysRevoked: keys.count,
    agentsDeleted: agents.count,
    eventsCanceled: events.count,
    jobsCanceled,
    feedTokensRevoked: feeds.count,
  };
}

/**
 * Every model that belongs to a shop, read from the Prisma schema so a new model with a `shop`
 * column is covered without touching this file (docs/STYLE: every row is scoped by shop).
 */
function shopScopedModels(): string[] {
  return Prisma.dmmf.datamodel.models
    .filter((model) => model.fields.some((field) => field.name === "shop"))
    .map((model) => model.name);
}

type DeleteDelegate = { deleteMany(args: { where: Record<string, unknown> }): Promise<{ count: number }> };

function delegate(model: string): DeleteDelegate {
  const name = model[0].toLowerCase() + model.slice(1);
  return (prisma as unknown as Record<string, DeleteDelegate>)[name];
}

export type EraseShopResult = { skipped: "installed" } | { deleted: Record<string, number> };

/**
 * shop/redact: deletes every row of the shop in every table, the Shop row last. The running job
 * (`keepJobId`) is left for the worker to close; the caller strips it of the shop. Refused while
 * the shop is installed again (Shopify does not send shop/redact then; a late one must not wipe a
 * live install). Each delete is its own statement, so a shop with millions of feed rows does not
 * hold one long transaction; a failed run is simply run again.
 */
export async function eraseShop(shop: string, keepJobId: string | null): Promise<EraseShopResult> {
  const [row, session] = await Promise.all([
    prisma.shop.findUnique({ where: { domain: shop } }),
    prisma.session.findFirst({ where: { shop }, select: { id: true } }),
  ]);
  if (row && !row.uninstalledAt && session) return { skipped: "installed" };
  const deleted: Record<string, number> = {};
  for (const model of shopScopedModels()) {
    const where: Record<string, unknown> = { shop };
    if (model === "Job" && keepJobId) where.NOT = { id: keepJobId };
    deleted[model] = (await delegate(model).deleteMany({ where })).count;
  }
  deleted.Shop = (await prisma.shop.deleteMany({ where: { domain: shop } })).count;
  return { deleted };
}
