/**
 * The agent platform's order-event webhook endpoint (`openapi.agentic_checkout_webhook.yaml`), as a
 * real HTTP server: it verifies the merchant's signature the way the configured ACP version says,
 * validates the body against that version's `WebhookEvent`, answers like the spec, and records every
 * delivery so tests can assert on exactly what the app sent.
 *
 * Signature schemes (README "Webhook signatures" has the reasoning):
 * - 2026-04-17: `Merchant-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`,
 *   timestamp within ±`toleranceSec` (300 s recommended by the spec).
 * - 2025-09-29 … 2026-01-30: an HMAC-SHA256 of the raw body in a `<Name>-Signature` header
 *   (`Merchant-Signature` by default). The encoding is unspecified, so hex and base64 are accepted.
 *   There is no signed timestamp; if the optional `Timestamp` header is sent it must be in the window.
 *
 * @example
 *   const agent = await startWebhookReceiver({ version: "2026-04-17" });
 *   // configure the app with agent.url and agent.secret, complete a checkout, then:
 *   const [delivery] = await agent.waitForDeliveries(1);
 *   expect(delivery.accepted).toBe(true);
 *   expect(agent.duplicates()).toEqual([]);
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { canonicalJson } from "./canonical-json";
import { OPENAI_EVENT_NAMES, SPEC_EVENT_NAMES, validateWebhookEvent, type OrderEventNames } from "./contract";
import { FaultInjector, playFault, type AppliedFault } from "./faults";
import { BodyTooLarge, headerRecord, isJsonContentType, listen, readBody, sendJson } from "./http";
import type { AcpVersion, SchemaError } from "./spec";

export const WEBHOOK_PATH = "/agentic_checkout/webhooks/order_events";
export const DEFAULT_SIGNATURE_HEADER = "Merchant-Signature";
/** The spec's recommended window for the 2026-04-17 signed timestamp. */
export const DEFAULT_TOLERANCE_SEC = 300;

/** True for the versions whose signature is `t=…,v1=…` over `"<t>.<raw body>"`. */
export function usesTimestampedSignature(version: AcpVersion): boolean {
  return version === "2026-04-17";
}

export type SignatureVerdict =
  | { ok: true; scheme: "t,v1" | "hmac-hex" | "hmac-base64" | "hmac-base64url"; timestamp?: number }
  | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch"; message: string };

const V1_PATTERN = /^t=(\d+),v1=([a-fA-F0-9]{64})$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function hmac(secret: string, payload: Buffer): Buffer {
  return createHmac("sha256", secret).update(payload).digest();
}

function toBuffer(body: string | Buffer): Buffer {
  return typeof body === "string" ? Buffer.from(body, "utf8") : body;
}

/**
 * The signature header value the merchant must send for `rawBody` (a test signer, like
 * stripe-node's `generateTestHeaderString`). `timestamp` is unix seconds (default now).
 */
export function signWebhookPayload(
  version: AcpVersion,
  secret: string,
  rawBody: string | Buffer,
  {
    timestamp = Math.floor(Date.now() / 1000),
    encoding = "hex",
  }: { timestamp?: number; encoding?: "hex" | "base64" } = {},
): string {
  const body = toBuffer(rawBody);
  if (usesTimestampedSignature(version)) {
    const mac = hmac(secret, Buffer.concat([Buffer.from(`${timestamp}.`, "utf8"), body]));
    return `t=${timestamp},v1=${mac.toString("hex")}`;
  }
  return hmac(secret, body).toString(encoding);
}

export interface VerifyOptions {
  /** The signature header's value, or undefined when it was not sent. */
  header: string | undefined;
  /** The optional `Timestamp` request header (RFC 3339), if sent. */
  timestampHeader?: string;
  rawBody: string | Buffer;
  secret: string;
  toleranceSec?: number;
  /** Clock, in milliseconds (injectable for tests). */
  nowMs?: number;
}

function outsideWindow(timestampSec: number, nowMs: number, toleranceSec: number): boolean {
  return Math.abs(nowMs / 1000 - timestampSec) > toleranceSec;
}

