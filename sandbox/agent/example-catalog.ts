/**
 * Which schema judges each vendored upstream example, and the verdict. Upstream names examples by
 * convention only (`create_checkout_session_request`, `error_400_…`), so the mapping is written out
 * here; an example this catalog cannot place throws, so a newly vendored example is never skipped.
 */
import {
  validateCheckoutDef,
  validateCheckoutNamed,
  validateRequest,
  validateResponse,
  validateWebhookEvent,
  type CheckoutOperation,
} from "./contract";
import {
  listExampleFiles,
  listSpecFiles,
  loadExample,
  loadSchema,
  validateDef,
  validateWithSchema,
  type AcpVersion,
  type ValidationResult,
} from "./spec";

export interface ExampleCase {
  version: AcpVersion;
  /** Path under `examples/<version>/`. */
  file: string;
  /** Top-level key in the file; `.` for files that are one example (orders). */
  key: string;
  /** What the example is checked as, for reports: `request create`, `$defs/Order`, … */
  checkedAs: string;
  value: unknown;
  validate: () => ValidationResult;
}

const OPS: Record<string, CheckoutOperation> = {
  create: "create",
  update: "update",
  get: "get",
  complete: "complete",
  cancel: "cancel",
};
const SUCCESS: Record<CheckoutOperation, number> = {
  create: 201,
  update: 200,
  get: 200,
  complete: 200,
  cancel: 200,
};

function request(op: CheckoutOperation, version: AcpVersion, value: unknown) {
  return { checkedAs: `request ${op}`, validate: () => validateRequest(version, op, value) };
}
function response(op: CheckoutOperation, version: AcpVersion, value: unknown) {
  return {
    checkedAs: `response ${op} ${SUCCESS[op]}`,
    validate: () => validateResponse(version, op, SUCCESS[op], value),
  };
}
/** Named definitions are read the way the checkout contract reads them (closed allOf = base + extension). */
function def(version: AcpVersion, file: string, name: string, value: unknown) {
  return {
    checkedAs: `${file}#/$defs/${name}`,
    validate: () => validateDef(version, file, name, value, { splitClosedAllOf: true }),
  };
}

function classifyCheckout(version: AcpVersion, key: string, value: unknown) {
  let match = /^(create|update|get|complete|cancel)_checkout_session_request/.exec(key);
  if (match) return request(OPS[match[1]], version, value);
  if (/^complete_session_with_.*_request$/.test(key)) return request("complete", version, value);
  match = /^(create|update|get|complete|cancel)_checkout_session_response$/.exec(key);
  if (match) return response(OPS[match[1]], version, value);
  if (/^create_multi_item_checkout_request$/.test(key)) return request("create", version, value);
  if (/^create_multi_item_checkout_response$/.test(key)) return response("create", version, value);
  if (/^checkout_session_/.test(key)) {
    return {
      checkedAs: "$defs/CheckoutSession",
      validate: () => validateCheckoutDef(version, "CheckoutSession", value),
    };
  }
  if (/^webhook_order_/.test(key)) {
    return { checkedAs: "webhook WebhookEvent", validate: () => validateWebhookEvent(version, value) };
  }
  if (/^authentication_result/.test(key)) {
    return {
      checkedAs: "$defs/AuthenticationResult",
      validate: () => validateCheckoutDef(version, "AuthenticationResult", value),
    };
  }
  if (/^error_/.test(key)) {
    return { checkedAs: "$defs/Error", validate: () => validateCheckoutDef(version, "Error", value) };
  }
  if (/^discovery_response/.test(key)) {
    return {
      checkedAs: "response discovery 200",
      validate: () => validateResponse(version, "discovery", 200, value),
    };
  }
  // examples.capability_negotiation.json (2026-01-16): create request/response pairs.
  if (/_request$/.test(key)) return request("create", version, value);
  if (/_response$/.test(key)) return response("create", version, value);
  return undefined;
}

function classifyDelegatePayment(version: AcpVersion, key: string, value: unknown) {
  const file = "json-schema/schema.delegate_payment.json";
  if (key === "delegate_payment_request") return def(version, file, "DelegatePaymentRequest", value);
  if (key === "delegate_payment_success_response")
    return def(version, file, "DelegatePaymentResponse", value);
  if (/^delegate_payment_error_/.test(key)) return def(version, file, "Error", value);
  return undefined;
}

