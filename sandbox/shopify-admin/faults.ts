/**
 * Injected failures, per test: the next matching Admin API request(s) fail the way Shopify or
 * the network can fail. `afterEffect` runs the operation first and then fails the response —
 * the "timeout after Shopify did the work" case that idempotent app code must survive.
 */
export interface FaultSpec {
  /** Match the request's operation name (exact string or pattern). */
  operationName?: string | RegExp;
  /** Match a root field of the executed operation (e.g. "draftOrderComplete"). */
  rootField?: string;
  /** Only for this shop domain. */
  shop?: string;
  /** HTTP status to answer with instead of the real response. */
  status?: 500 | 502 | 503 | 429;
  /** How many matching requests fail (default 1; Infinity for all). */
  times?: number;
  /** Wait before answering (alone: a slow but successful response). */
  delayMs?: number;
  /** Close the socket without any response. */
  dropConnection?: boolean;
  /** Execute the operation (state changes happen), then fail the response. */
  afterEffect?: boolean;
  /** `Retry-After` seconds for 429 (Shopify sends one; default 2). */
  retryAfterSeconds?: number;
}

export interface Fault extends FaultSpec {
  id: number;
  /** Matching requests this fault has hit so far. */
  hits: number;
  remove(): void;
}

export interface RequestFacts {
  shop: string;
  operationName: string | null;
  rootFields: string[];
}

export class FaultRegistry {
  private readonly faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const fault: Fault = {
      ...spec,
      times: spec.times ?? 1,
      id: this.nextId++,
      hits: 0,
      remove: () => this.remove(fault),
    };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults.length = 0;
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  /** Finds the first fault matching the request and counts the hit (used up faults are removed). */
  take(facts: RequestFacts): Fault | null {
    const fault = this.faults.find((candidate) => matches(candidate, facts));
    if (!fault) return null;
    fault.hits += 1;
    if (fault.hits >= (fault.times ?? 1)) this.remove(fault);
    return fault;
  }

  private remove(fault: Fault): void {
    const index = this.faults.indexOf(fault);
    if (index !== -1) this.faults.splice(index, 1);
  }
}

function matches(fault: FaultSpec, facts: RequestFacts): boolean {
  if (fault.shop && fault.shop !== facts.shop) return false;
  if (fault.operationName !== undefined) {
    if (facts.operationName === null) return false;
    const ok =
      typeof fault.operationName === "string"
        ? fault.operationName === facts.operationName
        : fault.operationName.test(facts.operationName);
    if (!ok) return false;
  }
  if (fault.rootField && !facts.rootFields.includes(fault.rootField)) return false;
  return true;
}

/** Bodies Shopify's edge returns for these statuses. */
export function faultBody(status: number): Record<string, string> {
  switch (status) {
    case 429:
      return {
        errors:
          "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
      };
    case 502:
      return { errors: "Bad Gateway" };
    case 503:
      return { errors: "Service Unavailable" };
    default:
      return { errors: "Internal Server Error" };
  }
}
