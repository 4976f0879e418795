/**
 * The `@idempotent(key:)` directive (Admin API 2026-01+). In 2026-04 it is required on refundCreate
 * and the inventory mutations; without it Shopify fails the field at runtime (the schema cannot
 * say "required" for a directive). A retry with the same key returns the first run's result and
 * does not act again; the same key with different arguments is refused.
 *
 * @see https://shopify.dev/docs/api/usage/idempotent-requests
 * @see https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations
 */
import { GraphQLError, getDirectiveValues, type GraphQLResolveInfo } from "graphql";
import type { IdempotencyRecord, ShopState } from "../store";
import type { SandboxContext } from "../resolvers/types";
import { timestamp } from "./time";

/** The version from which the directive is mandatory on the mutations that support it. */
const REQUIRED_FROM = "2026-04";

/** The key from `@idempotent(key:)` on this field, `undefined` when the directive is absent. */
export function idempotencyKey(info: GraphQLResolveInfo): string | undefined {
  const directive = info.schema.getDirective("idempotent");
  const node = info.fieldNodes[0];
  if (!directive || !node) return undefined;
  const values = getDirectiveValues(directive, node, info.variableValues);
  return values ? String(values.key) : undefined;
}

/** For mutations that document idempotency: the key, or the error Shopify returns without one. */
export function requireIdempotencyKey(info: GraphQLResolveInfo, ctx: SandboxContext): string | null {
  const key = idempotencyKey(info);
  if (key === undefined) {
    if (ctx.apiVersion >= REQUIRED_FROM) {
      throw new GraphQLError(
        "The @idempotent directive is required for this mutation but was not provided.",
        {
          extensions: { code: "BAD_REQUEST" },
        },
      );
    }
    return null;
  }
  if (key.trim() === "") {
    throw new GraphQLError("The idempotency key cannot be an empty string or whitespace only.", {
      extensions: { code: "BAD_REQUEST" },
    });
  }
  return key;
}

/**
 * For mutations that do not document idempotency (orderCreate, orderCancel, …): the directive is
 * "only supported on mutations that explicitly document idempotency support", so it is refused
 * rather than silently ignored (an app relying on it there would double-create for real).
 */
export function rejectIdempotency(info: GraphQLResolveInfo): void {
  if (idempotencyKey(info) !== undefined) {
    throw new GraphQLError(`The @idempotent directive is not supported on ${info.fieldName}.`, {
      extensions: { code: "BAD_REQUEST" },
    });
  }
}

/** JSON with sorted keys, so argument order does not change a request's fingerprint. */
export function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : inner,
  );
}

export type IdempotentRun<T> =
  | { kind: "fresh"; outcome: T }
  | { kind: "replay"; outcome: T }
  | { kind: "mismatch" };

/**
 * Runs `act` once per (field, key): a repeat with identical arguments replays the stored outcome,
 * a repeat with other arguments is a mismatch. Without a key (older versions) it just runs.
 */
export function runIdempotent<T extends Record<string, unknown>>(
  shop: ShopState,
  field: string,
  key: string | null,
  args: unknown,
  now: Date,
  act: () => T,
): IdempotentRun<T> {
  if (key === null) return { kind: "fresh", outcome: act() };
  const records = (shop.idempotency ??= new Map<string, IdempotencyRecord>());
  const recordKey = `${field}\u0000${key}`;
  const print = fingerprint(args);
  const existing = records.get(recordKey);
  if (existing) {
    return existing.fingerprint === print
      ? { kind: "replay", outcome: existing.outcome as T }
      : { kind: "mismatch" };
  }
  const outcome = act();
  records.set(recordKey, { key, field, fingerprint: print, outcome, createdAt: timestamp(now) });
  return { kind: "fresh", outcome };
}

export const KEY_MISMATCH_MESSAGE =
  "The same idempotency key cannot be used with different operation parameters.";
