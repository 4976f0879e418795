import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { createAcpClient, type AcpResponse } from "../../sandbox/agent/buyer";
import { seedAgent, seedShopInstall } from "../../sandbox/app-seed/seed";
import { startAppServer, type AppServer } from "../support/app-server";
import { testPrisma } from "../support/database";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Per agent key limits on the ACP endpoints, against the built server with ACP_RATE_LIMITS=8/s,40/m.
 * Reads of an unknown session are enough: the limit is counted right after authentication.
 */
const SHOP = "limits.myshopify.com";
const version = "2026-04-17" as const;

let app: AppServer;
let db: PrismaClient;

beforeAll(async () => {
  app = await startAppServer({ env: { ACP_RATE_LIMITS: "8/s,40/m" } });
  db = testPrisma(app.databaseUrl);
  await seedShopInstall(db, { shop: SHOP, accessToken: "shpat_limits", scopes: ["read_products"] });
});

afterAll(async () => {
  await db?.$disconnect();
  await app?.stop();
});

async function newClient() {
  const { apiKey } = await seedAgent(db, { shop: SHOP, name: "Limited agent" });
  return createAcpClient({ baseUrl: app.url, apiKey, apiVersion: version });
}

function expectRateLimited(response: AcpResponse, maxRetryAfter: number) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers["retry-after"]);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxRetryAfter);
  expect(response.body).toMatchObject({ type: "invalid_request", code: "rate_limit_exceeded" });
  expect((response.body as Json).message).toMatch(/Too many requests/);
  expect(response.headers["cache-control"]).toBe("no-store");
  expect(response.headers["request-id"]).toBeTruthy();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("per agent key rate limit", () => {
  it("answers a burst over the per-second limit with 429, Retry-After and an ACP error", async () => {
    const client = await newClient();
    const other = await newClient();
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 30 }, () => client.getCheckout("cs_unknown")));
    const windows = Math.floor((Date.now() - started) / 1000) + 2; // one-second windows touched, at most
    const passed = responses.filter((response) => response.status === 404);
    const refused = responses.filter((response) => response.status === 429);
    expect(passed.length + refused.length).toBe(30);
    expect(passed.length).toBeGreaterThanOrEqual(8);
    expect(passed.length).toBeLessThanOrEqual(8 * windows);
    expect(refused.length).toBeGreaterThan(0);
    for (const response of refused) expectRateLimited(response, 1);
    // Another key of the same shop is not affected.
    expect((await other.getCheckout("cs_unknown")).status).toBe(404);
    // After Retry-After, the key works again.
    await sleep(Number(refused[0].headers["retry-after"]) * 1000 + 50);
    expect((await client.getCheckout("cs_unknown")).status).toBe(404);
  });

  it("caps the sustained rate per minute", async () => {
    // Stay inside one minute window (the loop takes 8 s, more on a busy machine).
    const second = new Date().getSeconds();
    if (second > 35) await sleep((61 - second) * 1000);
    const client = await newClient();
    let allowed = 0;
    let refusal: AcpResponse | null = null;
    for (let index = 0; index < 45 && !refusal; index++) {
      const response = await client.getCheckout("cs_unknown");
      if (response.status === 429) refusal = response;
      else allowed++;
      await sleep(170); // under 8 per second
    }
    expect(allowed).toBe(40);
    expectRateLimited(refusal!, 60);
  }, 60_000);

  it("does not store a refused POST under its Idempotency-Key", async () => {
    let client = await newClient();
    let refused: AcpResponse | null = null;
    let key = "";
    // Read until the second's allowance is used up, then send the keyed request right away (in the
    // same one-second window, unless it just ended: then try again). Each try takes a fresh key, so
    // a slow machine's retries never reach the per-minute limit (its Retry-After is not this test's).
    for (let attempt = 0; attempt < 10 && !refused; attempt++) {
      if (attempt > 0) client = await newClient();
      key = `idem-${attempt}-${Date.now()}`;
      while ((await client.getCheckout("cs_unknown")).status !== 429) {
        // keep reading
      }
      const response = await client.cancelCheckout("cs_unknown", {}, { idempotencyKey: key });
      if (response.status === 429) refused = response;
    }
    expectRateLimited(refused!, 1);
    await sleep(1100);
    const retried = await client.cancelCheckout("cs_unknown", {}, { idempotencyKey: key });
    expect(retried.status).toBe(404);
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
    const replayed = await client.cancelCheckout("cs_unknown", {}, { idempotencyKey: key });
    expect(replayed.status).toBe(404);
    expect(replayed.headers["idempotent-replayed"]).toBe("true");
  });

  it("counts refusals in /metrics, in the shared table", async () => {
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    const line = metrics
      .split("\n")
      .find((entry) => entry.startsWith('acp_rate_limited_total{scope="agent_key"}'));
    expect(Number(line?.split(" ")[1])).toBeGreaterThan(0);
    // The counts are rows of RateLimitCounter (shared by every instance), one per key and window.
    const counters = await db.rateLimitCounter.findMany({ where: { key: { startsWith: "acp:key:" } } });
    expect(counters.length).toBeGreaterThan(0);
    expect(Math.max(...counters.map((row) => row.count))).toBeGreaterThan(8);
  });
});

describe("request body limit", () => {
  it("refuses a body over 256 KiB with 413 before reading it", async () => {
    const client = await newClient();
    const response = await client.request("POST", "/checkout_sessions", { padding: "x".repeat(300 * 1024) });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ type: "invalid_request", code: "request_too_large" });
  });
});
