import { randomUUID } from "node:crypto";
import prisma from "../db.server";
import { authenticateApiKey, type AuthenticatedAgent } from "../agents/keys.server";
import { cancelCart, createCart, getCart, updateCart, type CartOutcome } from "../cart/service.server";
import { StoreUnavailableError } from "../checkout/gateway";
import {
  cancelCheckout,
  createCheckout,
  getCheckout,
  updateCheckout,
  type CheckoutContext,
  type CheckoutOutcome,
} from "../checkout/service.server";
import { RevisionConflictError } from "../checkout/sessions.server";
import { completeCheckout } from "../checkout/complete.server";
import { inLanguage, localized, type Language } from "../i18n/catalog";
import { deferTexts, fillTexts, type DeferredBody } from "../i18n/deferred";
import { negotiateLanguage } from "../i18n/negotiate";
import { canonicalJson } from "../lib/canonical-json";
import { sha256Hex } from "../lib/crypto.server";
import { shopifyStoreGateway } from "../shopify/store-gateway.server";
import { AcpError } from "./errors";
import {
  beginIdempotentRequest,
  finishIdempotentRequest,
  holdIdempotentRequest,
  releaseIdempotentRequest,
  type StoredResponse,
} from "./idempotency.server";
import { enforceAgentRateLimit } from "./rate-limit.server";
import { verifyRequestSignature } from "./signing.server";
import {
  ACP_VERSIONS,
  type AcpVersion,
  type AcpVersionAdapter,
  type RequestProblem,
} from "./version-adapter";
import { adapterFor } from "./versions";
import {
  CART_API_VERSIONS,
  parseCartCreate,
  parseCartUpdate,
  serializeCart,
} from "./versions/cart-2026-04-17";

export type CheckoutOperation = "create" | "update" | "get" | "cancel" | "complete";
/** The optional Cart API (rfc.cart.md), served only where the version defines it. */
export type CartOperation = "createCart" | "getCart" | "updateCart" | "cancelCart";
export type AcpOperation = CheckoutOperation | CartOperation;

const CART_OPERATIONS: ReadonlySet<AcpOperation> = new Set<AcpOperation>([
  "createCart",
  "getCart",
  "updateCart",
  "cancelCart",
]);
const isCartOperation = (operation: AcpOperation): operation is CartOperation =>
  CART_OPERATIONS.has(operation);
const CART_METHODS: Readonly<Record<CartOperation, string>> = {
  createCart: "POST",
  getCart: "GET",
  updateCart: "PUT",
  cancelCart: "POST",
};

/** Request bodies above this are refused before parsing (ACP bodies are a few KB). */
export const MAX_BODY_BYTES = 256 * 1024;
const MAX_REVISION_RETRIES = 3;

interface AcpRequest {
  request: Request;
  operation: AcpOperation;
  sessionId?: string;
}

/**
 * The one entry point of every ACP checkout and cart route: version negotiation, authentication,
 * signature, body limits, idempotency, parsing, the domain call, serialization and error mapping.
 * Routes stay one line; nothing version-specific happens outside the adapter.
 *
 * Texts (messages[], display_text, Error.message) are put into words per response, in the
 * language negotiated from Accept-Language, then the session's or cart's locale, then English;
 * Content-Language says which. Idempotency records keep the texts deferred, so a replay is worded
 * for the replaying request too (ADR 015).
 */
