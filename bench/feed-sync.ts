/**
 * Catalog sync at scale: the built app (started as `npm start` starts it: scripts/start-server, SQLite)
 * fully syncs a generated catalog from
 * the sandbox Shopify store (bulk export → JSONL → stored feed), then serves it once from the pull URL.
 * The app's RSS is read from /proc while it runs. Writes bench/results/feed-sync.json.
 *
 * Runs (FEED_BENCH_RUNS, default "10000,100000,100000@128,100000@4096,100000:postgresql"): variants
 * (8 per product), optionally `@<MB>` for another V8 old-space cap than start-server's default
 * (APP_MAX_HEAP_MB) and `:postgresql` for a local PostgreSQL (fsync off, as in the tests) instead of
 * SQLite. `@4096` is about
 * V8's own sizing on a large machine, where the peak RSS mostly measures garbage not yet collected;
 * `@128` shows 100,000 variants (a ~60 MB export) through the same heap as 20,000 in
 * tests/feed/memory.test.ts. FEED_BENCH_NODE_OPTIONS passes other flags (e.g. --cpu-prof).
 * Bounded: FEED_BENCH_SECONDS (default 900) per run.
 *
 * After the sync, its change pushes the whole feed to a sandbox agent's ACP Feed API (`POST /feeds`,
 * then `PATCH /feeds/{id}/products` 100 products at a time; the receiver checks every product against
 * the feed JSON Schema in this process, so its work is part of the push time).
 * Each run also times the bare pipeline on the same export (download the bulk JSONL, parse each
 * line, write it as jsonl.gz: no mapping, validation or database), so `import_vs_bare` shows what
 * our sync costs over the unavoidable work, and the delay from a product/update webhook to the
 * changed row in the stored feed (FEED_BENCH_CHANGES changes, default 5).
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { createGzip, gunzipSync } from "node:zlib";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { startPostgres } from "../scripts/lib/postgres.mjs";
import { encryptSecret, parseKeyRing } from "../app/lib/crypto.server";
import { startFeedReceiver } from "../sandbox/agent/feed-receiver";
import { seedShopInstall } from "../sandbox/app-seed/seed";
import { APP_SCOPES } from "../sandbox/shopify-admin/fixtures/catalog";
import { startShopifySandbox } from "../sandbox/shopify-admin/server";
import { generatedShop } from "../tests/feed/generated-shop";
import { freePort, waitForHttp } from "../tests/support/net";
import { freshPostgresDatabase } from "../tests/support/postgres-db";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TMP = path.join(ROOT, "bench/.tmp");
type BenchDatabase = "sqlite" | "postgresql";
const RUNS = (process.env.FEED_BENCH_RUNS ?? "10000,100000,100000@128,100000@4096,100000:postgresql")
  .split(",")
  .map((spec) => {
    const [sizes, database = "sqlite"] = spec.split(":");
    if (database !== "sqlite" && database !== "postgresql") throw new Error(`Unknown database in ${spec}`);
    const [variants, heap] = sizes.split("@").map(Number);
    return { variants, heapMb: heap || null, database: database as BenchDatabase };
  });
const TIME_LIMIT_MS = Number(process.env.FEED_BENCH_SECONDS ?? 900) * 1000;
const VARIANTS_PER_PRODUCT = 8;
const CHANGES = Number(process.env.FEED_BENCH_CHANGES ?? 5);
const SECRET = "bench-api-secret";
const KEYS = `bench:${Buffer.alloc(32, 7).toString("base64")}`;
const SHOP = "acp-bench.myshopify.com";
/** The catalog topics of shopify.app.toml (the bench edits nothing, but a real install has them). */
const WEBHOOKS = {
  "products/create": "/webhooks/products",
  "products/update": "/webhooks/products",
  "products/delete": "/webhooks/products",
  "inventory_levels/update": "/webhooks/inventory",
};

/** VmRSS / VmHWM of a process in MB (Linux); null elsewhere. */
function procMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { rss: Math.round(kb("VmRSS") / 1024), hwm: Math.round(kb("VmHWM") / 1024) };
  } catch {
    return null;
  }
}

/** Download → parse → jsonl.gz with nothing else: the floor any feed sync stands on. */
async function barePipelineSeconds(bulkUrl: string): Promise<number | null> {
  const started = Date.now();
  const response = await fetch(bulkUrl);
  if (!response.ok || !response.body) return null;
  const lines = createInterface({
    input: Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>),
    crlfDelay: Infinity,
  });
  const out = path.join(TMP, `bare-${Date.now()}.jsonl.gz`);
  await pipeline(
    Readable.from(
      (async function* () {
        for await (const line of lines) if (line) yield `${JSON.stringify(JSON.parse(line))}\n`;
      })(),
    ),
    createGzip(),
    createWriteStream(out),
  );
  rmSync(out, { force: true });
  return (Date.now() - started) / 1000;
}

/**
 * Changes one product's price at a time in the store (which sends products/update) and measures
 * until the app's stored feed row carries the new price: webhook delivery, job pickup, re-read
 * and write. The p50 and max of the changes, in ms.
 */
