import type { PrismaClient } from "@prisma/client";

/**
 * Fixed-window request counters for rate limits (app/acp/rate-limit.server.ts uses them). Each
 * limit (`100/s`, `3000/m`) counts hits per key in the current window and refuses once the count
 * passes the limit, until the window ends. Refused requests count too, so hammering does not help.
 * Where the counts live is a `CounterStore`: the database (shared by all instances; what the app
 * uses) or memory (unit tests, one process).
 */

export interface Limit {
  max: number;
  windowMs: number;
}

export interface Verdict {
  allowed: boolean;
  /** Whole seconds until the window that refused the request ends (at least 1). */
  retryAfterSeconds: number;
  limit: Limit | null;
}

/** `100/s,3000/m` → limits. */
export function parseRateLimits(spec: string): Limit[] {
  return spec
    .split(",")
    .filter(Boolean)
    .map((part) => {
      const [count, unit] = part.split("/");
      return { max: Number(count), windowMs: unit === "m" ? 60_000 : 1000 };
    });
}

/** One counter increment: the key, and the window it falls in. */
export interface Hit {
  key: string;
  windowStart: number;
  /** When the row can be deleted (epoch ms). */
  expiresAt: number;
}

/** Increments every hit's counter by one and returns the new counts, in order. */
export interface CounterStore {
  readonly shared: boolean;
  increment(hits: Hit[], now: number): Promise<number[]>;
}

/** Per-process counters: correct for one instance only. */
export class MemoryCounterStore implements CounterStore {
  readonly shared = false;
  private counts = new Map<string, { windowStart: number; expiresAt: number; count: number }>();

  async increment(hits: Hit[], now: number): Promise<number[]> {
    if (this.counts.size > 50_000) this.sweep(now);
    return hits.map((hit) => {
      const current = this.counts.get(hit.key);
      const entry =
        current && current.windowStart === hit.windowStart
          ? current
          : { windowStart: hit.windowStart, expiresAt: hit.expiresAt, count: 0 };
      entry.count += 1;
      this.counts.set(hit.key, entry);
      return entry.count;
    });
  }

  private sweep(now: number) {
    for (const [key, entry] of this.counts) if (entry.expiresAt < now) this.counts.delete(key);
  }
}

/**
 * Counters in the `RateLimitCounter` table: an upsert per window, atomic in SQLite and PostgreSQL
 * alike (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`), so concurrent requests on any instance
 * each see a distinct count. Prisma's `upsert` would read then write on some paths; this is one
 * statement. Expired rows are deleted by the periodic `ops.rate_limit_sweep` job.
 */
export class SqlCounterStore implements CounterStore {
  readonly shared = true;
  constructor(private readonly db: PrismaClient) {}

  async increment(hits: Hit[]): Promise<number[]> {
    // One statement per window. A template tag, not Prisma.sql/Prisma.join: those helpers come
    // from the SQLite client's runtime and the PostgreSQL client does not recognise them.
    return Promise.all(
      hits.map(async (hit) => {
        const [row] = await this.db.$queryRaw<{ count: number | bigint }[]>`
          INSERT INTO "RateLimitCounter" ("key", "windowStart", "count", "expiresAt")
          VALUES (${hit.key}, ${BigInt(hit.windowStart)}, 1, ${BigInt(hit.expiresAt)})
          ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimitCounter"."count" + 1
          RETURNING "count"`;
        return Number(row.count);
      }),
    );
  }
}

/** Deletes counters whose window is over (the `ops.rate_limit_sweep` job). Returns how many. */
export async function sweepRateLimitCounters(db: PrismaClient, now = Date.now()): Promise<number> {
  const swept = await db.rateLimitCounter.deleteMany({ where: { expiresAt: { lt: BigInt(now) } } });
  return swept.count;
}

/** Counts one request against `bucket` under every limit; refused if any limit is passed. */
export async function hitRateLimit(
  bucket: string,
  limits: Limit[],
  store: CounterStore,
  now = Date.now(),
): Promise<Verdict> {
  if (limits.length === 0) return { allowed: true, retryAfterSeconds: 0, limit: null };
  const hits = limits.map((limit) => {
    const windowStart = now - (now % limit.windowMs);
    return {
      key: `${bucket}|${limit.windowMs}`,
      windowStart,
      expiresAt: windowStart + limit.windowMs * 2,
    };
  });
  const counts = await store.increment(hits, now);
  let verdict: Verdict = { allowed: true, retryAfterSeconds: 0, limit: null };
  limits.forEach((limit, index) => {
    if (counts[index] <= limit.max) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((hits[index].windowStart + limit.windowMs - now) / 1000));
    if (verdict.allowed || retryAfterSeconds > verdict.retryAfterSeconds) {
      verdict = { allowed: false, retryAfterSeconds, limit };
    }
  });
  return verdict;
}
