import type Stripe from "stripe";

/** The `error` member of a Stripe v1 error response. */
export interface StripeErrorBody {
  type: "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  request_log_url?: string;
  charge?: string;
  payment_intent?: Stripe.PaymentIntent;
  payment_method?: { id: string; object: "payment_method"; type: "card" };
}

/**
 * Stripe stores an idempotent result only once an endpoint has started executing
 * (https://docs.stripe.com/api/idempotent_requests): a request that fails parameter validation
 * can be retried with the same key. `phase` records which side of that line an error came from.
 */
export type ErrorPhase = "validation" | "execution";

/** An error the sandbox answers with Stripe's status and body, in the one shape every route uses. */
export class StripeSandboxError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly phase: ErrorPhase = "execution",
  ) {
    super(body.message);
  }
}

interface ErrorOptions {
  code?: string;
  param?: string;
  status?: number;
  phase?: ErrorPhase;
}

export function invalidRequest(message: string, options: ErrorOptions = {}): StripeSandboxError {
  const { code, param, status = 400, phase = "execution" } = options;
  return new StripeSandboxError(
    status,
    {
      type: "invalid_request_error",
      message,
      ...(code ? { code, doc_url: docUrl(code) } : {}),
      ...(param ? { param } : {}),
    },
    phase,
  );
}

/** A parameter that is malformed whatever the account's state: never stored for idempotency. */
export function paramError(message: string, param: string, code?: string): StripeSandboxError {
  return invalidRequest(message, { code, param, phase: "validation" });
}

export function missingParam(param: string): StripeSandboxError {
  return paramError(`Missing required param: ${param}.`, param, "parameter_missing");
}

/** `No such payment_intent: 'pi_…'`, the 404 Stripe gives for an object outside the caller's account. */
export function noSuch(kind: string, id: string, param: string): StripeSandboxError {
  return invalidRequest(`No such ${kind}: '${id}'`, { code: "resource_missing", param, status: 404 });
}

export function unexpectedState(message: string): StripeSandboxError {
  return invalidRequest(message, { code: "payment_intent_unexpected_state" });
}

export function cardError(
  fields: Omit<StripeErrorBody, "type" | "doc_url"> & { code: string },
): StripeSandboxError {
  return new StripeSandboxError(402, { type: "card_error", ...fields, doc_url: docUrl(fields.code) });
}

export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replaceAll("_", "-")}`;
}