export async function handleAcpRequest({ request, operation, sessionId }: AcpRequest): Promise<Response> {
  const requestId = request.headers.get("request-id")?.slice(0, 200) || `req_${randomUUID()}`;
  const acceptLanguage = request.headers.get("accept-language");
  const errorLanguage = negotiateLanguage(acceptLanguage);
  const baseHeaders: Record<string, string> = {
    "Request-Id": requestId,
    "Cache-Control": "no-store",
    // The same URL answers in other words for another Accept-Language.
    Vary: "Accept-Language",
  };
  try {
    if (isCartOperation(operation) && request.method !== CART_METHODS[operation]) {
      // GET /carts/{id} and PUT /carts/{id} share a route; any other method is refused.
      const allow = operation === "getCart" || operation === "updateCart" ? "GET, PUT" : "POST";
      throw new AcpError(
        405,
        "invalid_request",
        "method_not_allowed",
        localized("error.method_not_allowed", { allow }),
        null,
        { allow },
      );
    }
    const version = negotiateVersion(request.headers.get("api-version"));
    baseHeaders["API-Version"] = version;
    const auth = await authenticateApiKey(request.headers.get("authorization"));
    if (!auth) {
      throw new AcpError(401, "invalid_request", "invalid_api_key", localized("error.invalid_api_key"));
    }
    // Limits: counted per agent key before anything else is done for the request (429 + Retry-After).
    // The body size limit is readJsonBody's (MAX_BODY_BYTES).
    await enforceAgentRateLimit(auth);
    const accepted = auth.agent.acceptedVersions?.split(",").filter(Boolean);
    if (accepted?.length && !accepted.includes(version)) {
      throw new AcpError(
        400,
        "invalid_request",
        "unsupported_api_version",
        localized("error.version_not_enabled", { version }),
        null,
        { supportedVersions: accepted },
      );
    }
    if (isCartOperation(operation) && !(CART_API_VERSIONS as readonly string[]).includes(version)) {
      // The Error of the versions before carts has no supported_versions: the message names them.
      throw new AcpError(
        400,
        "invalid_request",
        "unsupported_api_version",
        localized("error.carts_not_in_version", { version, supported: CART_API_VERSIONS.join(", ") }),
      );
    }
    const adapter = adapterFor(version);
    // PUT (cart update) carries a body and an Idempotency-Key like POST.
    const isPost = request.method === "POST" || request.method === "PUT";
    const body = isPost
      ? await readJsonBody(request, operation === "cancel" || operation === "cancelCart")
      : undefined;
    verifyRequestSignature(auth.agent, body, request.headers);

    const idempotencyKey = request.headers.get("idempotency-key");
    if (isPost && idempotencyKey !== null) baseHeaders["Idempotency-Key"] = idempotencyKey;
    if (!isPost || idempotencyKey === null) {
      if (isPost && adapter.idempotencyKeyRequired) {
        throw new AcpError(
          400,
          "invalid_request",
          "idempotency_key_required",
          localized("error.idempotency_key_required", { method: request.method }),
        );
      }
      return respond(
        await executeAndCommit(auth, adapter, operation, sessionId, body, null),
        baseHeaders,
        acceptLanguage,
      );
    }
    if (idempotencyKey.length < 1 || idempotencyKey.length > 255) {
      throw new AcpError(
        400,
        "invalid_request",
        "invalid_idempotency_key",
        localized("error.invalid_idempotency_key"),
      );
    }
    const start = await beginIdempotentRequest({
      shop: auth.shop,
      agentId: auth.agent.id,
      endpoint: `${request.method} ${new URL(request.url).pathname}`,
      key: idempotencyKey,
      requestHash: sha256Hex(canonicalJson(body ?? null)),
      conflictStatus: auth.agent.idempotencyConflictStatus === 409 ? 409 : 422,
    });
    if (start.kind === "replay") {
      return respond(start.response, { ...baseHeaders, "Idempotent-Replayed": "true" }, acceptLanguage);
    }
    let outcome: StoredResponse;
    const stopHolding = holdIdempotentRequest(start.recordId);
    try {
      outcome = await executeAndCommit(auth, adapter, operation, sessionId, body, start.recordId);
    } catch (error) {
      await releaseIdempotentRequest(start.recordId);
      throw error;
    } finally {
      stopHolding();
    }
    // 5xx answers are never stored: a retry with the same key is a fresh request (RFC §6).
    if (outcome.status >= 500) await releaseIdempotentRequest(start.recordId);
    return respond(outcome, baseHeaders, acceptLanguage);
  } catch (error) {
    return errorResponse(error, baseHeaders, requestId, errorLanguage);
  }
}