function classifyDelegateAuthentication(version: AcpVersion, key: string, value: unknown) {
  const file = "json-schema/schema.delegate_authentication.json";
  if (/^create_authentication_session_request/.test(key))
    return def(version, file, "DelegateAuthenticationCreateRequest", value);
  if (/^authenticate_request/.test(key))
    return def(version, file, "DelegateAuthenticationAuthenticateRequest", value);
  if (/^(create_authentication_session|authenticate)_response/.test(key)) {
    return def(version, file, "DelegateAuthenticationSession", value);
  }
  if (/^retrieve_session_response/.test(key))
    return def(version, file, "DelegateAuthenticationSessionWithResult", value);
  if (/^error_/.test(key)) return def(version, file, "Error", value);
  return undefined;
}

function classifyFeed(version: AcpVersion, key: string, value: unknown) {
  const file = "json-schema/schema.feed.json";
  if (/^create_feed_request/.test(key)) return def(version, file, "CreateFeedRequest", value);
  if (/^(create|get)_feed_response$/.test(key)) return def(version, file, "FeedMetadata", value);
  if (key === "get_products_response") return def(version, file, "ProductsResponse", value);
  if (/^upsert_products_request/.test(key)) return def(version, file, "UpsertProductsRequest", value);
  if (/^feed_error_/.test(key)) return def(version, file, "Error", value);
  return undefined;
}

const RPC_FILE = "openrpc/openrpc.agentic_checkout.json";

/**
 * MCP examples are JSON-RPC envelopes: the ACP payloads sit in `params.arguments` and `result`,
 * checked against the schemas the OpenRPC document assigns to each method.
 */
function classifyMcp(version: AcpVersion, key: string, value: unknown) {
  const rpc = loadRpc(version);
  const envelope = value as {
    params?: { name: string; arguments: Record<string, unknown> };
    result?: unknown;
    error?: { data?: unknown };
  };
  const methodIndex = (name: string) => rpc.methods.findIndex((m) => m.name === name);
  if (/_request$/.test(key) && envelope.params) {
    const index = methodIndex(envelope.params.name);
    if (index < 0) return undefined;
    return {
      checkedAs: `openrpc ${envelope.params.name} params`,
      validate: (): ValidationResult => {
        const results = rpc.methods[index].params.map((param, p) => {
          const argument = envelope.params!.arguments[param.name];
          if (argument === undefined) {
            return param.required
              ? failureOf(`missing required param "${param.name}"`)
              : { valid: true, errors: [], schema: "" };
          }
          return validateWithSchema(version, RPC_FILE, `/methods/${index}/params/${p}/schema`, argument);
        });
        return merge(results, `${RPC_FILE} ${envelope.params!.name} params`);
      },
    };
  }
  const method = /^(create|get|update|complete|cancel)_checkout_session_response$/.exec(key)?.[1];
  if (method && envelope.result !== undefined) {
    const index = methodIndex(`${method}_checkout_session`);
    return {
      checkedAs: `openrpc ${method}_checkout_session result`,
      validate: () =>
        validateWithSchema(version, RPC_FILE, `/methods/${index}/result/schema`, envelope.result),
    };
  }
  if (/^error_/.test(key) && envelope.error) {
    return {
      checkedAs: "openrpc error.data as $defs/Error",
      validate: () => validateCheckoutDef(version, "Error", envelope.error!.data),
    };
  }
  return undefined;
}

type Rpc = { methods: Array<{ name: string; params: Array<{ name: string; required?: boolean }> }> };
function loadRpc(version: AcpVersion): Rpc {
  return loadSchema(version, RPC_FILE) as Rpc;
}

function failureOf(message: string): ValidationResult {
  return {
    valid: false,
    schema: "",
    errors: [{ instancePath: "", jsonPath: "$", keyword: "contract", message, params: {} }],
  };
}
function merge(results: ValidationResult[], schema: string): ValidationResult {
  const errors = results.flatMap((r) => r.errors);
  return { valid: errors.length === 0, errors, schema };
}

/**
 * Standalone example files carry annotation keys (`$schema`, `_description`, `_notes`) beside the
 * example itself; they are not part of the payload and are dropped before validation.
 */
function withoutAnnotations(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).filter(([key]) => key !== "$schema" && !key.startsWith("_")),
  );
}

