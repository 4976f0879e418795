import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { buildRequests } from "../../sandbox/agent/buyer";
import { DEMO_RESTRICTED_KEY } from "../../sandbox/stripe/accounts";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { startAppServer, TEST_API_KEY, TEST_API_SECRET, type AppServer } from "../support/app-server";
import { itemId } from "../support/catalog";
import { testPrisma } from "../support/database";
import { sendShopifyWebhook } from "../support/shopify-webhook";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Logs, metrics, readiness and security headers of the built server (server.mjs + app/ops). */
const METRICS_TOKEN = "metrics-token-0123456789abcdef";
const BROWSER = {
  "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36",
};
const version = "2026-04-17" as const;

let stack: AcpStack;
/** A second server without METRICS_TOKEN, on its own database. */
let plain: AppServer;
let plainDb: PrismaClient;

beforeAll(async () => {
  stack = await startAcpStack({ env: { METRICS_TOKEN } });
  plain = await startAppServer({ env: { JOB_POLL_MS: "100" } });
  plainDb = testPrisma(plain.databaseUrl);
}, 120_000);

afterAll(async () => {
  await plainDb?.$disconnect();
  await plain?.stop();
  await stack?.stop();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the Prometheus text format: throws on any line it does not understand. */
function parseMetrics(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("# HELP ")) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line);
    if (!sample) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2];
    }
    const family = sample[1].replace(/_(bucket|sum|count)$/, "");
    if (!types.has(sample[1]) && types.get(family) !== "histogram") {
      throw new Error(`sample before its # TYPE: ${line}`);
    }
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return found?.value ?? 0;
}