/** Verifies a webhook signature the way `version` specifies. Never throws. */
export function verifyWebhookSignature(version: AcpVersion, options: VerifyOptions): SignatureVerdict {
  const { header, rawBody, secret, toleranceSec = DEFAULT_TOLERANCE_SEC, nowMs = Date.now() } = options;
  if (!header) return { ok: false, reason: "missing", message: "Missing Merchant-Signature header." };
  const body = toBuffer(rawBody);

  if (options.timestampHeader !== undefined) {
    const parsed = Date.parse(options.timestampHeader);
    if (Number.isNaN(parsed) || !RFC3339.test(options.timestampHeader)) {
      return { ok: false, reason: "malformed", message: "Timestamp header must be an RFC 3339 date-time." };
    }
    if (outsideWindow(parsed / 1000, nowMs, toleranceSec)) {
      return { ok: false, reason: "stale", message: "Timestamp outside allowed window." };
    }
  }

  if (usesTimestampedSignature(version)) {
    const match = V1_PATTERN.exec(header.trim());
    if (!match) {
      return {
        ok: false,
        reason: "malformed",
        message: "Merchant-Signature must be t=<timestamp>,v1=<64_hex>.",
      };
    }
    const timestamp = Number(match[1]);
    if (outsideWindow(timestamp, nowMs, toleranceSec)) {
      return { ok: false, reason: "stale", message: "Timestamp outside allowed window." };
    }
    const expected = hmac(secret, Buffer.concat([Buffer.from(`${match[1]}.`, "utf8"), body]));
    return timingSafeEqual(expected, Buffer.from(match[2], "hex"))
      ? { ok: true, scheme: "t,v1", timestamp }
      : { ok: false, reason: "mismatch", message: "Webhook signature verification failed." };
  }

  const value = header.trim();
  const scheme = /^[0-9a-fA-F]{64}$/.test(value)
    ? ("hmac-hex" as const)
    : /^[A-Za-z0-9+/]{43}=$/.test(value)
      ? ("hmac-base64" as const)
      : /^[A-Za-z0-9_-]{43}$/.test(value)
        ? ("hmac-base64url" as const)
        : undefined;
  if (!scheme) {
    return {
      ok: false,
      reason: "malformed",
      message: "Signature must be an HMAC-SHA256 of the raw body, hex or base64 encoded.",
    };
  }
  const given = Buffer.from(
    value,
    scheme === "hmac-hex" ? "hex" : scheme === "hmac-base64" ? "base64" : "base64url",
  );
  return timingSafeEqual(hmac(secret, body), given)
    ? { ok: true, scheme }
    : { ok: false, reason: "mismatch", message: "Webhook signature verification failed." };
}

export interface WebhookDelivery {
  /** 1-based arrival order. */
  seq: number;
  receivedAt: string;
  method: string;
  path: string;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  /** The body exactly as received (what the signature covers). */
  rawBody: string;
  /** Parsed JSON, when it parsed. */
  body?: unknown;
  /** `Request-Id` header, if sent. */
  requestId?: string;
  /** Identity of the event for duplicate detection (see README): sha256 of the canonical JSON body. */
  eventId: string;
  eventType?: string;
  eventKind?: "create" | "update" | "unknown";
  signature?: SignatureVerdict;
  fault?: AppliedFault;
  /** HTTP status answered, or "dropped" when the connection was closed instead. */
  status: number | "dropped";
  response?: unknown;
  /** True only for a 200 `{received: true}`: the event counts as delivered. */
  accepted: boolean;
  /** One word for what happened: `accepted`, the error code answered, or `fault:<status|dropped|delay>`. */
  verdict: string;
  /** Schema errors behind a 400. */
  errors?: SchemaError[];
}

export interface WebhookReceiverOptions {
  /** The ACP version this agent expects; decides signature scheme and body schema. */
  version: AcpVersion;
  /** Shared signing secret; random (`whsec_…`) when omitted. */
  secret?: string;
  path?: string;
  /** Header carrying the signature. Pre-2026-04-17 specs let the merchant name it (`Merchant_Name-Signature`). */
  signatureHeader?: string;
  toleranceSec?: number;
  /** Event names this agent expects: the spec's (default), OpenAI's docs', or custom. */
  eventNames?: "spec" | "openai" | OrderEventNames;
  /** Clock in milliseconds, for signature windows. */
  now?: () => number;
  port?: number;
}

