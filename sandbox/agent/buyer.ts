/**
 * A scripted buyer: the ACP client an agent developer would write, pointed at the app.
 *
 * It sends what the spec asks of a client on every call (rfc.agentic_checkout.md §3.1):
 * `Authorization: Bearer`, `API-Version`, a `Request-Id`, an `Idempotency-Key` (UUID v4) on every
 * POST (pass your own to retry), and, when signing is configured, `Signature` (base64url over the
 * canonical JSON body) with a `Timestamp` (RFC 3339). It never throws on an HTTP status: tests look
 * at `{status, headers, body}` themselves.
 *
 * @example
 *   const client = createAcpClient({ baseUrl: app.url, apiKey, apiVersion: "2026-04-17" });
 *   const build = buildRequests("2026-04-17");
 *   const created = await client.createCheckout(build.create({ items: [{ id: "gid_1", quantity: 1 }], address }));
 *   expect(validateResponse("2026-04-17", "create", created.status, created.body).valid).toBe(true);
 */
import { createHmac, createPrivateKey, randomUUID, sign as cryptoSign, type KeyObject } from "node:crypto";
import { canonicalJson } from "./canonical-json";
import type { AcpVersion } from "./spec";

export { validateRequest, validateResponse, type CheckoutOperation } from "./contract";

export interface SigningConfig {
  alg: "hmac-sha256" | "ed25519";
  /** HMAC: the shared secret. Ed25519: the private key (PEM string or KeyObject). */
  key: string | Buffer | KeyObject;
}

export interface AcpClientOptions {
  /** Where the checkout API lives, e.g. `https://shop.example/acp` (paths are appended to it). */
  baseUrl: string;
  apiKey: string;
  /** Sent as `API-Version`; any string, so unsupported versions can be tested. */
  apiVersion: AcpVersion | string;
  signing?: SigningConfig;
  userAgent?: string;
  acceptLanguage?: string;
  /** Clock for `Timestamp` (injectable for tests). */
  now?: () => Date;
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** Reuse a key to retry a POST safely; a fresh UUID v4 otherwise. */
  idempotencyKey?: string;
  requestId?: string;
  /** Extra headers; `null` removes one the client would send (for negative tests). */
  headers?: Record<string, string | null>;
}

export interface AcpResponse<T = unknown> {
  status: number;
  /** Lower-cased response headers. */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when the body is not JSON (undefined when empty). */
  body: T;
  rawBody: string;
  /** What was sent, for assertions and debugging. */
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
}

export interface AcpClient {
  createCheckout(body: unknown, options?: CallOptions): Promise<AcpResponse>;
  updateCheckout(id: string, body: unknown, options?: CallOptions): Promise<AcpResponse>;
  getCheckout(id: string, options?: CallOptions): Promise<AcpResponse>;
  completeCheckout(id: string, body: unknown, options?: CallOptions): Promise<AcpResponse>;
  /** `body` is optional: with none, the POST has no body (which servers must accept). */
  cancelCheckout(id: string, body?: unknown, options?: CallOptions): Promise<AcpResponse>;
  /**
   * `GET /.well-known/acp.json` at the origin of `baseUrl`. Discovery is unauthenticated
   * (rfc.discovery.md), so no `Authorization` is sent unless `authenticated: true`.
   */
  discovery(options?: CallOptions & { authenticated?: boolean }): Promise<AcpResponse>;
  /** Any other call, with the same headers. */
  request(method: string, path: string, body?: unknown, options?: CallOptions): Promise<AcpResponse>;
}

/** base64url detached signature over the canonical JSON of `body`. */
export function signBody(signing: SigningConfig, body: unknown): string {
  const payload = Buffer.from(canonicalJson(body), "utf8");
  if (signing.alg === "hmac-sha256") {
    if (typeof signing.key !== "string" && !Buffer.isBuffer(signing.key)) {
      throw new TypeError("hmac-sha256 signing takes a string or Buffer secret");
    }
    return createHmac("sha256", signing.key).update(payload).digest("base64url");
  }
  const key =
    typeof signing.key === "string" || Buffer.isBuffer(signing.key)
      ? createPrivateKey(signing.key)
      : signing.key;
  return cryptoSign(null, payload, key).toString("base64url");
}

