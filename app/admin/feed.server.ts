import prisma from "../db.server";
import {
  statusCounts,
  storedProblems,
  storedRowTitle,
  type StatusCounts,
  type StoredProblem,
} from "../catalog/feed-store.server";
import { feedUrlFor, rotateFeedToken, type FeedUrls } from "../catalog/feed-token.server";
import { requestFullSync } from "../catalog/sync.server";
import type { ActionResult } from "./forms";

/** The Feed page: sync status and runs, item problems, the pull URL. Every query is scoped by `shop`. */

export interface FeedRunView {
  id: string;
  kind: string;
  status: string;
  done: number;
  total: number | null;
  valid: number;
  invalid: number;
  excluded: number;
  deleted: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface FeedProblemItem {
  itemId: string;
  productId: string;
  /** Markets the item has these problems in ("*" for an excluded item: it is in none). */
  markets: string[];
  status: "invalid" | "excluded";
  title: string | null;
  problems: StoredProblem[];
}

export interface FeedOverview {
  counts: StatusCounts;
  lastFullSyncAt: string | null;
  running: FeedRunView | null;
  runs: FeedRunView[];
  lastSucceeded: FeedRunView | null;
  url: { prefix: string; createdAt: string | null; urls: FeedUrls } | null;
  problemFilter: "invalid" | "excluded";
  problemTotal: number;
  problems: FeedProblemItem[];
}

const RUNNING = ["exporting", "importing"];
const PROBLEM_PAGE = 50;

function runView(run: {
  id: string;
  kind: string;
  status: string;
  done: number;
  total: number | null;
  valid: number;
  invalid: number;
  excluded: number;
  deleted: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}): FeedRunView {
  return {
    ...run,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

// byteOffset is a BigInt (not JSON): never selected for the page.
const RUN_SELECT = {
  id: true,
  kind: true,
  status: true,
  done: true,
  total: true,
  valid: true,
  invalid: true,
  excluded: true,
  deleted: true,
  error: true,
  startedAt: true,
  finishedAt: true,
} as const;

/** The last full (or scheduled reconcile) sync that finished, for the home checklist too. */
export async function lastSucceededFullSync(shop: string): Promise<FeedRunView | null> {
  const run = await prisma.feedRun.findFirst({
    where: { shop, status: "succeeded", kind: { in: ["full", "reconcile"] } },
    orderBy: { startedAt: "desc" },
    select: RUN_SELECT,
  });
  return run ? runView(run) : null;
}

export async function runningFullSync(shop: string): Promise<FeedRunView | null> {
  const run = await prisma.feedRun.findFirst({
    where: { shop, status: { in: RUNNING } },
    orderBy: { startedAt: "desc" },
    select: RUN_SELECT,
  });
  return run ? runView(run) : null;
}

export async function feedOverview(
  shop: string,
  options: { problemFilter: "invalid" | "excluded" },
): Promise<FeedOverview> {
  const [counts, settings, runs, running, lastSucceeded, url, problemTotal, items] = await Promise.all([
    statusCounts(shop),
    prisma.feedSettings.findUnique({ where: { shop }, select: { lastFullSyncAt: true } }),
    prisma.feedRun.findMany({
      where: { shop },
      orderBy: { startedAt: "desc" },
      take: 10,
      select: RUN_SELECT,
    }),
    runningFullSync(shop),
    lastSucceededFullSync(shop),
    feedUrlFor(shop),
    prisma.feedItem.count({ where: { shop, status: options.problemFilter } }),
    prisma.feedItem.findMany({
      where: { shop, status: options.problemFilter },
      orderBy: [{ productId: "asc" }, { itemId: "asc" }],
      take: PROBLEM_PAGE,
      select: { itemId: true, productId: true, market: true, status: true, problems: true, row: true },
    }),
  ]);
  return {
    counts,
    lastFullSyncAt: settings?.lastFullSyncAt?.toISOString() ?? null,
    running,
    runs: runs.map(runView),
    lastSucceeded,
    url: url ? { prefix: url.prefix, createdAt: url.createdAt?.toISOString() ?? null, urls: url.urls } : null,
    problemFilter: options.problemFilter,
    problemTotal,
    problems: groupByItem(items),
  };
}

/** One entry per variant: the same problems usually repeat in every market it is sold in. */
function groupByItem(
  items: {
    itemId: string;
    productId: string;
    market: string;
    status: string;
    problems: string | null;
    row: string | null;
  }[],
): FeedProblemItem[] {
  const grouped = new Map<string, FeedProblemItem>();
  for (const item of items) {
    const key = `${item.itemId}\n${item.problems ?? ""}`;
    const existing = grouped.get(key);
    if (existing) {
      existing.markets.push(item.market);
      continue;
    }
    grouped.set(key, {
      itemId: item.itemId,
      productId: item.productId,
      markets: [item.market],
      status: item.status === "excluded" ? "excluded" : "invalid",
      title: storedRowTitle(item.row),
      problems: storedProblems(item.problems),
    });
  }
  return [...grouped.values()];
}

/** Queues a full sync (absorbed by one already queued); the page waits for a run started after `requestedAt`. */
export async function startFeedSync(shop: string): Promise<ActionResult<{ requestedAt: string }>> {
  const requestedAt = new Date(Date.now() - 1000).toISOString();
  await requestFullSync(shop, "full");
  return { ok: true, intent: "sync", requestedAt };
}

/** A new pull URL; the full URL (it holds the token) goes back to the merchant once. */
export async function rotateFeedUrl(shop: string): Promise<ActionResult<{ urls: FeedUrls }>> {
  const { urls } = await rotateFeedToken(shop);
  return { ok: true, intent: "rotate", urls };
}
