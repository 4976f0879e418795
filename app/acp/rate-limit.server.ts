import type { AuthenticatedAgent } from "../agents/keys.server";
import prisma from "../db.server";
import { env } from "../env.server";
import { incrementCounter } from "../ops/metrics.server";
import {
  hitRateLimit,
  parseRateLimits,
  SqlCounterStore,
  type CounterStore,
  type Limit,
  type Verdict,
} from "../ops/rate-counters.server";
import { currentRequest, tagRequestShop } from "../ops/request-context.server";
import { localized } from "../i18n/catalog";
import { AcpError } from "./errors";

/**
 * ACP request limits: per agent key (ACP_RATE_LIMITS, e.g. `100/s,3000/m`: the per-second window
 * allows short bursts, the per-minute one caps the sustained rate) and per client address for
 * public endpoints. Over a limit, 429 with `Retry-After` and an ACP `Error`.
 *
 * Counters live in the `RateLimitCounter` table, shared by every instance, so the limit holds
 * across them (docs/decisions/009).
 */

let store: CounterStore | undefined;
const counterStore = (): CounterStore => (store ??= new SqlCounterStore(prisma));

let agentLimits: Limit[] | undefined;

/**
 * The ACP handler's limit step: one count per request and agent key, before the body is read or
 * any work is done. Also names the shop on the request's log line.
 */
export async function enforceAgentRateLimit(auth: AuthenticatedAgent): Promise<void> {
  tagRequestShop(auth.shop);
  agentLimits ??= parseRateLimits(env().ACP_RATE_LIMITS);
  const verdict = await hitRateLimit(`acp:key:${auth.keyId}`, agentLimits, counterStore());
  if (verdict.allowed) return;
  incrementCounter("acp_rate_limited_total", "Requests refused with 429, by limit scope.", {
    scope: "agent_key",
  });
  throw rateLimited(verdict);
}

/**
 * Per client address limits of the unauthenticated routes. Discovery: DISCOVERY_RATE_LIMITS
 * (20/s, 300/min). Feed pulls: FEED_RATE_LIMITS (60/s, 1200/min): an agent platform fetching a
 * sharded feed makes one request per shard in a burst and may poll the index; a token guesser
 * makes thousands.
 */
export type PublicScope = "discovery" | "feed";

const publicLimits: Partial<Record<PublicScope, Limit[]>> = {};

function limitsFor(scope: PublicScope): Limit[] {
  return (publicLimits[scope] ??= parseRateLimits(
    scope === "discovery" ? env().DISCOVERY_RATE_LIMITS : env().FEED_RATE_LIMITS,
  ));
}

/**
 * Per-address limit for an unauthenticated route; returns the 429 to send, or null to go on.
 * The address is the one server.mjs settled on: the TCP peer, or with TRUST_PROXY=<hops> the
 * client named by the trusted proxies in X-Forwarded-For (never what the client wrote itself).
 */
export async function limitByClientAddress(scope: PublicScope): Promise<Response | null> {
  const limits = limitsFor(scope);
  const address = currentRequest()?.clientAddress;
  if (!address) return null;
  const verdict = await hitRateLimit(`${scope}:ip:${address}`, limits, counterStore());
  if (verdict.allowed) return null;
  incrementCounter("acp_rate_limited_total", "Requests refused with 429, by limit scope.", { scope });
  const error = rateLimited(verdict);
  return Response.json(error.toBody(), {
    status: 429,
    headers: { ...error.headers(), "Cache-Control": "no-store" },
  });
}

function rateLimited(verdict: Verdict): AcpError {
  // The Error `type` enum has no rate-limit member in any version; the code says what happened.
  return new AcpError(
    429,
    "invalid_request",
    "rate_limit_exceeded",
    localized(verdict.limit!.windowMs === 1000 ? "error.rate_limited_second" : "error.rate_limited_minute", {
      max: verdict.limit!.max,
      seconds: verdict.retryAfterSeconds,
    }),
    null,
    { retryAfterSeconds: verdict.retryAfterSeconds },
  );
}
