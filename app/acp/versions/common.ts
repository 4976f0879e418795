/**
 * Wire pieces every ACP generation shares: request-problem reporting (zod issue → RequestProblem
 * with an RFC 9535 JSONPath into the request body), the small zod schemas the versions agree on,
 * and allocation-light serializer helpers driven by per-version tables.
 *
 * Parsing policy (all versions):
 * - Unknown fields are accepted and dropped, even where the schema says `additionalProperties: false`:
 *   the spec asks servers to ignore unknown attribution fields and capability values, and an agent
 *   one release ahead should still be able to buy. The one exception is a field that belongs to another
 *   API version (`items` sent to 2026-04-17, `fulfillment_address` sent to 2025-12-12, …): ignoring
 *   it would silently lose the agent's intent, so it is rejected with a hint naming the right field.
 * - `null` on an optional create/complete field means "not sent"; on update it means "clear".
 */
import { z } from "zod";
import type {
  Address,
  AuthenticationChallenge,
  AuthenticationResult,
  Buyer,
  CheckoutMessage,
  CheckoutStatus,
  FulfillmentDetails,
  FulfillmentOption,
  IntentTrace,
  MessageCode,
  MessageTarget,
  PolicyLink,
  Totals,
} from "../../checkout/model";
import {
  localized,
  renderInEnglish,
  type LocalizedText,
  type RenderText,
  type MessageKey as TextKey,
} from "../../i18n/catalog";
import type { Parsed, RequestProblem } from "../version-adapter";

// ---------------------------------------------------------------------------------------------
// Request problems