export function createAcpClient(options: AcpClientOptions): AcpClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const base = options.baseUrl.replace(/\/+$/, "");

  async function call(
    method: string,
    url: string,
    body: unknown,
    callOptions: CallOptions & { authenticated?: boolean } = {},
  ): Promise<AcpResponse> {
    const headers: Record<string, string> = {
      "API-Version": options.apiVersion,
      "Request-Id": callOptions.requestId ?? randomUUID(),
      Accept: "application/json",
    };
    if (callOptions.authenticated !== false) headers.Authorization = `Bearer ${options.apiKey}`;
    if (options.userAgent) headers["User-Agent"] = options.userAgent;
    if (options.acceptLanguage) headers["Accept-Language"] = options.acceptLanguage;
    // Every POST, body or not (rfc.agentic_checkout.md §6.1); never on GET.
    if (method === "POST") headers["Idempotency-Key"] = callOptions.idempotencyKey ?? randomUUID();
    let text: string | undefined;
    if (body !== undefined) {
      text = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
      if (options.signing) {
        headers.Signature = signBody(options.signing, body);
        headers.Timestamp = now().toISOString();
      }
    }
    for (const [name, value] of Object.entries(callOptions.headers ?? {})) {
      const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
      if (existing) delete headers[existing];
      if (value !== null) headers[name] = value;
    }
    const response = await doFetch(url, { method, headers, body: text });
    const rawBody = await response.text();
    let parsed: unknown = undefined;
    if (rawBody !== "") {
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        parsed = rawBody;
      }
    }
    return {
      status: response.status,
      headers: Object.fromEntries([...response.headers].map(([k, v]) => [k.toLowerCase(), v])),
      body: parsed,
      rawBody,
      request: { method, url, headers, ...(text === undefined ? {} : { body: text }) },
    };
  }

  const session = (id: string) => `${base}/checkout_sessions/${encodeURIComponent(id)}`;
  return {
    createCheckout: (body, o) => call("POST", `${base}/checkout_sessions`, body, o),
    updateCheckout: (id, body, o) => call("POST", session(id), body, o),
    getCheckout: (id, o) => call("GET", session(id), undefined, o),
    completeCheckout: (id, body, o) => call("POST", `${session(id)}/complete`, body, o),
    cancelCheckout: (id, body, o) => call("POST", `${session(id)}/cancel`, body, o),
    discovery: (o = {}) =>
      call("GET", new URL("/.well-known/acp.json", base).toString(), undefined, {
        ...o,
        authenticated: o.authenticated ?? false,
      }),
    request: (method, path, body, o) =>
      call(method.toUpperCase(), `${base}${path.startsWith("/") ? path : `/${path}`}`, body, o),
  };
}

// ---------------------------------------------------------------------------------------------
// Request bodies per version

export interface ItemInput {
  id: string;
  quantity: number;
}
export interface BuyerInput {
  first_name: string;
  last_name: string;
  email: string;
  phone_number?: string;
}
export interface AddressInput {
  name: string;
  line_one: string;
  line_two?: string;
  city: string;
  state: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  postal_code: string;
}

/** A buyer and a US address the sandbox store ships to: the sample purchase of the demo and tests. */
export const SAMPLE_BUYER: BuyerInput = {
  first_name: "Ada",
  last_name: "Lovelace",
  email: "ada@example.com",
  phone_number: "+15555550100",
};
export const SAMPLE_ADDRESS: AddressInput = {
  name: "Ada Lovelace",
  line_one: "1 Infinite Loop",
  city: "Cupertino",
  state: "CA",
  country: "US",
  postal_code: "95014",
};