/**
 * Runs the operation and commits its change together with the idempotency record. A concurrent
 * change of the same session (revision conflict) re-runs the operation on the fresh state.
 */
async function executeAndCommit(
  auth: AuthenticatedAgent,
  adapter: AcpVersionAdapter,
  operation: AcpOperation,
  sessionId: string | undefined,
  body: unknown,
  idempotencyRecordId: string | null,
): Promise<StoredResponse> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await execute(auth, adapter, operation, sessionId, body);
    if (outcome.status >= 500 || (!outcome.persist && !idempotencyRecordId)) return outcome;
    try {
      await prisma.$transaction(async (tx) => {
        await outcome.persist?.(tx);
        if (idempotencyRecordId) await finishIdempotentRequest(tx, idempotencyRecordId, outcome);
      });
      return outcome;
    } catch (error) {
      if (error instanceof RevisionConflictError && attempt < MAX_REVISION_RETRIES) continue;
      throw error;
    }
  }
}

interface PendingResponse extends StoredResponse {
  persist: CheckoutOutcome["persist"] | CartOutcome["persist"];
}

/**
 * A body with its texts deferred (ADR 015), and the locale of the session or cart it shows, the
 * fallback language when the request's Accept-Language names none the catalog has.
 */
interface LocalizableBody {
  localizable: DeferredBody & { locale: string | null };
}

const localizable = (
  serialize: Parameters<typeof deferTexts>[0],
  locale: string | null | undefined,
): LocalizableBody => ({ localizable: { ...deferTexts(serialize), locale: locale ?? null } });

function isLocalizable(body: unknown): body is LocalizableBody {
  return typeof body === "object" && body !== null && "localizable" in body;
}

/** Runs the operation; 4xx AcpErrors become responses to store (they are deterministic). */
async function execute(
  auth: AuthenticatedAgent,
  adapter: AcpVersionAdapter,
  operation: AcpOperation,
  sessionId: string | undefined,
  body: unknown,
): Promise<PendingResponse> {
  try {
    const context: CheckoutContext = {
      shop: auth.shop,
      agent: auth.agent,
      apiVersion: adapter.version,
      gateway: shopifyStoreGateway,
      now: new Date(),
    };
    if (isCartOperation(operation)) {
      const { cart, persist } = await runCart(context, operation, sessionId ?? "", body);
      return {
        status: successStatus(operation, auth),
        body: localizable((render) => serializeCart(cart, render), cart.locale),
        headers: {},
        persist,
      };
    }
    const { session, persist } = await run(context, adapter, operation, sessionId ?? "", body);
    const paymentMerchantId = session.payment?.merchantId ?? null;
    return {
      status: successStatus(operation, auth),
      body: localizable(
        (render) => adapter.serializeSession(session, { paymentMerchantId, render }),
        session.locale,
      ),
      headers: {},
      persist,
    };
  } catch (error) {
    if (error instanceof AcpError && error.status < 500) {
      return {
        status: error.status,
        body: localizable((render) => error.toBody(render), null),
        headers: error.headers(),
        persist: null,
      };
    }
    throw error;
  }
}

/** 201 for create; complete is 200 per the spec, or 201 for agents configured so (ADR 004). */
function successStatus(operation: AcpOperation, auth: AuthenticatedAgent): number {
  if (operation === "create" || operation === "createCart") return 201;
  if (operation === "complete" && auth.agent.completeStatus === 201) return 201;
  return 200;
}

function run(
  context: CheckoutContext,
  adapter: AcpVersionAdapter,
  operation: CheckoutOperation,
  sessionId: string,
  body: unknown,
): Promise<CheckoutOutcome> {
  switch (operation) {
    case "create":
      return createCheckout(context, unwrap(adapter.parseCreate(body)));
    case "update":
      return updateCheckout(context, sessionId, unwrap(adapter.parseUpdate(body)));
    case "get":
      return getCheckout(context, sessionId);
    case "cancel":
      return cancelCheckout(context, sessionId, unwrap(adapter.parseCancel(body)));
    case "complete":
      return completeCheckout(context, sessionId, unwrap(adapter.parseComplete(body)));
  }
}

