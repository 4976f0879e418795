import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import {
  AccountRegistry,
  allows,
  APP_PERMISSIONS,
  DEMO_ACCOUNT_ID,
  DEMO_RESTRICTED_KEY,
  DEMO_RESTRICTED_KEY_WITHOUT_PAYMENT_INTENT_WRITE,
  DEMO_SECRET_KEY,
  maskKey,
  type ApiKey,
  type Permission,
  type SandboxAccount,
} from "./accounts";
import { invalidRequest, StripeSandboxError, type StripeErrorBody } from "./errors";
import { FaultRegistry, type Fault } from "./faults";
import { canonicalJson, parseForm, type FormObject } from "./form";
import { objectId } from "./ids";
import { IdempotencyStore, type StoredResponse } from "./idempotency";
import { ParamReader } from "./params";
import { ROUTES, unknownRoute, type Route } from "./routes";
import {
  StripeState,
  type EffectCounters,
  type GrantTokenInput,
  type SandboxCharge,
  type SharedPaymentGrantedToken,
  type ThreeDSecureResult,
} from "./state";
import { STRIPE_API_VERSION } from "./version";

export interface StripeSandboxOptions {
  /** Port on 127.0.0.1; default 0 (a free port). */
  port?: number;
  /** The `Stripe-Version` every request must send; default {@link STRIPE_API_VERSION}. */
  apiVersion?: string;
  /** Create `acct_sandbox_demo` and its keys; default true. */
  seed?: boolean;
  /** How long a PaymentIntent change takes to reach search results; default 0. */
  searchLagMs?: number;
  /** Wall clock in milliseconds; default `Date.now`. `sandbox.clock.advance()` moves it forward. */
  now?: () => number;
}

export interface RequestLogEntry {
  requestId: string;
  method: string;
  path: string;
  /** Decoded parameters (query string for GET, body for POST). */
  params: FormObject;
  idempotencyKey: string | null;
  accountId: string | null;
  /** `null` when the connection was dropped instead of answered. */
  status: number | null;
  replayed: boolean;
  /** True when an injected fault changed this request's fate. */
  faulted: boolean;
  at: number;
}

export type SandboxCounters = EffectCounters & { requests: number; replays: number; faults: number };

export interface SandboxClock {
  now(): number;
  /** Moves sandbox time forward (token expiry, idempotency retention, search lag). */
  advance(ms: number): void;
}

