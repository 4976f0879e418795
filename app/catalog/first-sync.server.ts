import prisma from "../db.server";
import { requestFullSync } from "./sync.server";

/**
 * Called from `afterAuth` (app/shopify.server.ts), which runs when Shopify grants the app a new
 * offline token: an install or a reinstall. Records the shop as installed (the sync and the feed
 * only serve installed shops) and, when the shop's catalog has never been fully synced, queues that
 * first sync at once instead of waiting up to 15 minutes for the reconcile. Idempotent: the full
 * sync's singleton key absorbs a second request while one is queued or running, and a shop that
 * already has a feed is left to its webhooks and the reconcile.
 */
export async function queueFirstSync(shop: string, scopes?: string): Promise<boolean> {
  await prisma.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, scopes: scopes ?? null },
    update: { uninstalledAt: null, ...(scopes ? { scopes } : {}) },
  });
  const settings = await prisma.feedSettings.findUnique({
    where: { shop },
    select: { lastFullSyncAt: true },
  });
  if (settings?.lastFullSyncAt) return false;
  await requestFullSync(shop, "full");
  return true;
}
