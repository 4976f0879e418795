import type Stripe from "stripe";
import type { Permission, SandboxAccount } from "./accounts";
import { isSupportedCurrency, formatAmount, MAX_AMOUNT, minimumAmount } from "./currencies";
import { invalidRequest, missingParam, paramError } from "./errors";
import type { ParamReader } from "./params";
import { parseSearchQuery, SearchSyntaxError } from "./search";
import { TEST_OUTCOMES, type ImportedThreeDSecure, type StripeState } from "./state";

export interface RouteContext {
  account: SandboxAccount;
  state: StripeState;
  params: ParamReader;
  path: Record<string, string>;
}

/**
 * A route reads and checks its parameters when called (validation: never stored for
 * idempotency) and returns the operation to run (execution: its result, error or not, is stored).
 */
export type Handler = (context: RouteContext) => () => unknown;

export interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  /** `"account"` marks GET /v1/account, which restricted keys may not call (see server.ts). */
  permission: Permission | "account";
  handler: Handler;
}

const ID = "(?<id>[^/]+)";

function route(
  method: Route["method"],
  path: string,
  permission: Route["permission"],
  handler: Handler,
): Route {
  return { method, pattern: new RegExp(`^${path.replace(":id", ID)}$`), permission, handler };
}

export const ROUTES: Route[] = [
  route("GET", "/v1/account", "account", ({ account, params }) => {
    params.stringArray("expand");
    params.done();
    return () => renderAccount(account);
  }),

  route("POST", "/v1/payment_intents", "rak_payment_intent_write", ({ account, state, params }) => {
    const input = readCreateIntent(params);
    const expand = readExpand(params, ["latest_charge"]);
    params.done();
    return () => expandIntent(state, account.id, state.createIntent(account.id, input), expand);
  }),

  // Before `/v1/payment_intents/:id`, which would otherwise take "search" for an id.
  route("GET", "/v1/payment_intents/search", "rak_payment_intent_read", ({ account, state, params }) => {
    const query = params.string("query", { required: true })!;
    const limit = readLimit(params);
    const page = params.string("page");
    const expand = readExpand(params, ["data.latest_charge", "total_count"]);
    params.done();
    let parsed;
    try {
      parsed = parseSearchQuery(query);
    } catch (error) {
      if (error instanceof SearchSyntaxError) throw paramError(error.message, "query");
      throw error;
    }
    const offset = page === undefined ? 0 : decodePage(page);
    return () => {
      const all = state.searchIntents(account.id, parsed);
      const data = all.slice(offset, offset + limit);
      const hasMore = offset + limit < all.length;
      return {
        object: "search_result",
        data: data.map((intent) => expandIntent(state, account.id, intent, stripPrefix(expand, "data."))),
        has_more: hasMore,
        next_page: hasMore ? encodePage(offset + limit) : null,
        url: "/v1/payment_intents/search",
        ...(expand.includes("total_count") ? { total_count: all.length } : {}),
      };
    };
  }),

  route("GET", "/v1/payment_intents", "rak_payment_intent_read", ({ account, state, params }) => {
    const page = readPage(params);
    const expand = readExpand(params, ["data.latest_charge"]);
    params.done();
    return () => {
      const list = paginate(state.listIntents(account.id), page, "/v1/payment_intents", "payment_intent");
      return {
        ...list,
        data: list.data.map((intent) =>
          expandIntent(state, account.id, intent, stripPrefix(expand, "data.")),
        ),
      };
    };
  }),

  route("GET", "/v1/payment_intents/:id", "rak_payment_intent_read", ({ account, state, params, path }) => {
    params.string("client_secret");
    const expand = readExpand(params, ["latest_charge"]);
    params.done();
    return () => expandIntent(state, account.id, state.retrieveIntent(account.id, path.id), expand);
  }),

  route("POST", "/v1/payment_intents/:id", "rak_payment_intent_write", ({ account, state, params, path }) => {
    const metadata = params.metadata();
    const description = params.nullableString("description", { maxLength: 1000 });
    const expand = readExpand(params, ["latest_charge"]);
    params.done();
    return () =>
      expandIntent(
        state,
        account.id,
        state.updateIntent(account.id, path.id, { metadata, description }),
        expand,
      );
  }),

  route(
    "POST",
    "/v1/payment_intents/:id/confirm",
    "rak_payment_intent_write",
    ({ account, state, params, path }) => {
      const tokenId = readToken(params);
      const returnUrl = params.string("return_url") ?? null;
      const threeDSecure = readThreeDSecure(params);
      const expand = readExpand(params, ["latest_charge"]);
      params.done();
      return () =>
        expandIntent(
          state,
          account.id,
          state.confirmIntent(account.id, path.id, { tokenId, returnUrl, threeDSecure }),
          expand,
        );
    },
  ),

  route(
    "POST",
    "/v1/payment_intents/:id/capture",
    "rak_payment_intent_write",
    ({ account, state, params, path }) => {
      const amountToCapture = params.integer("amount_to_capture");
      if (amountToCapture !== undefined && amountToCapture <= 0) {
        throw paramError(
          "This value must be greater than or equal to 1.",
          "amount_to_capture",
          "parameter_invalid_integer",
        );
      }
      const metadata = params.metadata();
      const expand = readExpand(params, ["latest_charge"]);
      params.done();
      return () =>
        expandIntent(
          state,
          account.id,
          state.captureIntent(account.id, path.id, { amountToCapture, metadata }),
          expand,
        );
    },
  ),

  route(
    "POST",
    "/v1/payment_intents/:id/cancel",
    "rak_payment_intent_write",
    ({ account, state, params, path }) => {
      const reason =
        params.enum("cancellation_reason", [
          "duplicate",
          "fraudulent",
          "requested_by_customer",
          "abandoned",
        ] as const) ?? null;
      const expand = readExpand(params, ["latest_charge"]);
      params.done();
      return () => expandIntent(state, account.id, state.cancelIntent(account.id, path.id, reason), expand);
    },
  ),

  route("POST", "/v1/refunds", "rak_refund_write", ({ account, state, params }) => {
    const paymentIntent = params.string("payment_intent");
    const charge = params.string("charge");
    if (!paymentIntent && !charge) throw missingParam("payment_intent");
    if (paymentIntent && charge) {
      throw paramError(
        "You may only specify one of these parameters: charge, payment_intent.",
        "charge",
        "parameters_exclusive",
      );
    }
    const amount = params.integer("amount");
    if (amount !== undefined && amount <= 0) {
      throw paramError("Invalid positive integer", "amount", "parameter_invalid_integer");
    }
    const reason =
      params.enum("reason", ["duplicate", "fraudulent", "requested_by_customer"] as const) ?? null;
    const metadata = params.metadata() ?? {};
    const expand = readExpand(params, ["charge", "payment_intent"]);
    params.done();
    return () => {
      const refund = state.createRefund(account.id, { paymentIntent, charge, amount, reason, metadata });
      return expandRefund(state, account.id, refund, expand);
    };
  }),

  // Stripe lists refunds newest first and can filter by charge or payment_intent.
  route("GET", "/v1/refunds", "rak_refund_read", ({ account, state, params }) => {
    const paymentIntent = params.string("payment_intent");
    const charge = params.string("charge");
    const page = readPage(params);
    params.done();
    return () =>
      paginate(
        state
          .listRefunds(account.id)
          .filter(
            (refund) =>
              (!paymentIntent || refund.payment_intent === paymentIntent) &&
              (!charge || refund.charge === charge),
          ),
        page,
        "/v1/refunds",
        "refund",
      );
  }),

  route("GET", "/v1/refunds/:id", "rak_refund_read", ({ account, state, params, path }) => {
    const expand = readExpand(params, ["charge", "payment_intent"]);
    params.done();
    return () => expandRefund(state, account.id, state.retrieveRefund(account.id, path.id), expand);
  }),

  route(
    "GET",
    "/v1/shared_payment/granted_tokens/:id",
    "rak_shared_payment_granted_token_read",
    ({ account, state, params, path }) => {
      params.done();
      return () => state.retrieveToken(account.id, path.id);
    },
  ),

  route(
    "POST",
    "/v1/test_helpers/shared_payment/granted_tokens",
    "rak_shared_payment_granted_token_write",
    ({ account, state, params }) => {
      const paymentMethod = params.string("payment_method", { required: true })!;
      const limits = params.object("usage_limits", { required: true })!;
      const currency = readCurrency(limits, "currency");
      const maxAmount = limits.integer("max_amount", { required: true })!;
      if (maxAmount <= 0) {
        throw paramError("Invalid positive integer", "usage_limits[max_amount]", "parameter_invalid_integer");
      }
      const expiresAt = limits.integer("expires_at") ?? null;
      const seller = params.object("seller_details");
      seller?.string("network_id");
      seller?.string("external_id");
      params.string("customer");
      const sharedMetadata = params.metadata("shared_metadata");
      // Sandbox-only: pick the confirmation outcome without knowing Stripe's test PaymentMethod ids.
      const outcome = params.enum("test_outcome", TEST_OUTCOMES);
      params.done();
      return () =>
        state.grantToken(account.id, {
          paymentMethod,
          currency,
          maxAmount,
          expiresAt,
          outcome,
          sharedMetadata,
        });
    },
  ),

  // Sandbox-only: the buyer passes the 3DS challenge their token's confirmation raised, as the
  // agent's 3DS provider would run it; the answer is what to send as ACP authentication_result.
  route(
    "POST",
    "/v1/test_helpers/shared_payment/granted_tokens/:id/authenticate",
    "rak_shared_payment_granted_token_write",
    ({ account, state, params, path }) => {
      params.done();
      return () => {
        const result = state.authenticateTokenChallenge(account.id, path.id);
        return {
          object: "sandbox.three_d_secure_result",
          payment_intent: result.paymentIntent,
          cryptogram: result.cryptogram,
          electronic_commerce_indicator: result.electronicCommerceIndicator,
          transaction_id: result.transactionId,
          version: result.version,
        };
      };
    },
  ),

  route(
    "POST",
    "/v1/test_helpers/shared_payment/granted_tokens/:id/revoke",
    "rak_shared_payment_granted_token_write",
    ({ account, state, params, path }) => {
      params.done();
      return () => state.revokeToken(account.id, path.id);
    },
  ),
];

