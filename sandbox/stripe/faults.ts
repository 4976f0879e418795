/**
 * A transport-level failure to inject into matching requests.
 *
 * Without `afterEffect` the fault hits before Stripe does anything: nothing is created, nothing
 * is stored under the idempotency key. With `afterEffect: true` Stripe performs the operation and
 * stores its result, and only then does the response fail or the connection drop: the shape of
 * a timeout after Stripe did the work, which a retry with the same Idempotency-Key must survive.
 */
export interface FaultSpec {
  method?: string;
  /** Exact pathname (`/v1/payment_intents`) or a pattern tested against it. */
  path?: string | RegExp;
  status?: 500 | 502 | 503 | 429;
  /** How many matching requests to hit; default 1. `Infinity` for every one. */
  times?: number;
  /**
   * Milliseconds to wait. Before the effect, the wait happens with the idempotency key held,
   * like a slow Stripe: a concurrent request with the same key gets 409 `idempotency_key_in_use`.
   * After the effect, the wait comes before the (possibly failed) response.
   */
  delayMs?: number;
  /** Destroy the socket instead of answering; clients see ECONNRESET. */
  dropConnection?: boolean;
  afterEffect?: boolean;
}

export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
  hits: number;
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    if (spec.status === undefined && !spec.dropConnection && spec.delayMs === undefined) {
      throw new Error("A fault needs a status, dropConnection or delayMs");
    }
    if (spec.status !== undefined && spec.dropConnection) {
      throw new Error("A fault either answers with a status or drops the connection, not both");
    }
    const fault: Fault = { ...spec, id: this.nextId++, remaining: spec.times ?? 1, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  /** Faults still armed, oldest first. */
  list(): readonly Fault[] {
    return this.faults.filter((fault) => fault.remaining > 0);
  }

  /**
   * Takes the first armed fault for this request and moment ("before" the effect, or "after" it)
   * and counts the hit. A request turned away earlier (bad key, unknown endpoint, missing
   * permission) leaves "before" faults armed.
   */
  take(method: string, path: string, moment: "before" | "after"): Fault | undefined {
    const fault = this.faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.afterEffect ?? false) === (moment === "after") &&
        (candidate.method === undefined || candidate.method.toUpperCase() === method) &&
        (candidate.path === undefined ||
          (typeof candidate.path === "string" ? candidate.path === path : candidate.path.test(path))),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    return fault;
  }
}
