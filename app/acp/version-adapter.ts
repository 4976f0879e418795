import type {
  CancelCommand,
  CheckoutSession,
  CompleteCommand,
  CreateCommand,
  MessageTarget,
  UpdateCommand,
} from "../checkout/model";
import type { RenderText, Text } from "../i18n/catalog";

/** The ACP versions this server speaks, oldest first. */
export const ACP_VERSIONS = ["2025-09-29", "2025-12-12", "2026-01-16", "2026-01-30", "2026-04-17"] as const;
export type AcpVersion = (typeof ACP_VERSIONS)[number];
export const LATEST_ACP_VERSION: AcpVersion = "2026-04-17";

/** A request body problem, reported as the version's flat `Error` (400). */
export interface RequestProblem {
  code: string;
  /** Rendered in the response language when it becomes the flat Error. */
  message: Text;
  /** JSONPath into the request body, e.g. `$.line_items[0].quantity`. */
  param: string | null;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: RequestProblem };

/** What a serializer needs besides the session. */
export interface SerializeContext {
  /** Stripe account id declared as payment handler / provider merchant id. */
  paymentMerchantId: string | null;
  /** Puts messages[], display_text and the app's own titles into words; default English. */
  render?: RenderText;
}

/**
 * One ACP version's wire format over the shared domain. Everything version-specific lives
 * behind this interface; the checkout core never asks which version it serves.
 */
export interface AcpVersionAdapter {
  version: AcpVersion;
  /** From 2026-04-17 every POST must carry an Idempotency-Key. */
  idempotencyKeyRequired: boolean;
  parseCreate(body: unknown): Parsed<CreateCommand>;
  parseUpdate(body: unknown): Parsed<UpdateCommand>;
  parseComplete(body: unknown): Parsed<CompleteCommand>;
  /** Cancel accepts an optional body (intent_trace); `undefined` body means none was sent. */
  parseCancel(body: unknown): Parsed<CancelCommand>;
  /** The full authoritative session as this version shapes it (order included once completed). */
  serializeSession(session: CheckoutSession, context: SerializeContext): Record<string, unknown>;
  /** The JSONPath of a message target in this version's session shape. */
  messagePath(target: MessageTarget): string;
}
