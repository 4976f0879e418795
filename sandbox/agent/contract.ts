/**
 * Checks ACP checkout requests and responses against one version's vendored spec, the way the
 * upstream examples pass (see README "Validating responses").
 *
 * The OpenAPI file decides *which* schema applies (operation, status code, `$ref` name); the JSON
 * Schema bundle of the same version is then used *to validate*, because the two drift and the
 * examples follow the JSON Schema (vendor/acp-spec/SOURCE.md, caveat 2).
 */
import {
  LATEST_ACP_VERSION,
  hasDef,
  loadSchema,
  toJsonPath,
  validateDef,
  type AcpVersion,
  type ValidationResult,
} from "./spec";

export type CheckoutOperation = "create" | "update" | "get" | "complete" | "cancel";
export const CHECKOUT_OPERATIONS: readonly CheckoutOperation[] = [
  "create",
  "update",
  "get",
  "complete",
  "cancel",
];

const CHECKOUT_OPENAPI = "openapi/openapi.agentic_checkout.yaml";
const CHECKOUT_JSON_SCHEMA = "json-schema/schema.agentic_checkout.json";

const ROUTES: Record<CheckoutOperation, { method: "get" | "post"; path: string }> = {
  create: { method: "post", path: "/checkout_sessions" },
  update: { method: "post", path: "/checkout_sessions/{checkout_session_id}" },
  get: { method: "get", path: "/checkout_sessions/{checkout_session_id}" },
  complete: { method: "post", path: "/checkout_sessions/{checkout_session_id}/complete" },
  cancel: { method: "post", path: "/checkout_sessions/{checkout_session_id}/cancel" },
};

export interface ResponseValidationResult extends ValidationResult {
  /** False when the version's OpenAPI lists no response for this status (not even `4XX`/`default`). */
  documented: boolean;
}

type OpenApiDoc = {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { responses?: Record<string, OpenApiResponse>; schemas: Record<string, unknown> };
};
type OpenApiOperation = {
  operationId: string;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: { $ref?: string } }> };
  responses: Record<string, OpenApiResponse>;
};
type OpenApiResponse = {
  $ref?: string;
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, { schema?: { $ref?: string } }>;
};

function operation(version: AcpVersion, op: CheckoutOperation): OpenApiOperation {
  const doc = loadSchema(version, CHECKOUT_OPENAPI) as OpenApiDoc;
  const route = ROUTES[op];
  const found = doc.paths[route.path]?.[route.method];
  if (!found) throw new Error(`${version} OpenAPI has no ${route.method.toUpperCase()} ${route.path}`);
  return found;
}

function refName(ref: string | undefined): string | undefined {
  return ref?.split("/").pop();
}

function failure(schema: string, message: string, instancePath = ""): ValidationResult {
  return {
    valid: false,
    schema,
    errors: [{ instancePath, jsonPath: toJsonPath(instancePath), keyword: "contract", message, params: {} }],
  };
}

/**
 * Validates against a checkout `$defs` entry, reading `CheckoutSessionWithOrder`
 * (`allOf[CheckoutSessionBase, {order}]`, base closed with `additionalProperties: false`) as
 * "base plus order". Only 2025-09-29 needs that: from 2025-12-12 the base declares `order` itself
 * and the schema passes as written. See `ValidateDefOptions.splitClosedAllOf` in spec.ts.
 */
export function validateCheckoutDef(version: AcpVersion, name: string, data: unknown): ValidationResult {
  return validateDef(version, CHECKOUT_JSON_SCHEMA, name, data, { splitClosedAllOf: true });
}

/** Validates against a checkout schema by name: the JSON Schema bundle when it has it, else the OpenAPI component. */
export function validateCheckoutNamed(version: AcpVersion, name: string, data: unknown): ValidationResult {
  if (hasDef(version, CHECKOUT_JSON_SCHEMA, name)) return validateCheckoutDef(version, name, data);
  // Not in the bundle: fall back to the OpenAPI component of the same name.
  return validateDef(version, CHECKOUT_OPENAPI, name, data);
}

/**
 * Checks a checkout request body against the version's request schema. `body === undefined` means
 * "no body sent"; that is valid only where the operation has no body or an optional one (cancel).
 */
export function validateRequest(version: AcpVersion, op: CheckoutOperation, body: unknown): ValidationResult {
  const spec = operation(version, op);
  const name = refName(spec.requestBody?.content?.["application/json"]?.schema?.$ref);
  const where = `spec/${version}/${CHECKOUT_OPENAPI} ${spec.operationId} requestBody`;
  if (!name) {
    return body === undefined
      ? { valid: true, errors: [], schema: where }
      : failure(where, `${op} takes no request body in ${version}`);
  }
  if (body === undefined) {
    return spec.requestBody?.required === false
      ? { valid: true, errors: [], schema: where }
      : failure(where, `${op} requires a request body in ${version}`);
  }
  return validateCheckoutNamed(version, name, body);
}

function resolveResponse(version: AcpVersion, response: OpenApiResponse): OpenApiResponse {
  if (!response.$ref) return response;
  const doc = loadSchema(version, CHECKOUT_OPENAPI) as OpenApiDoc;
  const target = doc.components.responses?.[refName(response.$ref) ?? ""];
  if (!target) throw new Error(`${version}: unresolved response ${response.$ref}`);
  return target;
}