function readCreateIntent(params: ParamReader) {
  const amount = params.integer("amount", { required: true })!;
  const currency = readCurrency(params, "currency");
  if (amount < minimumAmount(currency)) {
    throw paramError(
      `Amount must be at least ${formatAmount(minimumAmount(currency), currency)} ${currency}`,
      "amount",
      "amount_too_small",
    );
  }
  if (amount > MAX_AMOUNT) {
    throw paramError(
      `Amount must be no more than ${formatAmount(MAX_AMOUNT, currency)}`,
      "amount",
      "amount_too_large",
    );
  }
  const automatic = params.object("automatic_payment_methods");
  const automaticPaymentMethods = automatic
    ? {
        enabled: automatic.boolean("enabled") ?? missing("automatic_payment_methods[enabled]"),
        allow_redirects: automatic.enum("allow_redirects", ["always", "never"] as const) ?? "always",
      }
    : null;
  // The pinned version (2026-10-28.endive) replaced `payment_method_types` with this parameter;
  // the old name is refused as unknown, like any parameter the version does not have.
  const allowedTypes = params.stringArray("allowed_payment_method_types") ?? null;
  if (allowedTypes?.length === 0 || allowedTypes?.some((type) => type !== "card")) {
    throw paramError(
      "The sandbox supports only allowed_payment_method_types[]=card.",
      "allowed_payment_method_types",
    );
  }
  return {
    amount,
    currency,
    captureMethod:
      params.enum("capture_method", ["automatic", "automatic_async", "manual"] as const) ?? "automatic_async",
    confirm: params.boolean("confirm") ?? false,
    tokenId: readToken(params),
    allowedTypes,
    // API versions since 2023-08-16 turn automatic payment methods on unless types are listed.
    automaticPaymentMethods:
      automaticPaymentMethods ??
      (allowedTypes ? null : { enabled: true, allow_redirects: "always" as const }),
    returnUrl: params.string("return_url") ?? null,
    description: params.string("description", { maxLength: 1000 }) ?? null,
    metadata: stripEmpty(params.metadata() ?? {}),
    receiptEmail: params.string("receipt_email") ?? null,
  };
}

