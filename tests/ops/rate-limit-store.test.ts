import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { createAcpClient, type AcpResponse } from "../../sandbox/agent/buyer";
import { seedAgent, seedShopInstall } from "../../sandbox/app-seed/seed";
import {
  hitRateLimit,
  MemoryCounterStore,
  parseRateLimits,
  SqlCounterStore,
  sweepRateLimitCounters,
} from "../../app/ops/rate-counters.server";
import { startAppServer, type AppServer } from "../support/app-server";
import { freshSqliteUrl, testPrisma } from "../support/database";
import { freshPostgresDatabase } from "../support/postgres-db";

/**
 * The database counter store on the migrated `RateLimitCounter` table (docs/decisions/009), on
 * SQLite and on PostgreSQL, and the limit holding across two instances on one database.
 */
/** Another client on the same database, as a second instance would have. */
function postgresClient(url: string): PrismaClient {
  const require = createRequire(import.meta.url);
  const { PrismaClient: PostgresClient } = require("../../node_modules/.prisma/client-postgresql") as {
    PrismaClient: new (options: { adapter: unknown }) => PrismaClient;
  };
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) });
}

describe("counters", () => {
  it("parses ACP_RATE_LIMITS", () => {
    expect(parseRateLimits("100/s,3000/m")).toEqual([
      { max: 100, windowMs: 1000 },
      { max: 3000, windowMs: 60_000 },
    ]);
  });

  it("refuses past the limit until the window ends, and says how long to wait", async () => {
    const store = new MemoryCounterStore();
    const limits = [{ max: 3, windowMs: 60_000 }];
    const start = Date.UTC(2026, 10, 24, 10, 0, 0);
    const verdicts = [];
    for (let index = 0; index < 4; index++)
      verdicts.push(await hitRateLimit("k", limits, store, start + 15_500));
    expect(verdicts.map((verdict) => verdict.allowed)).toEqual([true, true, true, false]);
    expect(verdicts[3].retryAfterSeconds).toBe(45); // 44.5 s left, rounded up
    expect((await hitRateLimit("k", limits, store, start + 60_000)).allowed).toBe(true);
  });
});

describe("SqlCounterStore on SQLite", () => {
  let db: PrismaClient;
  beforeAll(() => {
    db = testPrisma(freshSqliteUrl());
  });
  afterAll(() => db?.$disconnect());

  it("gives every concurrent hit its own count, per window", async () => {
    const store = new SqlCounterStore(db);
    const now = Date.now();
    const hits = [
      { key: "a|1000", windowStart: now - (now % 1000), expiresAt: now + 2000 },
      { key: "a|60000", windowStart: now - (now % 60_000), expiresAt: now + 120_000 },
    ];
    const counts = await Promise.all(Array.from({ length: 25 }, () => store.increment(hits)));
    expect(counts.map(([perSecond]) => perSecond).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, index) => index + 1),
    );
    expect(Math.max(...counts.map(([, perMinute]) => perMinute))).toBe(25);
  });

  it("sweeps ended windows only", async () => {
    const store = new SqlCounterStore(db);
    const now = Date.now();
    await store.increment([
      { key: "old|1000", windowStart: now - 10_000, expiresAt: now - 8_000 },
      { key: "live|1000", windowStart: now - (now % 1000), expiresAt: now + 2000 },
    ]);
    expect(await sweepRateLimitCounters(db, now)).toBeGreaterThanOrEqual(1);
    const left = await db.rateLimitCounter.findMany({ where: { key: { in: ["old|1000", "live|1000"] } } });
    expect(left.map((row) => row.key)).toEqual(["live|1000"]);
  });
});

describe("on PostgreSQL with two instances", () => {
  let url: string;
  let db: PrismaClient;
  let second: PrismaClient;
  let instances: AppServer[] = [];

  beforeAll(async () => {
    ({ url, db } = await freshPostgresDatabase(inject("postgresUrl")));
    second = postgresClient(url);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await second?.$disconnect();
    await db?.$disconnect();
  });

  it("counts exactly under concurrent increments from two clients", async () => {
    const stores = [new SqlCounterStore(db), new SqlCounterStore(second)];
    const now = Date.now();
    const hit = [{ key: `pg|${randomUUID()}`, windowStart: now - (now % 60_000), expiresAt: now + 120_000 }];
    const counts = await Promise.all(
      Array.from({ length: 40 }, (_, index) => stores[index % 2].increment(hit)),
    );
    expect(counts.map(([count]) => count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, index) => index + 1),
    );
  });

  it("holds the limit across two app instances on one database", async () => {
    const shop = "limits-pg.myshopify.com";
    await seedShopInstall(db, { shop, accessToken: "shpat_pg", scopes: ["read_products"] });
    const { apiKey } = await seedAgent(db, { shop, name: "Two-instance agent" });
    // A per-minute limit, so the burst's timing does not matter; stay inside one minute window.
    const env = { ACP_RATE_LIMITS: "1000/s,20/m", JOB_WORKER: "0" };
    instances = await Promise.all([0, 1].map(() => startAppServer({ databaseUrl: url, env })));
    const second = new Date().getSeconds();
    if (second > 50) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    const clients = instances.map((instance) =>
      createAcpClient({ baseUrl: instance.url, apiKey, apiVersion: "2026-04-17" }),
    );
    const responses: AcpResponse[] = await Promise.all(
      Array.from({ length: 40 }, (_, index) => clients[index % 2].getCheckout("cs_unknown")),
    );
    expect(responses.filter((response) => response.status === 404)).toHaveLength(20);
    const refused = responses.filter((response) => response.status === 429);
    expect(refused).toHaveLength(20);
    for (const response of refused) {
      const retryAfter = Number(response.headers["retry-after"]);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(response.body).toMatchObject({ type: "invalid_request", code: "rate_limit_exceeded" });
    }
    // Per-process counting would have let all 40 through (20 per instance).
  }, 180_000);
});