/** Every example of one version as a case to validate. Throws on an example it cannot place. */
export function exampleCases(version: AcpVersion): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const file of listExampleFiles(version)) {
    const doc = loadExample(version, file) as Record<string, unknown>;
    const push = (
      key: string,
      value: unknown,
      found: { checkedAs: string; validate: () => ValidationResult } | undefined,
    ) => {
      if (!found) throw new Error(`example-catalog: no schema known for ${version}/${file} "${key}"`);
      cases.push({ version, file, key, value, ...found });
    };
    if (file.startsWith("orders/")) {
      const order = withoutAnnotations(doc);
      push(".", order, def(version, "json-schema/schema.agentic_checkout.json", "Order", order));
      continue;
    }
    if (file.startsWith("discount-extension/")) {
      push("request", doc.request, request("create", version, doc.request));
      push("response", doc.response, response("create", version, doc.response));
      continue;
    }
    const classify =
      file === "examples.delegate_payment.json"
        ? classifyDelegatePayment
        : file === "examples.delegate_authentication.json"
          ? classifyDelegateAuthentication
          : file === "examples.feed.json"
            ? classifyFeed
            : file === "examples.mcp.agentic_checkout.json"
              ? classifyMcp
              : classifyCheckout;
    for (const [key, value] of Object.entries(doc)) push(key, value, classify(version, key, value));
  }
  return cases;
}

type MediaType = {
  schema?: { $ref?: string };
  examples?: Record<string, { value?: unknown; $ref?: string }>;
  example?: unknown;
};
type Operation = {
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, { $ref?: string; content?: Record<string, MediaType> }>;
};
type OpenApi = {
  paths?: Record<string, Record<string, Operation>>;
  components?: { responses?: Record<string, { content?: Record<string, MediaType> }> };
};

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * The request/response examples written inside each OpenAPI file (`content.<type>.examples`), checked
 * against the schema of the same media type. Checkout bodies go through the contract (JSON Schema
 * first, caveat 2); the webhook body through the webhook check; everything else against the OpenAPI
 * schema itself. Schema-level `example` annotations are not examples of a request or response and
 * are not checked.
 */
export function openApiExampleCases(version: AcpVersion): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const file of listSpecFiles(version).filter((f) => f.startsWith("openapi/"))) {
    const doc = loadSchema(version, file) as OpenApi;
    const add = (label: string, pointer: string, media: MediaType) => {
      for (const [name, example] of Object.entries(media.examples ?? {})) {
        if (example.$ref)
          throw new Error(`example-catalog: example $ref not supported (${file} ${label} ${name})`);
        const value = example.value;
        const ref = media.schema?.$ref;
        const schemaName = ref?.startsWith("#/components/schemas/") ? ref.split("/").pop() : undefined;
        const validate =
          file === "openapi/openapi.agentic_checkout_webhook.yaml" && schemaName === "WebhookEvent"
            ? () => validateWebhookEvent(version, value)
            : file === "openapi/openapi.agentic_checkout.yaml" && schemaName
              ? () => validateCheckoutNamed(version, schemaName, value)
              : schemaName
                ? () => validateDef(version, file, schemaName, value, { splitClosedAllOf: true })
                : () => validateWithSchema(version, file, `${pointer}/schema`, value);
        cases.push({
          version,
          file: `spec:${file}`,
          key: `${label} ${name}`,
          value,
          checkedAs: ref ?? pointer,
          validate,
        });
      }
    };
    for (const [route, methods] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(methods)) {
        if (method === "parameters") continue;
        const base = `/paths/${escapePointer(route)}/${method}`;
        const label = `${method.toUpperCase()} ${route}`;
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
          add(`${label} request`, `${base}/requestBody/content/${escapePointer(type)}`, media);
        }
        for (const [status, response] of Object.entries(op.responses ?? {})) {
          if (response.$ref) continue; // shared responses are checked once, below
          for (const [type, media] of Object.entries(response.content ?? {})) {
            add(`${label} ${status}`, `${base}/responses/${status}/content/${escapePointer(type)}`, media);
          }
        }
      }
    }
    for (const [name, response] of Object.entries(doc.components?.responses ?? {})) {
      for (const [type, media] of Object.entries(response.content ?? {})) {
        add(
          `components.responses.${name}`,
          `/components/responses/${name}/content/${escapePointer(type)}`,
          media,
        );
      }
    }
  }
  return cases;
}
