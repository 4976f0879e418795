import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../support/app-server";

/**
 * Per client address limits on the unauthenticated routes: discovery and feed pulls, counted before
 * anything else is done. Small per-minute limits here (the defaults are 20/s,300/m and
 * 60/s,1200/m) so a burst is counted inside one fixed window. X-Forwarded-For names the client
 * only with TRUST_PROXY (hops of trusted proxies); otherwise anyone could pick a fresh address per
 * request.
 */
const LIMITS = { DISCOVERY_RATE_LIMITS: "1000/s,30/m", FEED_RATE_LIMITS: "1000/s,40/m", JOB_WORKER: "0" };
let direct: AppServer;
let proxied: AppServer;

beforeAll(async () => {
  [direct, proxied] = await Promise.all([
    startAppServer({ env: LIMITS }),
    startAppServer({ env: { ...LIMITS, TRUST_PROXY: "1" } }),
  ]);
});

afterAll(async () => {
  await Promise.all([direct?.stop(), proxied?.stop()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `count` GETs, `parallel` at a time; returns the responses' statuses and Retry-After values. */
async function burst(
  url: string,
  count: number,
  headers: (index: number) => Record<string, string> = () => ({}),
) {
  const statuses: number[] = [];
  const retryAfter: number[] = [];
  const parallel = 20;
  for (let start = 0; start < count; start += parallel) {
    const responses = await Promise.all(
      Array.from({ length: Math.min(parallel, count - start) }, (_, offset) =>
        fetch(url, { headers: headers(start + offset) }),
      ),
    );
    for (const response of responses) {
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter.push(Number(response.headers.get("retry-after")));
        expect(await response.json()).toMatchObject({ type: "invalid_request", code: "rate_limit_exceeded" });
      } else await response.arrayBuffer();
    }
  }
  return { statuses, retryAfter };
}

/** The per-minute windows are fixed: start a burst early enough in one. */
async function freshMinute(needSeconds: number) {
  const second = new Date().getSeconds();
  if (second > 60 - needSeconds) await sleep((61 - second) * 1000);
}

describe("per client address limits", () => {
  it("discovery: past the minute's allowance from one address, 429 with Retry-After; X-Forwarded-For ignored without TRUST_PROXY", async () => {
    await freshMinute(15);
    // A client rotating X-Forwarded-For does not escape: the server does not trust it.
    const { statuses, retryAfter } = await burst(`${direct.url}/.well-known/acp.json`, 40, (index) => ({
      "X-Forwarded-For": `203.0.113.${index}`,
    }));
    expect(statuses.filter((status) => status === 200)).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    for (const seconds of retryAfter) {
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);
    }
  }, 60_000);

  it("with TRUST_PROXY=1 each forwarded client has its own allowance, and a forged hop does not help", async () => {
    await freshMinute(15);
    const url = `${proxied.url}/.well-known/acp.json`;
    // One client behind the load balancer uses up its minute...
    const first = await burst(url, 35, () => ({ "X-Forwarded-For": "198.51.100.7" }));
    expect(first.statuses.filter((status) => status === 200)).toHaveLength(30);
    // ...and prepending a forged address (the balancer appends the real one) changes nothing.
    const forged = await burst(url, 5, (index) => ({ "X-Forwarded-For": `10.9.9.${index}, 198.51.100.7` }));
    expect(forged.statuses).toEqual([429, 429, 429, 429, 429]);
    // Another client through the same balancer (the same TCP peer) is not affected.
    const other = await fetch(url, { headers: { "X-Forwarded-For": "198.51.100.8" } });
    expect(other.status).toBe(200);
  }, 60_000);

  it("feed pulls: past the minute's allowance, 429 before the token is even looked up", async () => {
    await freshMinute(15);
    const { statuses, retryAfter } = await burst(
      `${direct.url}/feeds/feed_nosuchtoken/products.jsonl.gz`,
      45,
    );
    expect(statuses.filter((status) => status === 404)).toHaveLength(40);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    expect(retryAfter.every((seconds) => seconds >= 1 && seconds <= 60)).toBe(true);
    // The index and the CSV share the feed allowance; discovery has its own.
    expect((await fetch(`${direct.url}/feeds/feed_nosuchtoken/index.json`)).status).toBe(429);
    expect((await fetch(`${direct.url}/feeds/feed_nosuchtoken/products.csv.gz`)).status).toBe(429);
  }, 60_000);
});
