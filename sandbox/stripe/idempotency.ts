import { invalidRequest, StripeSandboxError } from "./errors";

/** Stripe prunes keys once they are at least 24 hours old; a reused key then runs as a new request. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
const MAX_KEY_LENGTH = 255;

export interface StoredResponse {
  status: number;
  body: string;
  requestId: string;
}

interface Entry {
  endpoint: string;
  params: string;
  createdAt: number;
  response?: StoredResponse;
}

export type IdempotencyOutcome =
  | { kind: "replay"; response: StoredResponse }
  | { kind: "execute"; complete: (response: StoredResponse | null) => void };

/**
 * Stripe v1 idempotency, scoped by account and key: the first request's status and body are
 * stored once execution begins and replayed for the same endpoint and parameters; anything else
 * with that key is a 400 `idempotency_error`; a second request while the first is running is a
 * 409 `idempotency_key_in_use`.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  begin(accountId: string, key: string, endpoint: string, params: string): IdempotencyOutcome {
    if (key.length > MAX_KEY_LENGTH) {
      throw invalidRequest(
        `Invalid Idempotency-Key: must be at most ${MAX_KEY_LENGTH} characters, but it is ${key.length}.`,
        { phase: "validation" },
      );
    }
    const slot = `${accountId}\u0000${key}`;
    let entry = this.entries.get(slot);
    if (entry && this.now() - entry.createdAt >= IDEMPOTENCY_RETENTION_MS) {
      this.entries.delete(slot);
      entry = undefined;
    }
    if (entry) {
      if (entry.endpoint !== endpoint) {
        throw idempotencyError(
          `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      if (entry.params !== params) {
        throw idempotencyError(
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      if (!entry.response) {
        throw invalidRequest(
          `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
          { code: "idempotency_key_in_use", status: 409, phase: "validation" },
        );
      }
      return { kind: "replay", response: entry.response };
    }
    const created: Entry = { endpoint, params, createdAt: this.now() };
    this.entries.set(slot, created);
    return {
      kind: "execute",
      // `null` releases the key without storing anything (validation errors, 5xx).
      complete: (response) => {
        if (response) created.response = response;
        else if (this.entries.get(slot) === created) this.entries.delete(slot);
      },
    };
  }

  clear(): void {
    this.entries.clear();
  }
}

function idempotencyError(message: string): StripeSandboxError {
  return new StripeSandboxError(400, { type: "idempotency_error", message }, "validation");
}