export interface WebhookReceiver {
  /** Full URL of the order-events endpoint, to configure in the app. */
  url: string;
  origin: string;
  secret: string;
  version: AcpVersion;
  signatureHeader: string;
  eventNames: OrderEventNames;
  faults: FaultInjector;
  /** Every request received, in order, including rejected and faulted ones. */
  deliveries(): WebhookDelivery[];
  /** Deliveries answered 200. */
  accepted(): WebhookDelivery[];
  /** Accepted event bodies, in order. */
  events(): Array<{ type: string; data: Record<string, unknown> }>;
  /** All deliveries (any outcome) of one event id. */
  byEventId(eventId: string): WebhookDelivery[];
  /** Events accepted more than once: the app must never cause any. Nothing is de-duplicated. */
  duplicates(): Array<{ eventId: string; deliveries: WebhookDelivery[] }>;
  /** Resolves when a delivery satisfying `predicate` has arrived (checks past ones first). */
  waitFor(predicate: (delivery: WebhookDelivery) => boolean, timeoutMs?: number): Promise<WebhookDelivery>;
  /** Resolves with the first `count` accepted deliveries once they have arrived. */
  waitForDeliveries(count: number, timeoutMs?: number): Promise<WebhookDelivery[]>;
  /** Forgets deliveries and queued faults. */
  reset(): void;
  close(): Promise<void>;
}

function resolveNames(names: WebhookReceiverOptions["eventNames"]): OrderEventNames {
  if (names === "openai") return OPENAI_EVENT_NAMES;
  if (!names || names === "spec") return SPEC_EVENT_NAMES;
  return names;
}

function eventIdOf(rawBody: string, body: unknown): string {
  let basis = rawBody;
  try {
    if (body !== undefined) basis = canonicalJson(body);
  } catch {
    // unrepresentable (cannot happen for parsed JSON); fall back to the raw bytes
  }
  return `sha256:${createHash("sha256").update(basis).digest("hex")}`;
}

function error(code: string, message: string, param?: string) {
  return { type: "invalid_request", code, message, ...(param ? { param } : {}) };
}