/**
 * Checks a checkout response against what the version's OpenAPI declares for that operation and
 * status (`201`, then `4XX`, then `default`), validating the body with the JSON Schema bundle. When
 * `headers` are given, required response headers (e.g. `Retry-After` on a 2026-04-17 409) are
 * checked too.
 *
 * `operation` may also be `"discovery"` (`GET /.well-known/acp.json`): its document is defined
 * only from 2026-04-17 and is version-independent, so it is always checked against the latest
 * vendored `DiscoveryResponse`; a 404 (seller has no ACP) is documented and carries no body schema.
 */
export function validateResponse(
  version: AcpVersion,
  op: CheckoutOperation | "discovery",
  status: number,
  body: unknown,
  headers?: Headers | Record<string, string>,
): ResponseValidationResult {
  if (op === "discovery") {
    if (status === 404)
      return { valid: true, documented: true, errors: [], schema: "rfc.discovery 404: no ACP" };
    if (status !== 200) {
      return {
        ...failure("rfc.discovery", `discovery answers 200 or 404, got ${status}`),
        documented: false,
      };
    }
    return {
      ...validateDef(LATEST_ACP_VERSION, CHECKOUT_JSON_SCHEMA, "DiscoveryResponse", body),
      documented: true,
    };
  }
  const spec = operation(version, op);
  const key = [String(status), `${Math.floor(status / 100)}XX`, "default"].find((k) => spec.responses[k]);
  const where = `spec/${version}/${CHECKOUT_OPENAPI} ${spec.operationId}`;
  if (!key) {
    const documentedStatuses = Object.keys(spec.responses).join(", ");
    return {
      ...failure(where, `status ${status} is not documented (documented: ${documentedStatuses})`),
      documented: false,
    };
  }
  const response = resolveResponse(version, spec.responses[key]);
  const missingHeaders = headers ? requiredHeadersMissing(response, headers) : [];
  const name = refName(response.content?.["application/json"]?.schema?.$ref);
  const result: ValidationResult = name
    ? validateCheckoutNamed(version, name, body)
    : { valid: true, errors: [], schema: `${where} ${key}` };
  const errors = [
    ...result.errors,
    ...missingHeaders.map((header) => ({
      instancePath: "",
      jsonPath: "$",
      keyword: "header",
      message: `response header ${header} is required for ${status}`,
      params: { header },
    })),
  ];
  return { ...result, valid: errors.length === 0, errors, documented: true };
}

function requiredHeadersMissing(
  response: OpenApiResponse,
  headers: Headers | Record<string, string>,
): string[] {
  const has = (name: string) =>
    headers instanceof Headers
      ? headers.has(name)
      : Object.keys(headers).some((key) => key.toLowerCase() === name.toLowerCase());
  return Object.entries(response.headers ?? {})
    .filter(([name, header]) => header.required && !has(name))
    .map(([name]) => name);
}

/** The order event names an agent expects. The spec says `order_create`/`order_update`; OpenAI's docs say `order_created`/`order_updated`. */
export interface OrderEventNames {
  create: string;
  update: string;
}
export const SPEC_EVENT_NAMES: OrderEventNames = { create: "order_create", update: "order_update" };
export const OPENAI_EVENT_NAMES: OrderEventNames = { create: "order_created", update: "order_updated" };

export interface WebhookValidationResult extends ValidationResult {
  /** Which configured name `type` matched; `unknown` is acceptable only from 2026-04-17. */
  eventKind: "create" | "update" | "unknown";
}

const WEBHOOK_OPENAPI = "openapi/openapi.agentic_checkout_webhook.yaml";

/**
 * Checks an order webhook body against the version's `WebhookEvent` (OpenAPI webhook file; there
 * is no JSON Schema for it). The agent's configured event names are mapped to the spec's before
 * validation, so an agent that expects OpenAI's names still gets the rest of the body checked.
 * Up to 2026-01-30 `type` is a closed enum, so any other name is invalid; from 2026-04-17
 * receivers "MUST accept unrecognized values", so an unknown name is valid with `eventKind: "unknown"`.
 */
export function validateWebhookEvent(
  version: AcpVersion,
  body: unknown,
  names: OrderEventNames = SPEC_EVENT_NAMES,
): WebhookValidationResult {
  const type = body && typeof body === "object" ? (body as Record<string, unknown>).type : undefined;
  const eventKind = type === names.create ? "create" : type === names.update ? "update" : "unknown";
  const closedEnum = version !== "2026-04-17";
  const schema = `spec/${version}/${WEBHOOK_OPENAPI}#/components/schemas/WebhookEvent`;
  if (closedEnum && eventKind === "unknown" && typeof type === "string") {
    return {
      ...failure(
        schema,
        `unexpected event type "${type}"; this agent expects "${names.create}" or "${names.update}"`,
        "/type",
      ),
      eventKind,
    };
  }
  const mapped =
    eventKind === "unknown"
      ? body
      : {
          ...(body as object),
          type: eventKind === "create" ? SPEC_EVENT_NAMES.create : SPEC_EVENT_NAMES.update,
        };
  return { ...validateDef(version, WEBHOOK_OPENAPI, "WebhookEvent", mapped), eventKind };
}