export interface CreateInput {
  items: ItemInput[];
  buyer?: BuyerInput;
  address?: AddressInput;
  /** 2026-01-30 on (required there); default `usd`. */
  currency?: string;
  /** 2026-01-30 on (required there); default: no interventions supported. */
  capabilities?: Record<string, unknown>;
}

export interface UpdateInput {
  items?: ItemInput[];
  buyer?: BuyerInput;
  address?: AddressInput;
  /** The fulfillment option the buyer picked (an `id` from the session's `fulfillment_options`). */
  fulfillmentOptionId?: string;
  /** 2025-12-12 on: `shipping` (default), `digital`, … */
  fulfillmentType?: string;
  /** 2025-12-12 on: the items the option applies to; defaults to the ids in `items`. */
  itemIds?: string[];
}

export interface CompleteInput {
  /** The delegated payment token (Stripe SPT, `spt_…`). */
  paymentToken: string;
  buyer?: BuyerInput;
  billingAddress?: AddressInput;
  /** Up to 2026-01-16: `payment_data.provider` (default `stripe`). */
  provider?: string;
  /**
   * 2026-01-30 on: the payment handler id from the session's `capabilities.payment.handlers`
   * (default `card_tokenized`, the spec examples' id); see {@link paymentHandlerIdFrom}.
   */
  handlerId?: string;
  /** 2026-01-30 on: `instrument.type` (default `card`). */
  instrumentType?: string;
}

export interface CancelInput {
  /** 2025-12-12 on. */
  intentTrace?: {
    reason_code: string;
    trace_summary?: string;
    metadata?: Record<string, string | number | boolean>;
  };
}

export interface BuildOptions {
  /**
   * 2026-01-30 on, request `line_items` are `Item`s, which have no `quantity` (upstream issue #264,
   * open; SEP #272 proposes adding it). `"field"` (default) sends `quantity` when it is not 1, as the
   * upstream discount examples and the proposal do, which the version's JSON Schema rejects;
   * `"repeat"` sends the item `quantity` times, which the schema accepts; `"omit"` drops it.
   */
  quantity?: "field" | "repeat" | "omit";
}

export interface RequestBuilders {
  version: AcpVersion;
  create(input: CreateInput): Record<string, unknown>;
  update(input: UpdateInput): Record<string, unknown>;
  complete(input: CompleteInput): Record<string, unknown>;
  /** Undefined means "send no body" (2025-09-29 defines none). */
  cancel(input?: CancelInput): Record<string, unknown> | undefined;
}

type Generation = "v2025_09" | "v2025_12" | "v2026_01_30";
function generation(version: AcpVersion): Generation {
  if (version === "2025-09-29") return "v2025_09";
  if (version === "2025-12-12" || version === "2026-01-16") return "v2025_12";
  return "v2026_01_30";
}

function fulfillmentDetails(address: AddressInput, buyer?: BuyerInput) {
  return {
    name: address.name,
    ...(buyer?.phone_number ? { phone_number: buyer.phone_number } : {}),
    ...(buyer?.email ? { email: buyer.email } : {}),
    address,
  };
}

/**
 * Request bodies shaped for one ACP version from simple inputs, following that version's request
 * schemas and examples:
 *
 * | | 2025-09-29 | 2025-12-12, 2026-01-16 | 2026-01-30, 2026-04-17 |
 * |---|---|---|---|
 * | items | `items[{id,quantity}]` | same | `line_items[{id}]` + `currency` + `capabilities` |
 * | address | `fulfillment_address` | `fulfillment_details{name,email,phone_number,address}` | same |
 * | option | `fulfillment_option_id` | `selected_fulfillment_options[{type, shipping:{option_id,item_ids}}]` | `…[{type, option_id, item_ids}]` |
 * | payment | `payment_data{token, provider}` | same | `payment_data{handler_id, instrument{type, credential{type:"spt", token}}}` |
 * | cancel | no body | `{intent_trace?}` | same |
 */
