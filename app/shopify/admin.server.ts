import { env } from "../env.server";
import { unauthenticated } from "../shopify.server";
import { StoreUnavailableError } from "../checkout/gateway";

const MAX_TRIES = 4;
/** Longest we wait for Shopify's cost bucket to refill inside one request before answering 503. */
const MAX_THROTTLE_WAIT_MS = 10_000;

interface GraphqlErrorLike {
  message?: string;
  extensions?: { code?: string };
}

/**
 * Runs one Admin GraphQL operation for a shop with its offline session. Throttling (cost-based
 * `THROTTLED`) and transient 5xx/network failures are retried with backoff; anything still failing
 * becomes StoreUnavailableError (the ACP layer answers 503 + Retry-After). Each try may take
 * SHOPIFY_ADMIN_TIMEOUT_MS, response body included; a timeout counts as a transient failure (the
 * callers' mutations are idempotent or checked before they are sent again). A GraphQL validation
 * error is a bug in our document and is rethrown as is.
 *
 * `retryTransient: false` is for mutations Shopify offers no idempotency key for (orderCreate):
 * a 5xx or a dropped connection may come after Shopify did the work, so the caller must look
 * before trying again. Throttled requests are still retried: Shopify refuses those unexecuted.
 */
export async function adminGraphql<T>(
  shop: string,
  query: string,
  variables?: Record<string, unknown>,
  options: { retryTransient?: boolean } = {},
): Promise<T> {
  const retryTransient = options.retryTransient ?? true;
  const { admin } = await unauthenticated.admin(shop);
  let lastError: unknown;
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    try {
      // The signal also covers reading the body: a response that stalls midway times out too.
      const response = await admin.graphql(query, {
        variables,
        signal: AbortSignal.timeout(env().SHOPIFY_ADMIN_TIMEOUT_MS),
      });
      const payload = (await response.json()) as { data?: T; errors?: GraphqlErrorLike[] };
      if (payload.errors?.length) {
        if (payload.errors.some((error) => error.extensions?.code === "THROTTLED")) {
          lastError = new StoreUnavailableError("Shopify Admin API throttled the request");
          await sleep(backoffMs(attempt));
          continue;
        }
        throw new Error(`Admin API error: ${payload.errors.map((error) => error.message).join("; ")}`);
      }
      return payload.data as T;
    } catch (error) {
      if (isThrottled(error)) {
        // Wait as long as Shopify's bucket needs to refill for this query, as it advertises.
        const waitMs = advertisedWaitMs(error) ?? backoffMs(attempt);
        lastError = new StoreUnavailableError(
          "Shopify Admin API throttled the request",
          Math.ceil(waitMs / 1000),
        );
        if (waitMs > MAX_THROTTLE_WAIT_MS) break;
        await sleep(waitMs);
        continue;
      }
      if (isTransient(error)) {
        lastError = error;
        if (!retryTransient) break;
        await sleep(backoffMs(attempt));
        continue;
      }
      throw error;
    }
  }
  console.warn(
    JSON.stringify({
      level: "warn",
      msg: "shopify.admin_unavailable",
      shop,
      error: String((lastError as Error)?.message ?? lastError),
    }),
  );
  throw lastError instanceof StoreUnavailableError
    ? lastError
    : new StoreUnavailableError(
        `Shopify Admin API unavailable: ${String((lastError as Error)?.message ?? lastError)}`,
      );
}

/** (requested − available) / restoreRate seconds, from the error response's cost extension. */
function advertisedWaitMs(error: unknown): number | null {
  const cost = (error as { body?: { extensions?: { cost?: CostExtension } } })?.body?.extensions?.cost;
  if (!cost?.throttleStatus || !cost.requestedQueryCost) return null;
  const { currentlyAvailable, restoreRate } = cost.throttleStatus;
  if (!restoreRate) return null;
  const deficit = Math.max(0, cost.requestedQueryCost - currentlyAvailable);
  return Math.ceil((deficit / restoreRate) * 1000) + 50;
}

interface CostExtension {
  requestedQueryCost: number;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

function backoffMs(attempt: number): number {
  return Math.min(2000, 100 * 2 ** attempt) + Math.floor(Math.random() * 50);
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The client throws GraphqlQueryError for error payloads; THROTTLED is one of them. */
function isThrottled(error: unknown): boolean {
  const body = (error as { body?: { errors?: unknown } })?.body;
  const errors = (body?.errors ?? (error as { graphQLErrors?: unknown })?.graphQLErrors) as unknown;
  const list = Array.isArray(errors)
    ? errors
    : Array.isArray((errors as { graphQLErrors?: unknown })?.graphQLErrors)
      ? (errors as { graphQLErrors: GraphqlErrorLike[] }).graphQLErrors
      : [];
  return list.some((item: GraphqlErrorLike) => item?.extensions?.code === "THROTTLED");
}

/** AbortSignal.timeout's TimeoutError, possibly wrapped by the client library as its cause. */
function isTimeout(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const name = (current as { name?: string }).name;
    if (name === "TimeoutError" || name === "AbortError") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return /aborted due to timeout|operation was aborted/i.test(String((error as Error)?.message ?? ""));
}

function isTransient(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (isTimeout(error)) return true;
  if (error instanceof Response) return error.status >= 500 || error.status === 429;
  const message = String((error as Error)?.message ?? "");
  const status = (error as { response?: { status?: number } })?.response?.status;
  if (typeof status === "number") return status >= 500 || status === 429;
  return /fetch failed|ECONNRESET|ECONNREFUSED|socket hang up|network|Internal Server Error|Service Unavailable|Too Many Requests|\b5\d\d\b|\b429\b/i.test(
    message,
  );
}