type PathSegment = PropertyKey;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** RFC 9535 JSONPath for a zod path: `$.line_items[1].quantity`, `$['odd key']`. */
export function toJsonPath(path: readonly PathSegment[]): string {
  let out = "$";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      out += IDENTIFIER.test(key) ? `.${key}` : `['${key.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;
    }
  }
  return out;
}

function valueAt(body: unknown, path: readonly PathSegment[]): { present: boolean; value: unknown } {
  let current: unknown = body;
  for (const segment of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment as PropertyKey)) {
      return { present: false, value: undefined };
    }
    current = (current as Record<PropertyKey, unknown>)[segment as PropertyKey];
  }
  return { present: true, value: current };
}

function jsonTypeOf(value: unknown): LocalizedText {
  if (value === null) return localized("json.null");
  if (Array.isArray(value)) return localized("json.array");
  if (typeof value === "object") return localized("json.object");
  if (typeof value === "number") return localized(Number.isInteger(value) ? "json.integer" : "json.number");
  if (typeof value === "boolean") return localized("json.boolean");
  return localized("json.string");
}

const EXPECTED: Record<string, LocalizedText> = {
  string: localized("json.string"),
  number: localized("json.number"),
  int: localized("json.integer"),
  boolean: localized("json.boolean"),
  object: localized("json.object"),
  array: localized("json.array"),
  record: localized("json.object"),
};

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Custom zod issues may name the RequestProblem code through `params.problem`. */
type ProblemCode = "missing_field" | "invalid_field" | "invalid_json_type";

function problemFromIssue(issue: z.core.$ZodIssue, body: unknown): RequestProblem {
  const param = toJsonPath(issue.path);
  const { present, value } = valueAt(body, issue.path);
  // Literals and enums report an absent value as a wrong value; the agent needs to hear "required".
  if (!present && issue.code !== "custom")
    return { code: "missing_field", message: localized("request.missing_field", { param }), param };
  if (issue.code === "invalid_type") {
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    return {
      code: "invalid_json_type",
      message: localized("request.wrong_type", { param, expected, actual: jsonTypeOf(value) }),
      param,
    };
  }
  // Field constraints (ranges, formats, enums) name wire values and stay English (ADR 015).
  const override = issue.code === "custom" ? (issue.params?.problem as ProblemCode | undefined) : undefined;
  if (override === "missing_field") return { code: override, message: `${param} ${issue.message}.`, param };
  const got = present ? ` (got ${preview(value)})` : "";
  return { code: override ?? "invalid_field", message: `${param} ${issue.message}${got}.`, param };
}

/** A field from another API version and what to send instead. */
export interface MisplacedField {
  path: readonly string[];
  hint: string;
}

function findMisplaced(body: object, misplaced: readonly MisplacedField[]): RequestProblem | null {
  for (const field of misplaced) {
    if (valueAt(body, field.path).present) {
      const param = toJsonPath(field.path);
      return {
        code: "invalid_field",
        message: `${param} is not part of this API version: ${field.hint}`,
        param,
      };
    }
  }
  return null;
}

const NOT_AN_OBJECT: RequestProblem = Object.freeze({
  code: "invalid_json_type",
  message: localized("error.body_not_object"),
  param: "$",
});

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Validates `body` against `schema` and maps the wire value to a domain command. Reports the first
 * problem only: agents fix one thing at a time, and the first issue follows the schema's field order.
 */
export function parseBody<S extends z.ZodType, T>(
  schema: S,
  body: unknown,
  misplaced: readonly MisplacedField[],
  toCommand: (wire: z.output<S>) => T,
): Parsed<T> {
  if (!isPlainObject(body)) return { ok: false, problem: NOT_AN_OBJECT };
  const wrong = findMisplaced(body, misplaced);
  if (wrong) return { ok: false, problem: wrong };
  const result = schema.safeParse(body);
  if (!result.success) return { ok: false, problem: problemFromIssue(result.error.issues[0], body) };
  return { ok: true, value: toCommand(result.data) };
}

// ---------------------------------------------------------------------------------------------
// Shared request schemas

/** Shopify sells whole units; the cap keeps one line from reserving a store's whole inventory. */
export const MAX_QUANTITY = 999;

const nonEmptyString = z.string().min(1, { error: "must not be empty" });

export const idSchema = nonEmptyString;

export const quantitySchema = z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= MAX_QUANTITY, {
  error: `must be a whole number from 1 to ${MAX_QUANTITY}`,
});

export const currencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, { error: 'must be a three-letter ISO 4217 code such as "usd"' })
  .transform((code) => code.toLowerCase());

// Deliberately loose: rejecting a real but unusual email address over a regex would block a sale.
const emailSchema = z.string().regex(/^[^\s@]+@[^\s@]+$/, { error: "must be an email address" });

export const addressSchema = z.object({
  name: z.string(),
  line_one: z.string(),
  line_two: z.string().nullish(),
  city: z.string(),
  // Required by every version's schema; "" is how agents say "this country has no states".
  state: z.string(),
  country: z.string().regex(/^[A-Za-z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 code such as "US"' }),
  postal_code: z.string(),
});
export type WireAddress = z.output<typeof addressSchema>;

const SUBDIVISION_CODE = /^(?:[A-Za-z]{2}-)?([A-Za-z0-9]{1,3})$/;

/**
 * "ca", "CA" and "US-CA" become "CA". A full name ("California") is left as sent: upper-casing it
 * would not make it a code, and the Shopify layer can still resolve a name.
 */
function normalizeState(state: string): string | null {
  const trimmed = state.trim();
  if (!trimmed) return null;
  const code = SUBDIVISION_CODE.exec(trimmed);
  return code ? code[1].toUpperCase() : trimmed;
}

export function toAddress(wire: WireAddress): Address {
  return {
    name: wire.name,
    lineOne: wire.line_one,
    lineTwo: wire.line_two || null,
    city: wire.city,
    state: normalizeState(wire.state),
    country: wire.country.toUpperCase(),
    postalCode: wire.postal_code,
  };
}

/** Buyer fields a version's `Buyer` schema requires: all three up to 2026-01-16, email only after. */
export type BuyerRequired = "names_and_email" | "email";

export function buyerSchema(required: BuyerRequired) {
  const name = required === "names_and_email" ? z.string() : z.string().nullish();
  return z.object({
    first_name: name,
    last_name: name,
    email: emailSchema,
    phone_number: z.string().nullish(),
  });
}
export type WireBuyer = z.output<ReturnType<typeof buyerSchema>>;

export function toBuyer(wire: WireBuyer): Buyer {
  return {
    firstName: wire.first_name ?? null,
    lastName: wire.last_name ?? null,
    email: wire.email,
    phoneNumber: wire.phone_number ?? null,
  };
}

export const fulfillmentDetailsSchema = z.object({
  name: z.string().nullish(),
  phone_number: z.string().nullish(),
  email: emailSchema.nullish(),
  address: addressSchema.nullish(),
});

export function toFulfillmentDetails(wire: z.output<typeof fulfillmentDetailsSchema>): FulfillmentDetails {
  return {
    name: wire.name ?? null,
    phoneNumber: wire.phone_number ?? null,
    email: wire.email ?? null,
    address: wire.address ? toAddress(wire.address) : null,
  };
}

/** AuthenticationResult.outcome values from 2025-12-12 on (2026-01-16 has its own short list). */
export const AUTHENTICATION_OUTCOMES = [
  "abandoned",
  "attempt_acknowledged",
  "authenticated",
  "canceled",
  "denied",
  "informational",
  "internal_error",
  "not_supported",
  "processing_error",
  "rejected",
] as const;
export const AUTHENTICATION_OUTCOMES_2026_01_16 = [
  "authenticated",
  "failed",
  "unavailable",
  "rejected",
  "attempt",
] as const;
/** Outcomes that carry a cryptogram (the schema then requires outcome_details). */
const OUTCOMES_WITH_DETAILS = new Set(["authenticated", "informational", "attempt_acknowledged", "attempt"]);

/** The agent's 3DS result after `authentication_required` (ACP AuthenticationResult). */
export function authenticationResultSchema(outcomes: readonly [string, ...string[]]) {
  return z
    .object({
      outcome: z.enum(outcomes, { error: `must be one of ${outcomes.join(", ")}` }),
      outcome_details: z
        .object({
          three_ds_cryptogram: nonEmptyString,
          electronic_commerce_indicator: nonEmptyString,
          transaction_id: nonEmptyString,
          version: nonEmptyString,
        })
        .nullish(),
    })
    .superRefine((result, ctx) => {
      if (OUTCOMES_WITH_DETAILS.has(result.outcome) && !result.outcome_details) {
        ctx.addIssue({
          code: "custom",
          path: ["outcome_details"],
          message: `is required when outcome is "${result.outcome}"`,
          params: { problem: "missing_field" },
        });
      }
    });
}

export function toAuthenticationResult(
  wire: z.output<ReturnType<typeof authenticationResultSchema>>,
): AuthenticationResult {
  const details = wire.outcome_details;
  return {
    outcome: wire.outcome,
    outcomeDetails: details
      ? {
          threeDsCryptogram: details.three_ds_cryptogram,
          electronicCommerceIndicator: details.electronic_commerce_indicator,
          transactionId: details.transaction_id,
          version: details.version,
        }
      : null,
  };
}

/** ACP `authentication_metadata` (2026-04-17 shape: no browser channel, which agent checkouts lack). */
export function wireAuthenticationMetadata(challenge: AuthenticationChallenge): Wire {
  return {
    acquirer_details: {
      acquirer_bin: challenge.acquirerBin.slice(0, 11),
      acquirer_country: challenge.acquirerCountry,
      acquirer_merchant_id: challenge.acquirerMerchantId.slice(0, 35),
      merchant_name: challenge.merchantName.slice(0, 40),
    },
    directory_server: challenge.directoryServer,
  };
}

const KNOWN_REASON_CODES = new Set([
  "price_sensitivity",
  "shipping_cost",
  "shipping_speed",
  "product_fit",
  "trust_security",
  "returns_policy",
  "payment_options",
  "comparison",
  "timing_deferred",
  "other",
]);

const flatValue = z.custom<string | number | boolean>(
  (value) => typeof value === "string" || typeof value === "boolean" || Number.isFinite(value),
  {
    error: "must be a string, number or boolean (metadata is flat)",
    params: { problem: "invalid_json_type" },
  },
);

export const intentTraceSchema = z.object({
  reason_code: nonEmptyString,
  trace_summary: z.string().max(500, { error: "must be at most 500 characters" }).nullish(),
  metadata: z.record(z.string(), flatValue).nullish(),
});

export function toIntentTrace(wire: z.output<typeof intentTraceSchema>): IntentTrace {
  return {
    // rfc.intent_traces §7.2: an unknown code (newer agent) counts as "other", it is not an error.
    reasonCode: KNOWN_REASON_CODES.has(wire.reason_code) ? wire.reason_code : "other",
    traceSummary: wire.trace_summary ?? null,
    metadata: wire.metadata ?? null,
  };
}

/** Update semantics (rfc.agentic_checkout §6.2): absent (undefined) and null (clear) pass through; a value is mapped. */
export function mapSent<T, U>(value: T | null | undefined, map: (value: T) => U): U | null | undefined {
  if (value === undefined) return undefined;
  return value === null ? null : map(value);
}

/** Cancel bodies that mean "no body": absent, JSON null, an empty string from a lenient router. */
export function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || body === "";
}

// ---------------------------------------------------------------------------------------------
// Serializer helpers. Plain loops and conditional assignment: these run on every response.

export type Wire = Record<string, unknown>;

export function wireAddress(address: Address): Wire {
  const out: Wire = { name: address.name, line_one: address.lineOne };
  if (address.lineTwo) out.line_two = address.lineTwo;
  out.city = address.city;
  // `state` is required by every version; "" stands for "no subdivision" rather than dropping the address.
  out.state = address.state ?? "";
  out.country = address.country;
  out.postal_code = address.postalCode;
  return out;
}

/** The version's Buyer, or null when the session lacks a field that version requires. */
export function wireBuyer(buyer: Buyer | null, required: BuyerRequired): Wire | null {
  if (!buyer?.email) return null;
  if (required === "names_and_email" && (!buyer.firstName || !buyer.lastName)) return null;
  const out: Wire = {};
  if (buyer.firstName) out.first_name = buyer.firstName;
  if (buyer.lastName) out.last_name = buyer.lastName;
  out.email = buyer.email;
  if (buyer.phoneNumber) out.phone_number = buyer.phoneNumber;
  return out;
}

export function wireFulfillmentDetails(details: FulfillmentDetails | null): Wire | null {
  if (!details) return null;
  const out: Wire = {};
  if (details.name) out.name = details.name;
  if (details.phoneNumber) out.phone_number = details.phoneNumber;
  if (details.email) out.email = details.email;
  if (details.address) out.address = wireAddress(details.address);
  return out;
}

function total(type: string, displayText: string, amount: number): Wire {
  return { type, display_text: displayText, amount };
}

/** The catalog's label, in the response language. */
const label = (key: Extract<TextKey, `label.${string}`>, render: RenderText) => render(localized(key));

/**
 * Session `totals[]` in the order a receipt reads. Entries that would only say "0" or "unknown"
 * are left out (items_discount, discount, fulfillment before selection, tax before an address);
 * items_base_amount, subtotal and total are always present.
 */
export function wireSessionTotals(
  totals: Totals,
  fulfillmentLabel: string,
  feeDescriptions: boolean,
  render: RenderText,
): Wire[] {
  const out: Wire[] = [total("items_base_amount", label("label.items", render), totals.itemsBaseAmount)];
  if (totals.itemsDiscount !== 0)
    out.push(total("items_discount", label("label.items_discount", render), totals.itemsDiscount));
  out.push(total("subtotal", label("label.subtotal", render), totals.subtotal));
  if (totals.discount !== 0)
    out.push(total("discount", label("label.order_discount", render), totals.discount));
  if (totals.fulfillment !== null) out.push(total("fulfillment", fulfillmentLabel, totals.fulfillment));
  if (totals.tax !== null) out.push(total("tax", label("label.tax", render), totals.tax));
  // Fee labels are the merchant's own words, shown as written.
  for (const fee of totals.fees) {
    const entry = total("fee", fee.label, fee.amount);
    if (feeDescriptions && fee.description) entry.description = fee.description;
    out.push(entry);
  }
  out.push(total("total", label("label.total", render), totals.total));
  return out;
}

const optionLabel = (type: FulfillmentOption["type"] | undefined, render: RenderText) =>
  label(type === "digital" ? "label.digital_delivery" : "label.shipping", render);

/** Label for the `fulfillment` total: what the buyer chose, in words they expect. */
export function fulfillmentLabel(
  options: readonly FulfillmentOption[],
  selectedId: string | null,
  render: RenderText,
): string {
  return optionLabel(
    selectedId === null ? undefined : options.find((option) => option.id === selectedId)?.type,
    render,
  );
}

/** An option's title: Shopify's rate title as given; the app's own digital option in the response language. */
export function optionTitle(option: FulfillmentOption, render: RenderText): string {
  return option.type === "digital" ? label("label.digital_delivery", render) : option.title;
}

/** `totals[]` of one fulfillment option (2026-01-16 onwards). */
export function wireOptionTotals(option: FulfillmentOption, render: RenderText): Wire[] {
  const out: Wire[] = [total("fulfillment", optionLabel(option.type, render), option.subtotal)];
  if (option.tax !== 0) out.push(total("tax", label("label.tax", render), option.tax));
  out.push(total("total", label("label.total", render), option.total));
  return out;
}

/** Domain status → the closest status a version knows. */
export type StatusTable = Readonly<Record<CheckoutStatus, string>>;

/** Domain link type → the version's link type; null drops the link (no honest equivalent). */
export type LinkTable = Readonly<Record<PolicyLink["type"], string | null>>;

export function wireLinks(links: readonly PolicyLink[], table: LinkTable, titles: boolean): Wire[] {
  const out: Wire[] = [];
  for (const link of links) {
    const type = table[link.type];
    if (type === null) continue;
    const entry: Wire = { type };
    if (titles && link.title) entry.title = link.title;
    entry.url = link.url;
    out.push(entry);
  }
  return out;
}

/**
 * How a version spells messages. `error` maps every domain code to one of the version's error
 * codes (a domain error without a code becomes the version's fallback). `warning` maps to a warning
 * code, or null to send the message as `info` (the version has no such warning code, or, when the
 * whole table is null, no warnings at all).
 */
export interface MessageVocabulary {
  error: Readonly<Record<MessageCode, string>>;
  errorFallback: string;
  warning: Readonly<Record<MessageCode, string | null>> | null;
  resolution: boolean;
}

export function wireMessages(
  messages: readonly CheckoutMessage[],
  vocabulary: MessageVocabulary,
  pathOf: (target: MessageTarget) => string | null,
  render: RenderText = renderInEnglish,
): Wire[] {
  const out: Wire[] = [];
  for (const message of messages) {
    let type: string = message.type;
    let code: string | null = null;
    if (type === "error") {
      code = message.code ? vocabulary.error[message.code] : vocabulary.errorFallback;
    } else if (type === "warning") {
      code = message.code && vocabulary.warning ? vocabulary.warning[message.code] : null;
      if (code === null) type = "info";
    }
    const entry: Wire = { type };
    if (code !== null) entry.code = code;
    const param = message.target ? pathOf(message.target) : null;
    if (param !== null) entry.param = param;
    entry.content_type = message.contentType;
    entry.content = render(message.text);
    if (vocabulary.resolution && message.resolution) entry.resolution = message.resolution;
    out.push(entry);
  }
  return out;
}

const SNAKE: Readonly<Record<string, string>> = {
  name: "name",
  lineOne: "line_one",
  lineTwo: "line_two",
  city: "city",
  state: "state",
  country: "country",
  postalCode: "postal_code",
  firstName: "first_name",
  lastName: "last_name",
  email: "email",
  phoneNumber: "phone_number",
};

/** `.field` suffix for an optional domain field name, in wire spelling. */
export function fieldSuffix(field: string | undefined): string {
  return field ? `.${SNAKE[field] ?? field}` : "";
}

/** The session's JSONPath shape, per version: where addresses, selections and quantities live. */
export interface SessionPaths {
  address: string;
  fulfillmentOption: string;
  /** Path of a line's quantity relative to `$.line_items[i]`. */
  lineQuantity: string;
  /** Null when the version has no discount codes in the session. */
  discountCodes: string | null;
}

export function messagePathOf(paths: SessionPaths, target: MessageTarget): string | null {
  switch (target.kind) {
    case "line":
      return `$.line_items[${target.index}]`;
    case "lineQuantity":
      return `$.line_items[${target.index}]${paths.lineQuantity}`;
    case "fulfillmentAddress":
      return paths.address + fieldSuffix(target.field);
    case "fulfillmentOption":
      return paths.fulfillmentOption;
    case "discountCode":
      return paths.discountCodes === null ? null : `${paths.discountCodes}[${target.index}]`;
    case "buyer":
      return `$.buyer${fieldSuffix(target.field)}`;
    case "payment":
      // What the agent must change is the payment it sends on complete, not a session field.
      return "$.payment_data";
  }
}

/** Map create-request metadata (any JSON) onto the domain's string map. */
export function toStringMetadata(
  metadata: Record<string, unknown> | null | undefined,
): Record<string, string> | null {
  if (!metadata) return null;
  const out: Record<string, string> = {};
  for (const key of Object.keys(metadata)) {
    const value = metadata[key];
    if (value === null || value === undefined) continue;
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
