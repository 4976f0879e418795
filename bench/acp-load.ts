/**
 * ACP load mix against two app instances on one real PostgreSQL: create → address → shipping →
 * get → complete, spread over both instances, with the sandbox Shopify store and Stripe stand-in.
 * Half-way through, one instance is killed (SIGKILL, requests in flight); the agents fail over to
 * the survivor with the same Idempotency-Keys, as behind a load balancer. Afterwards the run is
 * checked in Shopify and Stripe themselves: no completion lost or duplicated (orders = completed
 * sessions, captures = orders, at most one order per session). Writes throughput and latency
 * percentiles to bench/results/acp-load.json; throws (the bench fails) if an invariant breaks.
 * Bounded in count (ACP_BENCH_SESSIONS, default 120) and time (ACP_BENCH_SECONDS, default 120).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startPostgres } from "../scripts/lib/postgres.mjs";
import { encryptSecret, parseKeyRing } from "../app/lib/crypto.server";
import {
  buildRequests,
  createAcpClient,
  paymentHandlerIdFrom,
  type AcpClient,
  type AcpResponse,
} from "../sandbox/agent/buyer";
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
import { freshPostgresDatabase } from "../tests/support/postgres-db";

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
    const { url: databaseUrl, db } = await freshPostgresDatabase(postgres.url());
    await seedShopInstall(db, { shop: DEMO_SHOP, accessToken: DEMO_ACCESS_TOKEN, scopes: APP_SCOPES });
    await seedStripeSettings(db, {
      shop: DEMO_SHOP,
      accountId: DEMO_ACCOUNT_ID,
      sealedKey: encryptSecret(DEMO_RESTRICTED_KEY, parseKeyRing(KEYS)),
      last4: DEMO_RESTRICTED_KEY.slice(-4),
    });
    const { apiKey } = await seedAgent(db, { shop: DEMO_SHOP, name: "Bench agent" });

    const urls: string[] = [];
    for (let index = 0; index < 2; index++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      // As `npm start` runs it (scripts/start-server), with the Node running this bench.
      const child = spawn("bash", [path.join(ROOT, "scripts/start-server")], {
        cwd: ROOT,
        stdio: "ignore",
        env: {
          PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
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
          // A killed instance's completions are taken over once their lease ends.
          COMPLETION_LEASE_SECONDS: "5",
          RECOVERY_INTERVAL_SECONDS: "2",
          ACP_RATE_LIMITS: "10000/s,100000/m",
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
    let failovers = 0;
    let killed = false;
    let killedAtSeconds: number | null = null;

    /**
     * One agent call as a load balancer would serve it: to `preferred` while it lives, else to the
     * survivor; a connection that fails (the instance died under it) is retried on the survivor
     * with the same Idempotency-Key, and 409 in-flight answers are retried after a pause.
     */
    const call = async (
      name: string,
      preferred: number,
      send: (client: AcpClient) => Promise<AcpResponse>,
    ): Promise<AcpResponse> => {
      const began = performance.now();
      let target = killed ? 1 : preferred;
      for (;;) {
        let response: AcpResponse | null = null;
        try {
          response = await send(clients[target]);
        } catch (error) {
          if (target === 0 && killed) {
            failovers++;
            target = 1;
            continue;
          }
          throw error;
        }
        if (response.status === 409 && performance.now() - began < 90_000) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          continue;
        }
        latencies[name].push(performance.now() - began);
        if (response.status >= 400) failures++;
        return response;
      }
    };

    const started = performance.now();
    let next = 0;
    const attempted = new Set<string>();
    const completedByClient = new Set<string>();
    const worker = async () => {
      while (next < SESSIONS && performance.now() - started < TIME_LIMIT_MS) {
        const n = next++;
        if (n === Math.floor(SESSIONS / 2) && !killed) {
          // Mid-load: instance 0 dies with requests of every kind in flight.
          killed = true;
          killedAtSeconds = Number(((performance.now() - started) / 1000).toFixed(2));
          children[0].kill("SIGKILL");
        }
        const [a, b] = [n % 2, (n + 1) % 2];
        const key = (step: string) => `bench-${n}-${step}`;
        const created = (
          await call("create", a, (client) =>
            client.createCheckout(build.create({ items: [{ id: tote, quantity: 1 }], buyer }), {
              idempotencyKey: key("create"),
            }),
          )
        ).body as Json;
        const withAddress = (
          await call("update_address", b, (client) =>
            client.updateCheckout(created.id, build.update({ address }), { idempotencyKey: key("address") }),
          )
        ).body as Json;
        const option = (withAddress.fulfillment_options as Json[])[0];
        const ready = (
          await call("update_shipping", a, (client) =>
            client.updateCheckout(
              created.id,
              build.update({ fulfillmentOptionId: option.id, itemIds: [tote] }),
              {
                idempotencyKey: key("shipping"),
              },
            ),
          )
        ).body as Json;
        await call("get", b, (client) => client.getCheckout(created.id));
        const total = (ready.totals as Json[]).find((line) => line.type === "total")!.amount;
        const token = stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, { maxAmount: total, currency: "usd" });
        attempted.add(created.id);
        const done = (
          await call("complete", b, (client) =>
            client.completeCheckout(
              created.id,
              build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(ready) }),
              { idempotencyKey: key("complete") },
            ),
          )
        ).body as Json;
        if (done.status === "completed") completedByClient.add(created.id);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    const requests = Object.values(latencies).reduce((sum, list) => sum + list.length, 0);

    // The survivor's recovery finishes what the killed instance left half done.
    const ids = [...attempted];
    const settleBy = Date.now() + 90_000;
    while (Date.now() < settleBy) {
      const open = await db.completion.count({
        where: { sessionId: { in: ids }, step: { notIn: ["completed", "declined", "voided"] } },
      });
      if (open === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const completedSessions = await db.checkoutSession.count({
      where: { id: { in: ids }, status: "completed" },
    });
    const ordersBySession = new Map<string, number>();
    for (const order of shop.orders.values()) {
      const id = order.sourceIdentifier ?? "";
      ordersBySession.set(id, (ordersBySession.get(id) ?? 0) + 1);
    }
    const capturedBySession = new Map<string, number>();
    for (const intent of stripe.paymentIntents(DEMO_ACCOUNT_ID)) {
      if (intent.status !== "succeeded") continue;
      const id = String(intent.metadata?.checkout_session_id ?? "");
      capturedBySession.set(id, (capturedBySession.get(id) ?? 0) + 1);
    }
    const orders = [...ordersBySession.values()].reduce((sum, count) => sum + count, 0);
    const captures = [...capturedBySession.values()].reduce((sum, count) => sum + count, 0);
    // graphile-worker's dead letter: jobs that used up their attempts (order-event deliveries here).
    const [{ dead }] = await db.$queryRaw<{ dead: bigint }[]>`
      SELECT count(*) AS dead FROM graphile_worker.jobs WHERE attempts >= max_attempts`;
    const invariants = {
      completesAttempted: ids.length,
      completedSessions,
      completedAsSeenByAgents: completedByClient.size,
      ordersInShopify: orders,
      capturedInStripe: captures,
      sessionsWithSeveralOrders: [...ordersBySession.values()].filter((count) => count > 1).length,
      sessionsWithSeveralCaptures: [...capturedBySession.values()].filter((count) => count > 1).length,
      lost: ids.length - completedSessions,
      deadJobs: Number(dead),
    };
    const report = {
      benchmark: "acp-load-two-instances-postgresql",
      at: new Date().toISOString(),
      machine: "2 cores (shared with the sandboxes and PostgreSQL)",
      sessions: next,
      completed: completedSessions,
      failures,
      instances: 2,
      killedInstanceAtSeconds: killedAtSeconds,
      failovers,
      invariants,
      concurrency: CONCURRENCY,
      seconds: Number(seconds.toFixed(2)),
      requestsPerSecond: Number((requests / seconds).toFixed(1)),
      checkoutsPerSecond: Number((completedSessions / seconds).toFixed(2)),
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
    };
    mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(path.join(ROOT, "bench/results/acp-load.json"), JSON.stringify(report, null, 2));
    console.log(JSON.stringify(report, null, 2));
    await db.$disconnect();
    const broken = [
      invariants.lost !== 0 && `${invariants.lost} completions lost`,
      orders !== completedSessions && `orders ${orders} ≠ completed sessions ${completedSessions}`,
      captures !== orders && `captures ${captures} ≠ orders ${orders}`,
      invariants.sessionsWithSeveralOrders > 0 &&
        `${invariants.sessionsWithSeveralOrders} sessions with several orders`,
      invariants.sessionsWithSeveralCaptures > 0 &&
        `${invariants.sessionsWithSeveralCaptures} sessions charged twice`,
    ].filter(Boolean);
    if (broken.length > 0) throw new Error(`acp-load invariants broken: ${broken.join("; ")}`);
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