async function webhookToFeedDelays(
  db: PrismaClient,
  shopify: Awaited<ReturnType<typeof startShopifySandbox>>,
  productGids: string[],
): Promise<{ changes: number; p50: number; max: number } | null> {
  const delays: number[] = [];
  for (const [index, gid] of productGids.entries()) {
    const price = `${700 + index}.25`;
    const productId = gid.split("/").pop()!;
    const started = Date.now();
    shopify.control.updateProduct(gid, { price }, { shop: SHOP });
    const deadline = started + 30_000;
    while (Date.now() < deadline) {
      const changed = await db.feedItem.findFirst({
        where: { shop: SHOP, productId, row: { contains: `"${price} ` } },
        select: { itemId: true },
      });
      if (changed) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (Date.now() >= deadline) return null;
    delays.push(Date.now() - started);
  }
  if (delays.length === 0) return null;
  delays.sort((a, b) => a - b);
  return {
    changes: delays.length,
    p50: delays[Math.floor(delays.length / 2)],
    max: delays[delays.length - 1],
  };
}

/** A migrated database for one run, and a Prisma client on it. */
async function benchDatabase(kind: BenchDatabase, variants: number) {
  if (kind === "postgresql") {
    postgres ??= await startPostgres();
    const { url: databaseUrl, db } = await freshPostgresDatabase(postgres.url());
    return { databaseUrl, db, remove: () => undefined };
  }
  mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `feed-sync-${variants}-${Date.now()}.sqlite`);
  const databaseUrl = `file:${file}`;
  execFileSync("prisma", ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: "ignore",
  });
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file }) });
  const remove = () => {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
  };
  return { databaseUrl, db, remove };
}

let postgres: Awaited<ReturnType<typeof startPostgres>> | null = null;