export function buildRequests(version: AcpVersion, options: BuildOptions = {}): RequestBuilders {
  const gen = generation(version);
  const quantityMode = options.quantity ?? "field";

  const items = (list: ItemInput[]) => {
    for (const item of list) {
      if (!Number.isInteger(item.quantity) || item.quantity < 1) {
        throw new RangeError(`quantity of ${item.id} must be a positive integer, got ${item.quantity}`);
      }
    }
    if (gen !== "v2026_01_30") return { items: list.map(({ id, quantity }) => ({ id, quantity })) };
    const lineItems = list.flatMap(({ id, quantity }) => {
      if (quantityMode === "repeat") return Array.from({ length: quantity }, () => ({ id }));
      if (quantityMode === "field" && quantity !== 1) return [{ id, quantity }];
      return [{ id }];
    });
    return { line_items: lineItems };
  };

  const address = (input: { address?: AddressInput; buyer?: BuyerInput }) => {
    if (!input.address) return {};
    return gen === "v2025_09"
      ? { fulfillment_address: input.address }
      : { fulfillment_details: fulfillmentDetails(input.address, input.buyer) };
  };

  return {
    version,
    create(input) {
      if (input.items.length === 0) throw new RangeError("create needs at least one item");
      return {
        ...items(input.items),
        ...(gen === "v2026_01_30"
          ? {
              currency: input.currency ?? "usd",
              capabilities: input.capabilities ?? { interventions: { supported: [] } },
            }
          : {}),
        ...(input.buyer ? { buyer: input.buyer } : {}),
        ...address(input),
      };
    },
    update(input) {
      const body: Record<string, unknown> = {
        ...(input.items ? items(input.items) : {}),
        ...(input.buyer ? { buyer: input.buyer } : {}),
        ...address(input),
      };
      if (input.fulfillmentOptionId !== undefined) {
        if (gen === "v2025_09") {
          body.fulfillment_option_id = input.fulfillmentOptionId;
        } else {
          const itemIds = input.itemIds ?? input.items?.map((item) => item.id);
          if (!itemIds)
            throw new Error(`${version}: selecting a fulfillment option needs itemIds (or items)`);
          const type = input.fulfillmentType ?? "shipping";
          body.selected_fulfillment_options = [
            gen === "v2025_12"
              ? { type, [type]: { option_id: input.fulfillmentOptionId, item_ids: itemIds } }
              : { type, option_id: input.fulfillmentOptionId, item_ids: itemIds },
          ];
        }
      }
      return body;
    },
    complete(input) {
      const billing = input.billingAddress ? { billing_address: input.billingAddress } : {};
      const paymentData =
        gen === "v2026_01_30"
          ? {
              handler_id: input.handlerId ?? "card_tokenized",
              instrument: {
                type: input.instrumentType ?? "card",
                credential: { type: "spt", token: input.paymentToken },
              },
              ...billing,
            }
          : { token: input.paymentToken, provider: input.provider ?? "stripe", ...billing };
      return { ...(input.buyer ? { buyer: input.buyer } : {}), payment_data: paymentData };
    },
    cancel(input) {
      if (gen === "v2025_09") {
        if (input?.intentTrace)
          throw new Error("2025-09-29 cancel takes no body (intent_trace arrived in 2025-12-12)");
        return undefined;
      }
      return input?.intentTrace ? { intent_trace: input.intentTrace } : undefined;
    },
  };
}

/**
 * The payment handler to complete with (2026-01-30 on): the first handler of `instrumentName`
 * (default `dev.acp.tokenized.card`) that the session's `capabilities.payment.handlers` offers.
 */
export function paymentHandlerIdFrom(
  session: unknown,
  instrumentName = "dev.acp.tokenized.card",
): string | undefined {
  const handlers = (
    session as { capabilities?: { payment?: { handlers?: Array<{ id?: string; name?: string }> } } }
  )?.capabilities?.payment?.handlers;
  return handlers?.find((handler) => handler.name === instrumentName)?.id;
}