/** Starts an order-webhook receiver on 127.0.0.1 (a free port unless `port` is given). */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const version = options.version;
  const secret = options.secret ?? `whsec_${randomBytes(24).toString("hex")}`;
  const path = options.path ?? WEBHOOK_PATH;
  const signatureHeader = options.signatureHeader ?? DEFAULT_SIGNATURE_HEADER;
  const toleranceSec = options.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  const eventNames = resolveNames(options.eventNames);
  const now = options.now ?? Date.now;
  const faults = new FaultInjector();
  const emitter = new EventEmitter();
  let deliveries: WebhookDelivery[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== path)
      return sendJson(res, 404, error("not_found", `No endpoint at ${url.pathname}`));
    if (req.method !== "POST") {
      return sendJson(res, 405, error("method_not_allowed", "Order events are POSTed."), { allow: "POST" });
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, 1024 * 1024);
    } catch (caught) {
      if (caught instanceof BodyTooLarge)
        return sendJson(res, 413, error("payload_too_large", caught.message));
      throw caught;
    }
    const headers = headerRecord(req);
    const rawBody = raw.toString("utf8");
    const delivery: WebhookDelivery = {
      seq: deliveries.length + 1,
      receivedAt: new Date(now()).toISOString(),
      method: req.method,
      path: url.pathname,
      headers,
      rawBody,
      requestId: headers["request-id"],
      eventId: eventIdOf(rawBody, undefined),
      status: 0,
      accepted: false,
      verdict: "pending",
    };
    deliveries.push(delivery);
    try {
      delivery.body = JSON.parse(rawBody);
      delivery.eventId = eventIdOf(rawBody, delivery.body);
      const type = (delivery.body as { type?: unknown } | null)?.type;
      if (typeof type === "string") delivery.eventType = type;
    } catch {
      // reported below, after the signature check
    }
    const answer = (status: number, body: Record<string, unknown>) => {
      delivery.status = status;
      delivery.response = body;
      delivery.verdict =
        status === 200 ? "accepted" : typeof body.code === "string" ? body.code : String(status);
      const echo: Record<string, string> = delivery.requestId ? { "request-id": delivery.requestId } : {};
      sendJson(res, status, body, echo);
    };

    try {
      const fault = faults.take(req.method, url.pathname);
      if (fault) {
        delivery.fault = fault;
        if (await playFault(res, fault)) {
          delivery.status = fault.dropConnection ? "dropped" : (fault.status ?? 0);
          delivery.verdict = `fault:${delivery.status}`;
          return;
        }
      }

      // Signature first: nothing about an unauthenticated body is worth reporting back.
      const signature = verifyWebhookSignature(version, {
        header: headers[signatureHeader.toLowerCase()],
        timestampHeader: headers["timestamp"],
        rawBody: raw,
        secret,
        toleranceSec,
        nowMs: now(),
      });
      delivery.signature = signature;
      if (!signature.ok) return answer(401, error("invalid_signature", signature.message));

      if (!isJsonContentType(headers["content-type"])) {
        return answer(400, error("invalid_content_type", "Content-Type must be application/json."));
      }
      if (delivery.body === undefined) return answer(400, error("invalid_json", "Body is not valid JSON."));

      const verdict = validateWebhookEvent(version, delivery.body, eventNames);
      delivery.eventKind = verdict.eventKind;
      if (!verdict.valid) {
        delivery.errors = verdict.errors;
        const first = verdict.errors[0];
        return answer(
          400,
          error(
            "invalid_payload",
            `Body is not a ${version} WebhookEvent: ${first.jsonPath} ${first.message}`,
            first.jsonPath,
          ),
        );
      }
      delivery.accepted = true;
      return answer(200, {
        received: true,
        ...(delivery.requestId ? { request_id: delivery.requestId } : {}),
      });
    } finally {
      emitter.emit("delivery", delivery);
    }
  }

  const listening = await listen(handle, { port: options.port });

  const accepted = () => deliveries.filter((d) => d.accepted);
  const waitFor = (predicate: (d: WebhookDelivery) => boolean, timeoutMs = 10_000) =>
    new Promise<WebhookDelivery>((resolve, reject) => {
      const found = deliveries.find((d) => d.status !== 0 && predicate(d));
      if (found) return resolve(found);
      const onDelivery = (d: WebhookDelivery) => {
        if (!predicate(d)) return;
        clearTimeout(timer);
        emitter.off("delivery", onDelivery);
        resolve(d);
      };
      const timer = setTimeout(() => {
        emitter.off("delivery", onDelivery);
        reject(
          new Error(
            `webhook receiver: no matching delivery within ${timeoutMs} ms (${deliveries.length} received)`,
          ),
        );
      }, timeoutMs);
      emitter.on("delivery", onDelivery);
    });

  return {
    url: `${listening.origin}${path}`,
    origin: listening.origin,
    secret,
    version,
    signatureHeader,
    eventNames,
    faults,
    deliveries: () => [...deliveries],
    accepted,
    events: () => accepted().map((d) => d.body as { type: string; data: Record<string, unknown> }),
    byEventId: (eventId) => deliveries.filter((d) => d.eventId === eventId),
    duplicates: () => {
      const groups = new Map<string, WebhookDelivery[]>();
      for (const d of accepted()) groups.set(d.eventId, [...(groups.get(d.eventId) ?? []), d]);
      return [...groups]
        .filter(([, list]) => list.length > 1)
        .map(([eventId, list]) => ({ eventId, deliveries: list }));
    },
    waitFor,
    waitForDeliveries: async (count, timeoutMs = 10_000) => {
      await waitFor(() => accepted().length >= count, timeoutMs);
      return accepted().slice(0, count);
    },
    reset: () => {
      deliveries = [];
      faults.clear();
    },
    close: listening.close,
  };
}
