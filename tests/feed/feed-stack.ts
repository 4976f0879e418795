import { createHash, randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { FeedRun, PrismaClient } from "@prisma/client";
import { seedShopInstall } from "../../sandbox/app-seed/seed";
import { APP_SCOPES, demoShop, euShop } from "../../sandbox/shopify-admin/fixtures/catalog";
import { startShopifySandbox, type ShopifySandbox } from "../../sandbox/shopify-admin/server";
import type { ShopState } from "../../sandbox/shopify-admin/store";
import { APP_WEBHOOKS } from "../support/acp-stack";
import { startAppServer, TEST_API_SECRET, type AppServer } from "../support/app-server";
import { freshSqliteUrl, testPrisma } from "../support/database";

/**
 * The app and the sandbox Shopify store for feed tests: every shop installed with its webhooks and a
 * known feed token. The app's job worker starts a reconcile at boot, which fully syncs every installed
 * shop, so a test only has to wait for that run.
 */
export interface FeedStack {
  shopify: ShopifySandbox;
  /** The first instance: webhooks go here. */
  app: AppServer;
  /** Every app instance on the database (one unless asked for more). */
  instances: AppServer[];
  db: PrismaClient;
  /** Feed token per shop domain. */
  tokens: Map<string, string>;
  feedUrl(shop: string, file?: string): string;
  /** Starts one more instance on the same database and sandbox (e.g. after stopping one). */
  startInstance(): Promise<AppServer>;
  stop(): Promise<void>;
}

export function feedToken(): string {
  return `feed_${randomBytes(32).toString("base64url")}`;
}

export async function startFeedStack(
  options: {
    shops?: ShopState[];
    env?: Record<string, string>;
    /** Defaults to a fresh SQLite file. */
    database?: { url: string; db: PrismaClient };
    instances?: number;
  } = {},
): Promise<FeedStack> {
  const shops = options.shops ?? [demoShop(), euShop()];
  const shopify = await startShopifySandbox({ shops, webhookRetry: { retries: 3, baseDelayMs: 50 } });
  const databaseUrl = options.database?.url ?? freshSqliteUrl();
  const db = options.database?.db ?? testPrisma(databaseUrl);
  const tokens = new Map<string, string>();
  for (const shop of shops) {
    await seedShopInstall(db, {
      shop: shop.domain,
      accessToken: shop.installation.accessToken,
      scopes: APP_SCOPES,
    });
    const token = feedToken();
    tokens.set(shop.domain, token);
    await db.feedSettings.create({
      data: {
        shop: shop.domain,
        tokenHash: createHash("sha256").update(token).digest("hex"),
        tokenPrefix: token.slice(0, 11),
      },
    });
  }
  const instances: AppServer[] = [];
  const startInstance = async () => {
    const instance = await startAppServer({
      databaseUrl,
      env: {
        NODE_ENV: "test",
        ACP_SANDBOX: "1",
        SANDBOX_SHOPIFY_URL: shopify.url,
        JOB_POLL_MS: "100",
        ...options.env,
      },
    });
    instances.push(instance);
    return instance;
  };
  for (let i = 0; i < (options.instances ?? 1); i++) await startInstance();
  const app = instances[0];
  for (const shop of shops) {
    shopify.control.install({
      shop: shop.domain,
      accessToken: shop.installation.accessToken,
      scopes: APP_SCOPES,
      appUrl: app.url,
      apiSecret: TEST_API_SECRET,
      webhookSubscriptions: APP_WEBHOOKS,
    });
  }
  return {
    shopify,
    app,
    instances,
    db,
    tokens,
    feedUrl: (shop, file = "products.jsonl.gz") => `${app.url}/feeds/${tokens.get(shop)}/${file}`,
    startInstance,
    async stop() {
      for (const instance of instances) await instance.stop();
      await db.$disconnect();
      await shopify.stop();
    },
  };
}

/** Polls until `check` returns a value (the app's worker runs jobs every 100 ms in the stack). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The shop's latest full (or reconcile) run once it has finished. */
export async function finishedFullSync(
  db: PrismaClient,
  shop: string,
  options: { after?: Date; timeoutMs?: number } = {},
): Promise<FeedRun> {
  return waitFor(
    `a full sync of ${shop}`,
    async () => {
      const run = await db.feedRun.findFirst({
        where: {
          shop,
          kind: { in: ["full", "reconcile"] },
          startedAt: { gte: options.after ?? new Date(0) },
        },
        orderBy: { startedAt: "desc" },
      });
      return run && (run.status === "succeeded" || run.status === "failed") ? run : null;
    },
    options.timeoutMs,
  );
}

/** Queues a full sync the way `requestFullSync` does (the singleton key absorbs a pending one). */
export async function queueFullSync(db: PrismaClient, shop: string): Promise<Date> {
  const at = new Date();
  await db.job.deleteMany({
    where: { singletonKey: `catalog.full_sync:${shop}`, status: { in: ["done", "dead"] } },
  });
  await db.job.create({
    data: {
      kind: "catalog.full_sync",
      shop,
      payload: JSON.stringify({ kind: "full" }),
      singletonKey: `catalog.full_sync:${shop}`,
    },
  });
  return at;
}

/** Waits until every queued catalog job of the shop has run. */
export async function catalogJobsSettled(db: PrismaClient, shop: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    `catalog jobs of ${shop}`,
    async () =>
      (await db.job.count({
        where: {
          shop,
          kind: { in: ["catalog.product_changed", "catalog.inventory_changed"] },
          status: { in: ["queued", "running"] },
        },
      })) === 0,
    timeoutMs,
  );
}

export type FeedRow = Record<string, string>;

export async function fetchJsonlFeed(
  url: string,
  init?: RequestInit,
): Promise<{ response: Response; rows: FeedRow[] }> {
  const response = await fetch(url, init);
  if (response.status !== 200) return { response, rows: [] };
  const text = gunzipSync(Buffer.from(await response.arrayBuffer())).toString("utf8");
  const rows = text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FeedRow);
  return { response, rows };
}

/** A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF), enough to check the served CSV. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