/** The push the sync's change started: its delivery once over (null if none within the deadline). */
async function firstPush(db: PrismaClient, deadline: number) {
  while (Date.now() < deadline) {
    const delivery = await db.feedDelivery.findFirst({
      where: { destinationId: "fdst_bench", status: { notIn: ["running", "retrying"] } },
      orderBy: { startedAt: "asc" },
    });
    if (delivery) return delivery;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

async function syncOnce(variants: number, heapMb: number | null, database: BenchDatabase) {
  const products = Math.ceil(variants / VARIANTS_PER_PRODUCT);
  const shop = generatedShop({ domain: SHOP, products, variantsPerProduct: VARIANTS_PER_PRODUCT });
  // The bench measures our sync, not the sandbox's throttling.
  const shopify = await startShopifySandbox({
    shops: [shop],
    rateLimit: { maximumAvailable: 1_000_000, restoreRate: 100_000 },
  });
  const { databaseUrl, db, remove } = await benchDatabase(database, variants);
  await seedShopInstall(db, { shop: SHOP, accessToken: shop.installation.accessToken, scopes: APP_SCOPES });
  const token = `feed_${randomBytes(32).toString("base64url")}`;
  await db.feedSettings.create({
    data: {
      shop: SHOP,
      tokenHash: createHash("sha256").update(token).digest("hex"),
      tokenPrefix: token.slice(0, 11),
    },
  });

  // An agent's Feed API, pushed to after the sync (the sync's change triggers it, as in production).
  const agent = await startFeedReceiver();
  await db.feedDestination.create({
    data: {
      id: "fdst_bench",
      shop: SHOP,
      name: "Bench agent",
      kind: "feed_api",
      url: agent.origin,
      // A generated shop has no Shopify markets: its items are in the shop's own ("primary").
      market: "primary",
      secretEncrypted: encryptSecret(agent.token, parseKeyRing(KEYS)),
      secretLast4: agent.token.slice(-4),
      nextPushAt: new Date(Date.now() + 24 * 60 * 60_000),
    },
  });

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // As `npm start` runs it (scripts/start-server: its heap cap, unless the run names another).
  const child = spawn("bash", [path.join(ROOT, "scripts/start-server")], {
    cwd: ROOT,
    stdio: ["ignore", process.env.FEED_BENCH_APP_STDOUT ? "inherit" : "ignore", "inherit"],
    env: {
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
      ...(heapMb ? { APP_MAX_HEAP_MB: String(heapMb) } : {}),
      ...(process.env.FEED_BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.FEED_BENCH_NODE_OPTIONS } : {}),
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: String(port),
      SHOPIFY_API_KEY: "bench",
      SHOPIFY_API_SECRET: SECRET,
      SHOPIFY_APP_URL: url,
      DATABASE_URL: databaseUrl,
      APP_ENCRYPTION_KEYS: KEYS,
      ACP_SANDBOX: "1",
      SANDBOX_SHOPIFY_URL: shopify.url,
      JOB_POLL_MS: "100",
    },
  });
  let peakRss = 0;
  const sampler = setInterval(() => {
    const memory = procMemory(child.pid!);
    if (memory) peakRss = Math.max(peakRss, memory.rss);
  }, 100);
  try {
    await waitForHttp(`${url}/healthz`);
    const idleRss = procMemory(child.pid!)?.rss ?? null;
    shopify.control.install({
      shop: SHOP,
      accessToken: shop.installation.accessToken,
      scopes: APP_SCOPES,
      appUrl: url,
      apiSecret: SECRET,
      webhookSubscriptions: WEBHOOKS,
    });
    // The worker's boot-time reconcile starts the full sync; wait for it, within the time limit.
    const deadline = Date.now() + TIME_LIMIT_MS;
    let run = null;
    // When the import began (seen by polling): the export before it is the sandbox's work, not ours.
    let importingAt: number | null = null;
    while (Date.now() < deadline) {
      run = await db.feedRun.findFirst({ where: { shop: SHOP, kind: { in: ["full", "reconcile"] } } });
      if (run && run.status !== "exporting") importingAt ??= Date.now();
      if (run && (run.status === "succeeded" || run.status === "failed")) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!run || run.status !== "succeeded") {
      throw new Error(
        `Sync of ${variants} variants did not succeed in time: ${run?.status ?? "not started"} ${run?.error ?? ""}`,
      );
    }
    const hwm = procMemory(child.pid!)?.hwm ?? null;
    const seconds = (run.finishedAt!.getTime() - run.startedAt.getTime()) / 1000;
    const items = run.valid + run.invalid + run.excluded;

    const push = await firstPush(db, deadline);
    const pushedProducts = agent.products(agent.feeds()[0]?.id ?? "")?.length ?? 0;
    const patches = agent.requests().filter((request) => request.method === "PATCH").length;

    const served = Date.now();
    const response = await fetch(`${url}/feeds/${token}/products.jsonl.gz`);
    const body = Buffer.from(await response.arrayBuffer());
    const serveSeconds = (Date.now() - served) / 1000;
    const rows = gunzipSync(body).toString("utf8").split("\n").filter(Boolean).length;

    const bareSeconds = run.bulkUrl ? await barePipelineSeconds(run.bulkUrl) : null;
    const importSeconds = importingAt ? (run.finishedAt!.getTime() - importingAt) / 1000 : null;
    const listed = await db.feedItem.findMany({
      where: { shop: SHOP, row: { not: null } },
      distinct: ["productId"],
      select: { productId: true },
      take: CHANGES,
    });
    const changeDelays = await webhookToFeedDelays(
      db,
      shopify,
      listed.map((item) => `gid://shopify/Product/${item.productId}`),
    );

    return {
      variants,
      products,
      database,
      // null: scripts/start-server's default cap.
      app_max_heap_mb: heapMb,
      export_mb: Number((Number(run.byteOffset) / 1024 / 1024).toFixed(1)),
      items,
      valid: run.valid,
      sync_seconds: Number(seconds.toFixed(2)),
      items_per_second: Math.round(items / seconds),
      // The sandbox's export runs in this bench process; real Shopify's takes its own time.
      export_seconds: importingAt
        ? Number(((importingAt - run.startedAt.getTime()) / 1000).toFixed(1))
        : null,
      import_items_per_second: importingAt
        ? Math.round(items / ((run.finishedAt!.getTime() - importingAt) / 1000))
        : null,
      bare_pipeline_seconds: bareSeconds === null ? null : Number(bareSeconds.toFixed(2)),
      import_vs_bare: bareSeconds && importSeconds ? Number((importSeconds / bareSeconds).toFixed(2)) : null,
      webhook_to_feed_ms: changeDelays,
      idle_rss_mb: idleRss,
      peak_rss_mb: Math.max(peakRss, hwm ?? 0),
      peak_rss_mb_recorded_by_app: run.peakRssMb,
      feed_api_push: push
        ? {
            status: push.status,
            products: push.products,
            received_by_agent: pushedProducts,
            patch_requests: patches,
            mb_sent: Number((push.bytes / 1024 / 1024).toFixed(1)),
            seconds: Number(((push.finishedAt!.getTime() - push.startedAt.getTime()) / 1000).toFixed(2)),
          }
        : null,
      serve: {
        status: response.status,
        rows,
        gzip_mb: Number((body.length / 1024 / 1024).toFixed(2)),
        seconds: Number(serveSeconds.toFixed(2)),
        rows_per_second: Math.round(rows / serveSeconds),
      },
    };
  } finally {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await db.$disconnect();
    await shopify.stop();
    await agent.close();
    remove();
  }
}

export async function runFeedSyncBench() {
  execFileSync("remix", ["vite:build", "--logLevel", "error"], { cwd: ROOT, stdio: "inherit" });
  const runs = [];
  try {
    for (const { variants, heapMb, database } of RUNS) {
      const result = await syncOnce(variants, heapMb, database);
      console.log(JSON.stringify(result));
      runs.push(result);
    }
  } finally {
    postgres?.stop();
  }
  const report = {
    bench: "feed-sync",
    at: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gb: Math.round(totalmem() / 1024 ** 3) },
    runs,
  };
  mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(path.join(ROOT, "bench/results/feed-sync.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runFeedSyncBench();
}