async function scrape(url = stack.app.url, token: string | null = METRICS_TOKEN) {
  const response = await fetch(`${url}/metrics`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

function logLines(server: AppServer): Json[] {
  return server
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Json);
}

describe("/metrics", () => {
  it("answers only with the bearer token when METRICS_TOKEN is set", async () => {
    const none = await fetch(`${stack.app.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const wrong = await fetch(`${stack.app.url}/metrics`, { headers: { Authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    await scrape();
  });

  it("reports the process's memory, under the heap cap npm start sets (scripts/start-server)", async () => {
    const { samples, types } = await scrape();
    expect(types.get("process_resident_memory_bytes")).toBe("gauge");
    expect(valueOf(samples, "process_resident_memory_bytes", {})).toBeGreaterThan(20 * 1024 * 1024);
    expect(valueOf(samples, "nodejs_heap_size_used_bytes", {})).toBeGreaterThan(0);
    // 256 MB of old space plus V8's young generation; V8's own limit here would be about 4 GB.
    const limit = valueOf(samples, "nodejs_heap_size_limit_bytes", {});
    expect(limit).toBeGreaterThanOrEqual(256 * 1024 * 1024);
    expect(limit).toBeLessThan(384 * 1024 * 1024);
  });

  it("counts requests by route and status, with a latency histogram, in valid text format", async () => {
    const before = await scrape();
    const series = { method: "GET", route: "/checkout_sessions/:id", status: "404" };
    const client = stack.client(version);
    for (let index = 0; index < 3; index++) {
      expect((await client.getCheckout(`cs_missing_${index}`)).status).toBe(404);
    }
    const after = await scrape();
    expect(valueOf(after.samples, "acp_http_requests_total", series)).toBe(
      valueOf(before.samples, "acp_http_requests_total", series) + 3,
    );
    expect(after.types.get("acp_http_request_duration_seconds")).toBe("histogram");
    const labels = { method: "GET", route: "/checkout_sessions/:id" };
    const buckets = after.samples.filter(
      (sample) =>
        sample.name === "acp_http_request_duration_seconds_bucket" &&
        sample.labels.route === labels.route &&
        sample.labels.method === labels.method,
    );
    expect(buckets.at(-1)!.labels.le).toBe("+Inf");
    for (let index = 1; index < buckets.length; index++) {
      expect(buckets[index].value).toBeGreaterThanOrEqual(buckets[index - 1].value);
    }
    const count = valueOf(after.samples, "acp_http_request_duration_seconds_count", labels);
    expect(buckets.at(-1)!.value).toBe(count);
    expect(count).toBeGreaterThanOrEqual(3);
    expect(valueOf(after.samples, "acp_http_request_duration_seconds_sum", labels)).toBeGreaterThan(0);
    // Ids never become label values.
    expect(after.samples.some((sample) => JSON.stringify(sample.labels).includes("cs_missing"))).toBe(false);
  });

  it("reports the job queue by kind and status, and order-event deliveries", async () => {
    await stack.db.agentEvent.create({
      data: {
        id: `evt_${randomUUID()}`,
        shop: stack.shop,
        agentId: stack.agent.agentId,
        sessionId: "cs_metrics",
        type: "order_created",
        order: "{}",
        attempts: 2,
        lastStatus: 500,
      },
    });
    await stack.db.job.create({
      data: { kind: "metrics.test", shop: stack.shop, payload: "{}", status: "dead" },
    });
    const { samples, types } = await scrape();
    expect(types.get("acp_jobs")).toBe("gauge");
    expect(valueOf(samples, "acp_jobs", { kind: "maintenance.purge", status: "queued" })).toBe(1);
    expect(valueOf(samples, "acp_jobs", { kind: "metrics.test", status: "dead" })).toBe(1);
    expect(valueOf(samples, "acp_agent_events", { status: "pending" })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, "acp_agent_events_failing", {})).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, "acp_agent_event_attempts", { status: "pending" })).toBeGreaterThanOrEqual(2);
    expect(samples.some((sample) => sample.name === "acp_job_oldest_due_age_seconds")).toBe(true);
  });

  it("without METRICS_TOKEN answers only direct requests from this machine", async () => {
    await scrape(plain.url, null);
    const proxied = await fetch(`${plain.url}/metrics`, { headers: { "X-Forwarded-For": "203.0.113.7" } });
    expect(proxied.status).toBe(403);
  });
});

describe("/readyz", () => {
  it("is ready while the database and job queue answer, and says when the queue lags", async () => {
    const ready = await fetch(`${plain.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("cache-control")).toBe("no-store");
    expect(await ready.json()).toEqual({ status: "ready", database: "ok" });

    // A job nobody claims (no handler), due for ten minutes.
    const stuck = await plainDb.job.create({
      data: { kind: "nobody.claims", payload: "{}", runAt: new Date(Date.now() - 600_000) },
    });
    const lagging = await fetch(`${plain.url}/readyz`);
    // Still ready: the queue is shared, taking every instance out would not drain it.
    expect(lagging.status).toBe(200);
    const body = (await lagging.json()) as Json;
    expect(body).toMatchObject({ status: "ready", database: "ok", jobQueue: "lagging" });
    expect(body.oldestDueJobAgeSeconds).toBeGreaterThanOrEqual(600);
    const { samples } = await scrape(plain.url, null);
    expect(valueOf(samples, "acp_job_oldest_due_age_seconds", {})).toBeGreaterThanOrEqual(600);
    await plainDb.job.delete({ where: { id: stuck.id } });
  });
});

describe("request logs", () => {
  it("writes one JSON line per request with its id, route, status and shop, and never the key or the buyer", async () => {
    const build = buildRequests(version);
    const tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
    const buyer = {
      first_name: "Hedy",
      last_name: "Lamarr",
      email: "hedy.lamarr@example.com",
      phone_number: "+15555550199",
    };
    const address = {
      name: "Hedy Lamarr",
      line_one: "9 Frequency Hopping Ln",
      city: "Austin",
      state: "TX",
      country: "US",
      postal_code: "78702",
    };
    const created = await stack
      .client(version)
      .createCheckout(build.create({ items: [{ id: tote, quantity: 1 }], buyer, address }), {
        requestId: "req-ops-log-1",
      });
    expect(created.status).toBe(201);
    expect(created.headers["request-id"]).toBe("req-ops-log-1");
    const line = await waitForLine(stack.app, (entry) => entry.requestId === "req-ops-log-1");
    expect(line).toMatchObject({
      level: "info",
      msg: "http.request",
      method: "POST",
      route: "/checkout_sessions",
      status: 201,
      shop: stack.shop,
    });
    expect(typeof line.durationMs).toBe("number");
    expect(Object.keys(line).sort()).toEqual(
      ["durationMs", "level", "method", "msg", "requestId", "route", "shop", "status", "time"].sort(),
    );

    // A Request-Id that is not a plain token is replaced, not logged.
    const odd = await stack.client(version).getCheckout("cs_x", { requestId: 'x" injected' });
    expect(odd.headers["request-id"]).toMatch(/^req_[0-9a-f-]{36}$/);

    // Webhooks are tied to their shop too (the header Shopify sends).
    const webhook = await sendShopifyWebhook(stack.app.url, {
      path: "/webhooks/products",
      topic: "products/update",
      shop: stack.shop,
      payload: { id: 1, admin_graphql_api_id: "gid://shopify/Product/1" },
      secret: TEST_API_SECRET,
    });
    expect(webhook.status).toBe(200);
    expect(await waitForLine(stack.app, (entry) => entry.route === "/webhooks/products")).toMatchObject({
      method: "POST",
      status: 200,
      shop: stack.shop,
    });

    const output = stack.app.output();
    for (const secret of [
      stack.agent.apiKey,
      "Bearer",
      METRICS_TOKEN,
      DEMO_RESTRICTED_KEY,
      TEST_API_SECRET,
      buyer.email,
      buyer.phone_number,
      "Lamarr",
      "Frequency Hopping",
      "cs_x",
    ]) {
      expect(output, `the log contains "${secret}"`).not.toContain(secret);
    }
  });
});

async function waitForLine(server: AppServer, match: (entry: Json) => boolean): Promise<Json> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = logLines(server).find((entry) => entry.msg === "http.request" && match(entry));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("no such log line");
}

describe("security headers", () => {
  it("sends nosniff and a referrer policy everywhere, HSTS only over https", async () => {
    const plainHttp = await fetch(`${stack.app.url}/healthz`);
    expect(plainHttp.headers.get("x-content-type-options")).toBe("nosniff");
    expect(plainHttp.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(plainHttp.headers.get("strict-transport-security")).toBeNull();
    const viaTls = await fetch(`${stack.app.url}/healthz`, { headers: { "X-Forwarded-Proto": "https" } });
    expect(viaTls.headers.get("strict-transport-security")).toBe("max-age=31536000");
  });

  it("never lets the ACP API be cached, errors included", async () => {
    const found = await stack.client(version).getCheckout("cs_nope");
    expect(found.headers["cache-control"]).toBe("no-store");
    const unauthenticated = await stack.client(version, "acp_sk_wrong").getCheckout("cs_nope");
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers["cache-control"]).toBe("no-store");
  });

  it("lets only the shop's admin frame an embedded admin document", async () => {
    const shop = stack.shop;
    const url = new URL("/app", stack.app.url);
    url.searchParams.set("embedded", "1");
    url.searchParams.set("shop", shop);
    url.searchParams.set(
      "host",
      Buffer.from(`admin.shopify.com/store/${shop.split(".")[0]}`).toString("base64url"),
    );
    url.searchParams.set("id_token", sessionToken(shop));
    const page = await fetch(url, { headers: BROWSER, redirect: "manual" });
    expect(page.status, await page.clone().text()).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const policy = page.headers.get("content-security-policy") ?? "";
    expect(policy).toMatch(/^frame-ancestors /);
    expect(policy).toContain(`https://${shop}`);
    expect(policy).toContain("https://admin.shopify.com");
    expect(policy).not.toContain("*;");
  });

  it("keeps other HTML pages from being framed by anything but the Shopify admin", async () => {
    const login = await fetch(`${stack.app.url}/auth/login`, { headers: BROWSER });
    expect(login.headers.get("content-type")).toMatch(/^text\/html/);
    expect(login.headers.get("content-security-policy")).toBe("frame-ancestors https://admin.shopify.com;");
  });
});

/** A session token as the Shopify admin mints it for an embedded app (HS256 with the app secret). */
function sessionToken(shop: string): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode({
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: TEST_API_KEY,
    sub: "80914481",
    exp: now + 60,
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID(),
  })}`;
  return `${unsigned}.${createHmac("sha256", TEST_API_SECRET).update(unsigned).digest("base64url")}`;
}