function missing(name: string): never {
  throw missingParam(name);
}

/**
 * Stripe's SPT guide passes `shared_payment_granted_token` at the top level; the 2026-04-22
 * changelog names `payment_method_data[shared_payment_granted_token]`. Both are accepted, not both at once.
 */
function readToken(params: ParamReader): string | null {
  const topLevel = params.string("shared_payment_granted_token");
  const data = params.object("payment_method_data");
  const nested = data?.string("shared_payment_granted_token");
  data?.enum("type", ["card"] as const);
  if (topLevel && nested) {
    throw paramError(
      "You may only specify one of these parameters: shared_payment_granted_token, payment_method_data[shared_payment_granted_token].",
      "shared_payment_granted_token",
      "parameters_exclusive",
    );
  }
  if (data && !nested) throw missingParam("payment_method_data[shared_payment_granted_token]");
  const token = topLevel ?? nested ?? null;
  if (token !== null && !token.startsWith("spt_")) {
    throw paramError(
      `Invalid shared_payment_granted_token: '${token}' is not an spt_ id.`,
      "shared_payment_granted_token",
    );
  }
  return token;
}

/**
 * Stripe's docs ask for "Three-letter ISO currency code, in lowercase". Stripe itself lowercases
 * `USD`; the sandbox refuses it so the app sends what the docs say.
 */