function runCart(
  context: CheckoutContext,
  operation: CartOperation,
  cartId: string,
  body: unknown,
): Promise<CartOutcome> {
  switch (operation) {
    case "createCart":
      return createCart(context, unwrap(parseCartCreate(body)));
    case "getCart":
      return getCart(context, cartId);
    case "updateCart":
      return updateCart(context, cartId, unwrap(parseCartUpdate(body)));
    case "cancelCart":
      // The body is optional and carries nothing the cart needs.
      return cancelCart(context, cartId);
  }
}

function unwrap<T>(parsed: { ok: true; value: T } | { ok: false; problem: RequestProblem }): T {
  if (parsed.ok) return parsed.value;
  throw new AcpError(
    400,
    "invalid_request",
    parsed.problem.code,
    parsed.problem.message,
    parsed.problem.param,
  );
}

export function negotiateVersion(header: string | null): AcpVersion {
  if (!header) {
    throw new AcpError(
      400,
      "invalid_request",
      "missing_api_version",
      localized("error.missing_api_version"),
      null,
      { supportedVersions: ACP_VERSIONS },
    );
  }
  const version = header.trim();
  if (!(ACP_VERSIONS as readonly string[]).includes(version)) {
    throw new AcpError(
      400,
      "invalid_request",
      "unsupported_api_version",
      localized("error.unsupported_api_version", { version }),
      null,
      { supportedVersions: ACP_VERSIONS },
    );
  }
  return version as AcpVersion;
}

async function readJsonBody(request: Request, optional: boolean): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") {
    if (optional) return undefined;
    throw new AcpError(400, "invalid_request", "invalid_json", localized("error.body_not_object"));
  }
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new AcpError(
      415,
      "invalid_request",
      "unsupported_media_type",
      localized("error.unsupported_media_type"),
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AcpError(400, "invalid_request", "invalid_json", localized("error.invalid_json"));
  }
}

const tooLarge = () =>
  new AcpError(
    413,
    "invalid_request",
    "request_too_large",
    localized("error.request_too_large", { max: MAX_BODY_BYTES }),
  );

/** Puts a (possibly replayed) response into words for this request. */
function respond(
  response: StoredResponse,
  headers: Record<string, string>,
  acceptLanguage: string | null,
): Response {
  if (!isLocalizable(response.body)) {
    // Stored before texts were deferred: English, as it was first sent.
    return Response.json(response.body, {
      status: response.status,
      headers: { ...headers, ...response.headers, "Content-Language": "en" },
    });
  }
  const { locale, ...deferred } = response.body.localizable;
  const language = negotiateLanguage(acceptLanguage, locale);
  return Response.json(fillTexts(deferred, language), {
    status: response.status,
    headers: { ...headers, ...response.headers, "Content-Language": language },
  });
}

function errorResponse(
  error: unknown,
  baseHeaders: Record<string, string>,
  requestId: string,
  language: Language,
): Response {
  const headers = { ...baseHeaders, "Content-Language": language };
  if (error instanceof AcpError) {
    return Response.json(error.toBody(inLanguage(language)), {
      status: error.status,
      headers: { ...headers, ...error.headers() },
    });
  }
  if (error instanceof StoreUnavailableError) {
    const unavailable = new AcpError(
      503,
      "service_unavailable",
      "store_unavailable",
      localized("error.store_unavailable"),
    );
    return Response.json(unavailable.toBody(inLanguage(language)), {
      status: 503,
      headers: { ...headers, "Retry-After": String(Math.max(1, error.retryAfterSeconds)) },
    });
  }
  console.warn(
    JSON.stringify({
      level: "error",
      msg: "acp.unhandled_error",
      requestId,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    }),
  );
  const internal = new AcpError(500, "processing_error", "internal_error", localized("error.internal"));
  return Response.json(internal.toBody(inLanguage(language)), { status: 500, headers });
}
