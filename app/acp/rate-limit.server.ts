import type { AuthenticatedAgent } from "../agents/keys.server";
import prisma from "../db.server";
import { env } from "../env.server";
import { incrementCounter } from "../ops/metrics.server";
import {
  hitRateLimit,
  MemoryCounterStore,
  parseRateLimits,
  SqlCounterStore,
  type CounterStore,
  type Limit,
  type Verdict,
} from "../ops/rate-counters.server";
import { currentRequest, tagRequestShop } from "../ops/request-context.server";
import { AcpError } from "./errors";

/**
 * ACP request limits: per agent key (ACP_RATE_LIMITS, e.g. `100/s,3000/m`: the per-second window
 * allows short bursts, the per-minute one caps the sustained rate) and per client address for
 * public endpoints. Over a limit, 429 with `Retry-After` and an ACP `Error`.
 *
 * Counters belong in the database so the limit holds across instances: the `RateLimitCounter`
 * table (docs/decisions/009). Until its migration exists, counting falls back to this process's
 * memory, which makes the effective limit N × the configured one on N instances.
 */

let chosen: Promise<CounterStore> | undefined;

function counterStore(): Promise<CounterStore> {
  chosen ??= SqlCounterStore.available(prisma).then((available) => {
    if (available) return new SqlCounterStore(prisma);
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "rate_limit.per_instance",
        detail: "RateLimitCounter table missing: limits are counted per instance",
      }),
    );
    return new MemoryCounterStore();
  });
  return chosen;
}

let agentLimits: Limit[] | undefined;

/**
 * The ACP handler's limit step: one count per request and agent key, before the body is read or
 * any work is done. Also names the shop on the request's log line.
 */
export async function enforceAgentRateLimit(auth: AuthenticatedAgent): Promise<void> {
  tagRequestShop(auth.shop);
  agentLimits ??= parseRateLimits(env().ACP_RATE_LIMITS);
  const verdict = await hitRateLimit(`acp:key:${auth.keyId}`, agentLimits, await counterStore());
  if (verdict.allowed) return;
  incrementCounter("acp_rate_limited_total", "Requests refused with 429, by limit scope.", {
    scope: "agent_key",
  });
  throw rateLimited(verdict);
}

/** Limits for unauthenticated public endpoints (discovery, feed pulls), per client address. */
export const PUBLIC_IP_LIMITS: Limit[] = [
  { max: 20, windowMs: 1000 },
  { max: 300, windowMs: 60_000 },
];

/**
 * Per-address limit for an unauthenticated route; returns the 429 to send, or null to go on.
 * The address is the peer server.mjs saw: behind a load balancer that is the balancer's, so this
 * needs the proxy's client address (trust proxy) before it is wired to a public route.
 */
export async function limitByClientAddress(
  scope: string,
  limits: Limit[] = PUBLIC_IP_LIMITS,
): Promise<Response | null> {
  const address = currentRequest()?.clientAddress;
  if (!address) return null;
  const verdict = await hitRateLimit(`${scope}:ip:${address}`, limits, await counterStore());
  if (verdict.allowed) return null;
  incrementCounter("acp_rate_limited_total", "Requests refused with 429, by limit scope.", { scope });
  const error = rateLimited(verdict);
  return Response.json(error.toBody(), {
    status: 429,
    headers: { ...error.headers(), "Cache-Control": "no-store" },
  });
}

function rateLimited(verdict: Verdict): AcpError {
  const per = verdict.limit!.windowMs === 1000 ? "second" : "minute";
  // The Error `type` enum has no rate-limit member in any version; the code says what happened.
  return new AcpError(
    429,
    "invalid_request",
    "rate_limit_exceeded",
    `Too many requests: at most ${verdict.limit!.max} per ${per}. Retry after ${verdict.retryAfterSeconds} s.`,
    null,
    { retryAfterSeconds: verdict.retryAfterSeconds },
  );
}
