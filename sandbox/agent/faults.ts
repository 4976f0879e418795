/**
 * Fault injection for the agent stand-ins, so the app's durable retries meet real failures:
 * error statuses, slow answers and dropped connections.
 *
 * @example
 *   receiver.faults.add({ status: 503, times: 2 });          // the next two requests get 503 + Retry-After
 *   receiver.faults.add({ dropConnection: true });            // the next request: socket closed, no answer
 *   receiver.faults.add({ delayMs: 5_000 });                  // the next request is answered normally, 5 s late
 *   feeds.faults.add({ status: 500, match: { method: "PATCH" } });
 */
import type { ServerResponse } from "node:http";
import { sendJson, sleep } from "./http";

export interface FaultRule {
  /** Answer with this status and an ACP `Error` body instead of handling the request. */
  status?: number;
  /** How many matching requests the rule applies to (default 1; `Infinity` for all). */
  times?: number;
  /** Wait this long before answering (or before dropping the connection). */
  delayMs?: number;
  /** Close the socket without any response; the request is not processed. */
  dropConnection?: boolean;
  /** `Retry-After` seconds sent with the fault status (default 1 for 429 and 503, none otherwise). */
  retryAfter?: number;
  /** Replaces the default `Error` body. */
  body?: unknown;
  /** Only requests matching this (default: every request). */
  match?: { method?: string; path?: string | RegExp };
}

/** A fault as it was applied to one request (recorded on that request). */
export type AppliedFault = Omit<FaultRule, "times" | "match">;

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  #rules: ActiveRule[] = [];

  /** Queues a rule; rules apply in the order added, the first matching one wins. */
  add(rule: FaultRule): this {
    if (rule.status === undefined && !rule.dropConnection && !rule.delayMs) {
      throw new Error("faults.add: give at least one of status, dropConnection or delayMs");
    }
    if (rule.status !== undefined && (rule.status < 400 || rule.status > 599)) {
      throw new Error(`faults.add: status ${rule.status} is not an error status`);
    }
    this.#rules.push({ rule, remaining: rule.times ?? 1 });
    return this;
  }

  clear(): void {
    this.#rules = [];
  }

  /** How many more requests queued rules will affect. */
  get pending(): number {
    return this.#rules.reduce((sum, active) => sum + active.remaining, 0);
  }

  /** Consumes one application of the first rule matching this request, if any. */
  take(method: string, path: string): AppliedFault | undefined {
    const index = this.#rules.findIndex(({ rule }) => matches(rule, method, path));
    if (index < 0) return undefined;
    const active = this.#rules[index];
    active.remaining -= 1;
    if (active.remaining <= 0) this.#rules.splice(index, 1);
    const { times: _times, match: _match, ...applied } = active.rule;
    return applied;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  const match = rule.match;
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (typeof match.path === "string" && match.path !== path) return false;
  if (match.path instanceof RegExp && !match.path.test(path)) return false;
  return true;
}

const DEFAULT_ERRORS: Record<number, { type: string; code: string; message: string }> = {
  429: { type: "invalid_request", code: "rate_limit_exceeded", message: "Too many requests, retry later." },
  500: { type: "processing_error", code: "internal_error", message: "Injected server error." },
  503: { type: "service_unavailable", code: "service_unavailable", message: "Injected outage, retry later." },
};

/**
 * Plays an applied fault. Returns true when the fault answered (or dropped) the request, false when
 * it only delayed it and the caller should now handle the request normally.
 */
export async function playFault(res: ServerResponse, fault: AppliedFault): Promise<boolean> {
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.dropConnection) {
    res.socket?.destroy();
    return true;
  }
  if (fault.status === undefined) return false;
  const retryAfter = fault.retryAfter ?? (fault.status === 429 || fault.status === 503 ? 1 : undefined);
  const body = fault.body ??
    DEFAULT_ERRORS[fault.status] ?? {
      type: fault.status >= 500 ? "processing_error" : "invalid_request",
      code: `injected_${fault.status}`,
      message: `Injected ${fault.status}.`,
    };
  sendJson(res, fault.status, body, retryAfter === undefined ? {} : { "retry-after": String(retryAfter) });
  return true;
}
