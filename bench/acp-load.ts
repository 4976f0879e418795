/**
 * ACP load mix against two app instances on one real PostgreSQL: create → address → shipping →
 * get → complete, spread over both instances, with the sandbox Shopify store and Stripe stand-in.
 * Writes latency percentiles and throughput to bench/results/acp-load.json. Bounded in count
 * (ACP_BENCH_SESSIONS, default 120) and time (ACP_BENCH_SECONDS, default 120).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { startPostgres } from "../scripts/lib/postgres.mjs";
import { encryptSecret, parseKeyRing } from "../app/lib/crypto.server";
import { buildRequests, createAcpClient, paymentHandlerIdFrom } from "../sandbox/agent/buyer";
import { seedAgent, seedShopInstall, seedStripeSettings } from "../sandbox/app-seed/seed";
import {
  APP_SCOPES,
  DEMO_ACCESS_TOKEN,
  DEMO_SHOP,
  demoShop,
} from "../sandbox/shopify-admin/fixtures/catalog";
import { startShopifySandbox } from "../sandbox/shopify-admin/server";
import { DEMO_ACCOUNT_ID, DEMO_RESTRICTED_KEY } from "../sandbox/stripe/accounts";
import { startStripeSandbox } from "../sandbox/stripe/server";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SESSIONS = Number(process.env.ACP_BENCH_SESSIONS ?? 120);
const CONCURRENCY = Number(process.env.ACP_BENCH_CONCURRENCY ?? 8);
const TIME_LIMIT_MS = Number(process.env.ACP_BENCH_SECONDS ?? 120) * 1000;
const KEYS = `bench:${Buffer.alloc(32, 9).toString("base64")}`;
const SECRET = "bench-api-secret";
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runAcpLoadBench() {
  execFileSync("remix", ["vite:build", "--logLevel", "error"], { cwd: ROOT, stdio: "inherit" });
  const postgres = await startPostgres();
  const children: ChildProcess[] = [];
  const shop = demoShop();
  shop.plan.partnerDevelopment = false;
  // A big enough stock so the bench measures checkout, not sell-outs.
  for (const product of shop.products.values()) {
    for (const variant of product.variants)
      for (const level of variant.inventoryItem.levels) level.available += 100_000;
  }
  const shopify = await startShopifySandbox({
    shops: [shop],
    rateLimit: { maximumAvailable: 1_000_000, restoreRate: 100_000 },
  });
  const stripe = await startStripeSandbox();
  try {
    const databaseUrl = postgres.createDatabase("acp_bench");
    execFileSync("prisma", ["migrate", "deploy"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: "ignore",
    });
    const require = createRequire(import.meta.url);
    const { PrismaClient: PostgresClient } = require("../node_modules/.prisma/client-postgresql") as {
      PrismaClient: new (options: { adapter: unknown }) => PrismaClient;
    };
    const db = new PostgresClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
    await seedShopInstall(db, { shop: DEMO_SHOP, accessToken: DEMO_ACCESS_TOKEN, scopes: APP_SCOPES });
    await seedStripeSettings(db, {
      shop: DEMO_SHOP,
      accountId: DEMO_ACCOUNT_ID,
      sealedKey: encryptSecret(DEMO_RESTRICTED_KEY, parseKeyRing(KEYS)),
      last4: DEMO_RESTRICTED_KEY.slice(-4),
    });
    const { apiKey } = await seedAgent(db, { shop: DEMO_SHOP, name: "Bench agent" });
    await db.$disconnect();

    const urls: string[] = [];
    for (let index = 0; index < 2; index++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, ["server.mjs"], {
        cwd: ROOT,
        stdio: "ignore",
        env: {
          PATH: process.env.PATH,
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
          SANDBOX_STRIPE_URL: stripe.url,
        },
      });
      children.push(child);
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          if ((await fetch(`${url}/healthz`)).ok) break;
        } catch {
          // starting
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      urls.push(url);
    }

    const version = "2026-04-17" as const;
    const build = buildRequests(version);
    const clients = urls.map((baseUrl) => createAcpClient({ baseUrl, apiKey, apiVersion: version }));
    const tote = [...shop.products.values()]
      .find((product) => product.title === "Canvas Tote Bag")!
      .variants[0].id.split("/")
      .pop()!;
    const address = {
      name: "Bench Buyer",
      line_one: "1 Main St",
      city: "Austin",
      state: "TX",
      country: "US",
      postal_code: "78701",
    };
    const buyer = { first_name: "Bench", last_name: "Buyer", email: "bench@example.com" };
    const latencies: Record<string, number[]> = {
      create: [],
      update_address: [],
      update_shipping: [],
      get: [],
      complete: [],
    };
    let failures = 0;
    const timed = async <T>(name: string, call: () => Promise<T & { status: number }>) => {
      const started = performance.now();
      const result = await call();
      latencies[name].push(performance.now() - started);
      if (result.status >= 400) failures++;
      return result;
    };

    const started = performance.now();
    let next = 0;
    let completed = 0;
    const worker = async () => {
      while (next < SESSIONS && performance.now() - started < TIME_LIMIT_MS) {
        const n = next++;
        const [a, b] = [clients[n % 2], clients[(n + 1) % 2]];
        const created = (
          await timed("create", () =>
            a.createCheckout(build.create({ items: [{ id: tote, quantity: 1 }], buyer })),
          )
        ).body as Json;
        const withAddress = (
          await timed("update_address", () => b.updateCheckout(created.id, build.update({ address })))
        ).body as Json;
        const option = (withAddress.fulfillment_options as Json[])[0];
        const ready = (
          await timed("update_shipping", () =>
            a.updateCheckout(created.id, build.update({ fulfillmentOptionId: option.id, itemIds: [tote] })),
          )
        ).body as Json;
        await timed("get", () => b.getCheckout(created.id));
        const total = (ready.totals as Json[]).find((line) => line.type === "total")!.amount;
        const token = stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, { maxAmount: total, currency: "usd" });
        const done = (
          await timed("complete", () =>
            b.completeCheckout(
              created.id,
              build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(ready) }),
            ),
          )
        ).body as Json;
        if (done.status === "completed") completed++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    const requests = Object.values(latencies).reduce((sum, list) => sum + list.length, 0);
    const report = {
      benchmark: "acp-load-two-instances-postgresql",
      at: new Date().toISOString(),
      machine: "2 cores (shared with the sandboxes and PostgreSQL)",
      sessions: next,
      completed,
      failures,
      concurrency: CONCURRENCY,
      seconds: Number(seconds.toFixed(2)),
      requestsPerSecond: Number((requests / seconds).toFixed(1)),
      checkoutsPerSecond: Number((completed / seconds).toFixed(2)),
      latencyMs: Object.fromEntries(
        Object.entries(latencies).map(([name, list]) => {
          const sorted = [...list].sort((x, y) => x - y);
          return [
            name,
            {
              count: list.length,
              p50: Math.round(percentile(sorted, 50)),
              p95: Math.round(percentile(sorted, 95)),
              p99: Math.round(percentile(sorted, 99)),
            },
          ];
        }),
      ),
      ordersInShopify: [...shop.orders.values()].length,
      capturedInStripe: stripe
        .paymentIntents(DEMO_ACCOUNT_ID)
        .filter((intent) => intent.status === "succeeded").length,
    };
    mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(path.join(ROOT, "bench/results/acp-load.json"), JSON.stringify(report, null, 2));
    console.log(JSON.stringify(report, null, 2));
    return report;
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await shopify.stop();
    await stripe.stop();
    postgres.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runAcpLoadBench();
}