function readCurrency(params: ParamReader, key: string): string {
  const currency = params.string(key, { required: true })!;
  const name = key === "currency" ? key : `usage_limits[${key}]`;
  if (!/^[a-z]{3}$/.test(currency)) {
    throw paramError(
      `Invalid currency: ${currency}. The sandbox expects a lowercase three-letter ISO code.`,
      name,
    );
  }
  if (!isSupportedCurrency(currency)) {
    throw paramError(`Invalid currency: ${currency}. The sandbox does not know this currency.`, name);
  }
  return currency;
}

function readLimit(params: ParamReader): number {
  const limit = params.integer("limit") ?? 10;
  if (limit < 1 || limit > 100) {
    throw paramError(
      "This value must be between 1 and 100 (inclusive).",
      "limit",
      "parameter_invalid_integer",
    );
  }
  return limit;
}

interface PageParams {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
}

function readPage(params: ParamReader): PageParams {
  const page = {
    limit: readLimit(params),
    startingAfter: params.string("starting_after"),
    endingBefore: params.string("ending_before"),
  };
  if (page.startingAfter && page.endingBefore) {
    throw paramError(
      "You may only specify one of these parameters: ending_before, starting_after.",
      "ending_before",
      "parameters_exclusive",
    );
  }
  return page;
}