export interface StripeSandbox {
  url: string;
  port: number;
  host: "127.0.0.1";
  apiVersion: string;
  /** Spread into `new Stripe(key, { ...sandbox.clientOptions })`. */
  clientOptions: { host: string; port: number; protocol: "http"; apiVersion: string };
  accounts: AccountRegistry;
  faults: FaultRegistry;
  clock: SandboxClock;
  /** Every request in arrival order, replays and faults included. */
  requests: RequestLogEntry[];
  readonly counters: SandboxCounters;
  searchLagMs: number;
  paymentIntents(accountId: string): Stripe.PaymentIntent[];
  charge(accountId: string, id: string): SandboxCharge;
  refunds(accountId: string): Stripe.Refund[];
  grantedTokens(accountId: string): SharedPaymentGrantedToken[];
  /** What the test-helper endpoint does, without HTTP: an agent granting `accountId` a token. */
  grantSharedPaymentToken(
    accountId: string,
    input: Partial<GrantTokenInput> & Pick<GrantTokenInput, "maxAmount">,
  ): SharedPaymentGrantedToken;
  revokeSharedPaymentToken(accountId: string, id: string): SharedPaymentGrantedToken;
  /**
   * The buyer authenticates the PaymentIntent's pending 3DS challenge with their issuer (what an
   * agent's 3DS provider does); returns the result to import on confirmation.
   */
  authenticateThreeDSecure(accountId: string, paymentIntentId: string): ThreeDSecureResult;
  /** Forgets objects, idempotency keys, faults and the request log; keeps accounts and keys. */
  reset(): void;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Starts a strict local stand-in for the Stripe endpoints the app calls. See README.md. */
export async function startStripeSandbox(options: StripeSandboxOptions = {}): Promise<StripeSandbox> {
  const apiVersion = options.apiVersion ?? STRIPE_API_VERSION;
  const base = options.now ?? Date.now;
  let offset = 0;
  const clock: SandboxClock = {
    now: () => base() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
  const state = new StripeState(clock.now, options.searchLagMs ?? 0);
  const accounts = new AccountRegistry((account) => state.addAccount(account.id));
  const faults = new FaultRegistry();
  const idempotency = new IdempotencyStore(clock.now);
  const requests: RequestLogEntry[] = [];

  if (options.seed ?? true) seedDemoAccount(accounts);

  const context: HandlerContext = { apiVersion, accounts, state, faults, idempotency, requests, clock };
  const server = createServer((req, res) => {
    handle(context, req, res).catch((error: unknown) => {
      // A bug in the sandbox, not a Stripe answer: make it loud so the test fails.
      console.error("stripe sandbox crashed:", error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    host: "127.0.0.1",
    apiVersion,
    clientOptions: { host: "127.0.0.1", port, protocol: "http", apiVersion },
    accounts,
    faults,
    clock,
    requests,
    get counters() {
      return {
        ...state.effects,
        requests: requests.length,
        replays: requests.filter((entry) => entry.replayed).length,
        faults: requests.filter((entry) => entry.faulted).length,
      };
    },
    get searchLagMs() {
      return state.searchLagMs;
    },
    set searchLagMs(ms: number) {
      state.searchLagMs = ms;
    },
    paymentIntents: (accountId) => state.listIntents(accountId),
    charge: (accountId, id) => state.retrieveCharge(accountId, id),
    refunds: (accountId) => state.listRefunds(accountId),
    grantedTokens: (accountId) => state.listTokens(accountId),
    grantSharedPaymentToken: (accountId, input) =>
      state.grantToken(accountId, {
        paymentMethod: "pm_card_visa",
        currency: accounts.require(accountId).defaultCurrency,
        expiresAt: Math.floor(clock.now() / 1000) + 3600,
        ...input,
      }),
    revokeSharedPaymentToken: (accountId, id) => state.revokeToken(accountId, id),
    authenticateThreeDSecure: (accountId, id) => state.authenticateChallenge(accountId, id),
    reset: () => {
      state.reset();
      idempotency.clear();
      faults.clear();
      requests.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function seedDemoAccount(accounts: AccountRegistry): SandboxAccount {
  const account = accounts.create({
    id: DEMO_ACCOUNT_ID,
    displayName: "Sandbox Demo Store",
    secretKey: DEMO_SECRET_KEY,
  });
  accounts.createRestrictedKey(account.id, APP_PERMISSIONS, DEMO_RESTRICTED_KEY);
  accounts.createRestrictedKey(
    account.id,
    ["rak_payment_intent_read", "rak_refund_write", "rak_shared_payment_granted_token_read"],
    DEMO_RESTRICTED_KEY_WITHOUT_PAYMENT_INTENT_WRITE,
  );
  return account;
}

interface HandlerContext {
  apiVersion: string;
  accounts: AccountRegistry;
  state: StripeState;
  faults: FaultRegistry;
  idempotency: IdempotencyStore;
  requests: RequestLogEntry[];
  clock: SandboxClock;
}

interface Outcome {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** Thrown by a fault that fires before Stripe does anything. */
class FaultAbort {
  constructor(readonly fault: Fault) {}
}

async function handle(context: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = objectId("req_", 14);
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const path = url.pathname;
  const entry: RequestLogEntry = {
    requestId,
    method,
    path,
    params: {},
    idempotencyKey: null,
    accountId: null,
    status: null,
    replayed: false,
    faulted: false,
    at: context.clock.now(),
  };
  context.requests.push(entry);

  let outcome: Outcome | FaultAbort;
  try {
    const body = await readBody(req);
    outcome = await process(context, req, {
      requestId,
      method,
      path,
      query: url.search.slice(1),
      body,
      entry,
    });
  } catch (error) {
    if (!(error instanceof StripeSandboxError)) throw error;
    outcome = errorOutcome(error, requestId, context.clock.now());
  }

  // Faults with afterEffect hit once Stripe has done (and stored) the work.
  const after = context.faults.take(method, path, "after");
  if (after) {
    entry.faulted = true;
    if (after.delayMs) await sleep(after.delayMs);
    if (after.status !== undefined || after.dropConnection) outcome = new FaultAbort(after);
  }

  if (outcome instanceof FaultAbort) {
    const { fault } = outcome;
    entry.faulted = true;
    if (fault.dropConnection) {
      req.socket.destroy();
      return;
    }
    outcome = errorOutcome(faultError(fault.status ?? 500), requestId, context.clock.now());
  }
  entry.status = outcome.status;
  res.writeHead(outcome.status, {
    "Content-Type": "application/json",
    "Request-Id": requestId,
    "Stripe-Version": context.apiVersion,
    ...(entry.idempotencyKey ? { "Idempotency-Key": entry.idempotencyKey } : {}),
    ...outcome.headers,
  });
  res.end(outcome.body);
}

interface IncomingCall {
  requestId: string;
  method: string;
  path: string;
  query: string;
  body: string;
  entry: RequestLogEntry;
}

/**
 * Stripe's order of checks: key, account, version, endpoint, permission, then the idempotency
 * layer, then parameters and execution. A restricted key without write access therefore gets
 * its 403 even for a request with missing parameters.
 */
async function process(
  context: HandlerContext,
  req: IncomingMessage,
  call: IncomingCall,
): Promise<Outcome | FaultAbort> {
  const { requestId, method, path, entry } = call;
  const key = authenticate(context.accounts, req.headers.authorization);
  entry.accountId = key.accountId;
  const account = context.accounts.require(key.accountId);
  checkStripeAccount(req.headers["stripe-account"], key);
  checkVersion(req.headers["stripe-version"], context.apiVersion);
  const { route, pathParams } = findRoute(method, path);
  checkPermission(route, key);

  const params = parseParams(req, call);
  entry.params = params;
  const idempotencyKey = method === "POST" ? header(req.headers["idempotency-key"]) : null;
  entry.idempotencyKey = idempotencyKey;

  const ticket = idempotencyKey
    ? context.idempotency.begin(account.id, idempotencyKey, `${method} ${path}`, canonicalJson(params))
    : null;
  if (ticket?.kind === "replay") {
    const abort = await beforeEffect(context, call);
    if (abort) return abort;
    entry.replayed = true;
    return replayOutcome(ticket.response);
  }

  let stored: StoredResponse | null = null;
  try {
    // With the key held, like a slow Stripe: a concurrent retry gets 409 idempotency_key_in_use.
    const abort = await beforeEffect(context, call);
    if (abort) return abort;
    const run = route.handler({
      account,
      state: context.state,
      params: new ParamReader(params),
      path: pathParams,
    });
    let outcome: Outcome;
    try {
      outcome = { status: 200, body: JSON.stringify(run(), null, 2), headers: {} };
    } catch (error) {
      if (!(error instanceof StripeSandboxError) || error.phase !== "execution") throw error;
      outcome = errorOutcome(error, requestId, context.clock.now());
    }
    stored = { status: outcome.status, body: outcome.body, requestId };
    return outcome;
  } finally {
    if (ticket?.kind === "execute") ticket.complete(stored);
  }
}

async function beforeEffect(context: HandlerContext, call: IncomingCall): Promise<FaultAbort | null> {
  const fault = context.faults.take(call.method, call.path, "before");
  if (!fault) return null;
  call.entry.faulted = true;
  if (fault.delayMs) await sleep(fault.delayMs);
  return fault.status !== undefined || fault.dropConnection ? new FaultAbort(fault) : null;
}

function authenticate(accounts: AccountRegistry, authorization: string | undefined): ApiKey {
  const key = apiKeyFrom(authorization);
  if (!key) {
    throw invalidRequest(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      { status: 401, phase: "validation" },
    );
  }
  const found = accounts.lookupKey(key);
  if (!found) {
    throw invalidRequest(`Invalid API Key provided: ${maskKey(key)}`, { status: 401, phase: "validation" });
  }
  if (found.expired) {
    throw invalidRequest(`Expired API Key provided: ${maskKey(key)}. Roll the key in the Dashboard.`, {
      status: 401,
      code: "api_key_expired",
      phase: "validation",
    });
  }
  return found;
}

/** Bearer as stripe-node sends it, or Basic as `curl -u sk_test_…:` does. */
function apiKeyFrom(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const [scheme, value] = authorization.split(" ", 2);
  if (!value) return null;
  if (scheme.toLowerCase() === "bearer") return value.trim() || null;
  if (scheme.toLowerCase() === "basic") {
    return Buffer.from(value, "base64").toString().split(":")[0] || null;
  }
  return null;
}

/** The app charges on the merchant's own account: a Connect header naming another account is refused. */
function checkStripeAccount(header: string | string[] | undefined, key: ApiKey): void {
  if (header === undefined || header === key.accountId) return;
  throw invalidRequest(
    `The provided key '${maskKey(key.key)}' does not have access to account '${String(header)}' (or that account does not exist). Application access may have been revoked.`,
    { status: 403, phase: "validation" },
  );
}

/**
 * Stripe falls back to the account's default version when the header is missing; the sandbox
 * refuses, so a client that forgot to pin its version fails in tests instead of drifting in production.
 */
function checkVersion(header: string | string[] | undefined, required: string): void {
  if (header === required) return;
  const message =
    header === undefined
      ? `This sandbox requires the Stripe-Version header ('${required}'). Pin apiVersion when you construct the Stripe client.`
      : `Stripe-Version '${String(header)}' is not the version this sandbox pins ('${required}').`;
  throw invalidRequest(message, { phase: "validation" });
}

function findRoute(method: string, path: string): { route: Route; pathParams: Record<string, string> } {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const pathParams = Object.fromEntries(
      Object.entries(match.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)]),
    );
    return { route, pathParams };
  }
  throw unknownRoute(method, path);
}

function checkPermission(route: Route, key: ApiKey): void {
  // Stripe offers no Dashboard permission that lets a restricted key read its own account.
  const needed: Permission =
    route.permission === "account" ? "rak_accounts_kyc_id_numbers_read" : route.permission;
  if (allows(key, needed)) return;
  throw invalidRequest(
    `The provided key '${maskKey(key.key)}' does not have the required permissions for this endpoint on account '${key.accountId}'. Having the '${needed}' permission would allow this request to continue.`,
    { status: 403, phase: "validation" },
  );
}

function parseParams(req: IncomingMessage, call: IncomingCall): FormObject {
  if (call.method === "GET") {
    if (call.body) throw invalidRequest("A GET request cannot have a body.", { phase: "validation" });
    return parseForm(call.query);
  }
  const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim();
  if (call.body && contentType !== "application/x-www-form-urlencoded") {
    throw invalidRequest(
      `Invalid request: unsupported Content-Type ${contentType || "(none)"}. If error persists and you need assistance, please contact support@stripe.com.`,
      { phase: "validation" },
    );
  }
  return parseForm([call.query, call.body].filter(Boolean).join("&"));
}

function header(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}

function replayOutcome(stored: StoredResponse): Outcome {
  return {
    status: stored.status,
    body: stored.body,
    headers: { "Idempotent-Replayed": "true", "Original-Request": stored.requestId },
  };
}

function errorOutcome(error: StripeSandboxError, requestId: string, now: number): Outcome {
  const body: StripeErrorBody = {
    ...error.body,
    request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}?t=${Math.floor(now / 1000)}`,
  };
  return { status: error.status, body: JSON.stringify({ error: body }, null, 2), headers: {} };
}

function faultError(status: number): StripeSandboxError {
  if (status === 429) {
    return invalidRequest(
      "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
      { status, code: "rate_limit" },
    );
  }
  return new StripeSandboxError(status, {
    type: "api_error",
    message: "An unknown error occurred",
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw invalidRequest("Request body too large.", { status: 413, phase: "validation" });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