function paginate<T extends { id: string }>(items: T[], page: PageParams, url: string, kind: string) {
  const cursor = page.startingAfter ?? page.endingBefore;
  let start = 0;
  let end = items.length;
  if (cursor !== undefined) {
    const index = items.findIndex((item) => item.id === cursor);
    if (index < 0) {
      throw invalidRequest(`No such ${kind}: '${cursor}'`, {
        code: "resource_missing",
        param: page.startingAfter ? "starting_after" : "ending_before",
      });
    }
    if (page.startingAfter) start = index + 1;
    else end = index;
  }
  const data = page.endingBefore
    ? items.slice(Math.max(start, end - page.limit), end)
    : items.slice(start, start + page.limit);
  const hasMore = page.endingBefore ? end - page.limit > start : start + page.limit < end;
  return { object: "list" as const, data, has_more: hasMore, url };
}

function encodePage(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function decodePage(page: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(page, "base64url").toString()) as { offset?: unknown }).offset;
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the error below.
  }
  throw paramError("Invalid page: use the next_page value from a previous search result.", "page");
}

function readExpand(params: ParamReader, allowed: string[]): string[] {
  const expand = params.stringArray("expand") ?? [];
  for (const path of expand) {
    if (!allowed.includes(path)) throw paramError(`This property cannot be expanded (${path}).`, "expand");
  }
  return expand;
}

function stripPrefix(expand: string[], prefix: string): string[] {
  return expand.filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length));
}

function stripEmpty(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== ""));
}

function expandIntent(state: StripeState, accountId: string, intent: Stripe.PaymentIntent, expand: string[]) {
  if (expand.includes("latest_charge") && typeof intent.latest_charge === "string") {
    return { ...intent, latest_charge: state.retrieveCharge(accountId, intent.latest_charge) };
  }
  return intent;
}

function expandRefund(state: StripeState, accountId: string, refund: Stripe.Refund, expand: string[]) {
  const result: Record<string, unknown> = { ...refund };
  if (expand.includes("charge") && typeof refund.charge === "string") {
    result.charge = state.retrieveCharge(accountId, refund.charge);
  }
  if (expand.includes("payment_intent") && typeof refund.payment_intent === "string") {
    result.payment_intent = state.retrieveIntent(accountId, refund.payment_intent);
  }
  return result;
}

function renderAccount(account: SandboxAccount) {
  return {
    id: account.id,
    object: "account",
    business_profile: { name: account.displayName, url: null, support_email: null },
    capabilities: { card_payments: "active", transfers: "active" },
    charges_enabled: true,
    country: account.country,
    created: 1_700_000_000,
    default_currency: account.defaultCurrency,
    details_submitted: true,
    email: null,
    metadata: {},
    payouts_enabled: true,
    settings: { dashboard: { display_name: account.displayName, timezone: "Etc/UTC" } },
    type: "standard",
  };
}

/** Stripe's answer for a method and path it has no endpoint for. */
export function unknownRoute(method: string, path: string) {
  return invalidRequest(
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    { status: 404, phase: "validation" },
  );
}

/**
 * `payment_method_options[card][three_d_secure]`: an authentication run outside Stripe, imported
 * on confirmation (https://docs.stripe.com/payments/payment-intents/three-d-secure-import).
 */
function readThreeDSecure(params: ParamReader): ImportedThreeDSecure | null {
  const card = params.object("payment_method_options")?.object("card");
  const secure = card?.object("three_d_secure");
  if (!secure) return null;
  return {
    aresTransStatus: secure.enum("ares_trans_status", ["A", "C", "I", "N", "R", "U", "Y"] as const, {
      required: true,
    })!,
    cryptogram: secure.string("cryptogram", { required: true, maxLength: 5000 })!,
    electronicCommerceIndicator: secure.enum(
      "electronic_commerce_indicator",
      ["01", "02", "05", "06", "07"] as const,
      { required: true },
    )!,
    transactionId: secure.string("transaction_id", { required: true })!,
    version: secure.enum("version", ["1.0.2", "2.1.0", "2.2.0", "2.3.0", "2.3.1"] as const, {
      required: true,
    })!,
  };
}
