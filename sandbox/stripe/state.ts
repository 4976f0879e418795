import { createHash, randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { cardError, docUrl, invalidRequest, noSuch, unexpectedState } from "./errors";
import { formatAmount } from "./currencies";
import { objectId, randomId } from "./ids";
import { matches, type SearchDocument, type SearchQuery } from "./search";

/**
 * What a sandbox-minted token does when a PaymentIntent is confirmed with it. Stripe's test
 * PaymentMethods (`pm_card_chargeDeclined`, …) map onto these; `test_outcome` is the sandbox's own
 * shortcut for the same thing.
 */
export const TEST_OUTCOMES = [
  "succeeded",
  "card_declined",
  "insufficient_funds",
  "processing_error",
  "requires_action",
] as const;
export type TestOutcome = (typeof TEST_OUTCOMES)[number];

interface TestCard {
  brand: string;
  last4: string;
  outcome: TestOutcome;
}

/** Stripe's test PaymentMethods the sandbox knows (https://docs.stripe.com/testing#cards). */
export const TEST_PAYMENT_METHODS: Record<string, TestCard> = {
  pm_card_visa: { brand: "visa", last4: "4242", outcome: "succeeded" },
  pm_card_visa_debit: { brand: "visa", last4: "5556", outcome: "succeeded" },
  pm_card_mastercard: { brand: "mastercard", last4: "4444", outcome: "succeeded" },
  pm_card_amex: { brand: "amex", last4: "8431", outcome: "succeeded" },
  pm_card_chargeDeclined: { brand: "visa", last4: "0002", outcome: "card_declined" },
  pm_card_chargeDeclinedInsufficientFunds: { brand: "visa", last4: "9995", outcome: "insufficient_funds" },
  pm_card_chargeDeclinedProcessingError: { brand: "visa", last4: "0119", outcome: "processing_error" },
  pm_card_authenticationRequired: { brand: "visa", last4: "3184", outcome: "requires_action" },
};

/** The wire shape of `GET /v1/shared_payment/granted_tokens/:id` (stripe-node 23 has no type for it). */
export interface SharedPaymentGrantedToken {
  id: string;
  object: "shared_payment.granted_token";
  agent_details: { network_business_profile: string | null } | null;
  created: number;
  deactivated_at: number | null;
  deactivated_reason: "consumed" | "expired" | "resolved" | "revoked" | null;
  livemode: boolean;
  payment_method_details: {
    type: "card";
    card: {
      brand: string;
      last4: string;
      exp_month: number;
      exp_year: number;
      funding: string;
      country: string;
    };
  };
  shared_metadata: Record<string, string>;
  usage_details: { amount_captured: { value: number; currency: string } };
  usage_limits: { currency: string; max_amount: number; expires_at: number | null };
}

/** The subset of a Charge the sandbox keeps; enough for `expand[]=latest_charge` and refunds. */
export interface SandboxCharge {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  created: number;
  currency: string;
  failure_code: string | null;
  failure_message: string | null;
  livemode: boolean;
  metadata: Record<string, string>;
  paid: boolean;
  payment_intent: string;
  payment_method: string;
  refunded: boolean;
  status: "succeeded" | "failed";
}

interface TokenRecord {
  accountId: string;
  id: string;
  created: number;
  card: TestCard;
  outcome: TestOutcome;
  usageLimits: SharedPaymentGrantedToken["usage_limits"];
  sharedMetadata: Record<string, string>;
  networkBusinessProfile: string;
  amountCaptured: number;
  usedBy: string | null;
  usedAt: number | null;
  revokedAt: number | null;
}

interface IntentRecord {
  intent: Stripe.PaymentIntent;
  tokenId: string | null;
  /** The 3-D Secure challenge the issuer asked for (requires_action), until it is answered. */
  challenge: ThreeDSecureChallenge | null;
  /** Refunds made through the Refunds API, apart from the authorization released by a partial capture. */
  refunded: number;
  /** Search index versions, newest last; each becomes visible `searchLagMs` after the change. */
  index: { visibleAt: number; snapshot: Stripe.PaymentIntent }[];
}

interface AccountData {
  intents: Map<string, IntentRecord>;
  charges: Map<string, SandboxCharge>;
  refunds: Map<string, Stripe.Refund>;
  tokens: Map<string, TokenRecord>;
}

/** What the issuer's 3DS server knows about a challenge it issued. */
interface ThreeDSecureChallenge {
  directoryServer: "visa" | "mastercard" | "american_express";
  /** The Directory Server transaction id (3DS2 dsTransID) the authentication result must name. */
  transactionId: string;
}

/** An authentication result imported on confirmation (`payment_method_options[card][three_d_secure]`). */
export interface ImportedThreeDSecure {
  aresTransStatus: "A" | "C" | "I" | "N" | "R" | "U" | "Y";
  cryptogram: string;
  electronicCommerceIndicator: "01" | "02" | "05" | "06" | "07";
  transactionId: string;
  version: string;
}

/** What a buyer's successful 3DS authentication yields (the agent's 3DS provider returns it). */
export interface ThreeDSecureResult {
  cryptogram: string;
  electronicCommerceIndicator: "02" | "05";
  transactionId: string;
  version: "2.2.0";
}

/**
 * Where a 3DS server would send the authentication request for this account, per network.
 * Stripe is the acquirer; the values are the sandbox's own (Stripe's real ones are per account).
 */
export const SANDBOX_ACQUIRER = { bin: "400000", country: "US" } as const;

/** Side effects that really happened (replays and faults excluded): what exactly-once tests count. */
export interface EffectCounters {
  paymentIntentsCreated: number;
  confirmations: number;
  captures: number;
  cancellations: number;
  refunds: number;
  tokensGranted: number;
}

export interface CreateIntentInput {
  amount: number;
  currency: string;
  captureMethod: "automatic" | "automatic_async" | "manual";
  confirm: boolean;
  tokenId: string | null;
  allowedTypes: string[] | null;
  automaticPaymentMethods: Stripe.PaymentIntent.AutomaticPaymentMethods | null;
  returnUrl: string | null;
  description: string | null;
  metadata: Record<string, string>;
  receiptEmail: string | null;
}

export interface GrantTokenInput {
  paymentMethod: string;
  currency: string;
  maxAmount: number;
  expiresAt: number | null;
  outcome?: TestOutcome;
  sharedMetadata?: Record<string, string>;
}

const CANCELABLE: readonly string[] = [
  "requires_payment_method",
  "requires_capture",
  "requires_confirmation",
  "requires_action",
  "processing",
];

/**
 * Every account's objects, and the Stripe rules that change them. Nothing here knows about HTTP;
 * errors are thrown as `StripeSandboxError`s carrying the status Stripe would answer.
 */
export class StripeState {
  private readonly accounts = new Map<string, AccountData>();
  searchLagMs: number;
  readonly effects: EffectCounters = {
    paymentIntentsCreated: 0,
    confirmations: 0,
    captures: 0,
    cancellations: 0,
    refunds: 0,
    tokensGranted: 0,
  };

  constructor(
    private readonly now: () => number,
    searchLagMs: number,
  ) {
    this.searchLagMs = searchLagMs;
  }

  addAccount(accountId: string): void {
    this.accounts.set(accountId, {
      intents: new Map(),
      charges: new Map(),
      refunds: new Map(),
      tokens: new Map(),
    });
  }

  reset(): void {
    for (const id of this.accounts.keys()) this.addAccount(id);
    for (const key of Object.keys(this.effects) as (keyof EffectCounters)[]) this.effects[key] = 0;
  }

  private data(accountId: string): AccountData {
    const data = this.accounts.get(accountId);
    if (!data) throw new Error(`No sandbox account ${accountId}`);
    return data;
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  // ---- Shared payment granted tokens ----

  grantToken(accountId: string, input: GrantTokenInput): SharedPaymentGrantedToken {
    const card = TEST_PAYMENT_METHODS[input.paymentMethod];
    if (!card) {
      throw invalidRequest(`No such PaymentMethod: '${input.paymentMethod}'`, {
        code: "resource_missing",
        param: "payment_method",
      });
    }
    if (input.outcome && input.outcome !== "succeeded" && card.outcome !== "succeeded") {
      throw invalidRequest(
        `test_outcome '${input.outcome}' conflicts with ${input.paymentMethod}, which already has an outcome.`,
        { param: "test_outcome" },
      );
    }
    if (input.expiresAt !== null && input.expiresAt <= this.seconds()) {
      throw invalidRequest("usage_limits[expires_at] must be in the future.", {
        param: "usage_limits[expires_at]",
      });
    }
    const record: TokenRecord = {
      accountId,
      id: objectId("spt_1"),
      created: this.seconds(),
      card,
      outcome: input.outcome ?? card.outcome,
      usageLimits: { currency: input.currency, max_amount: input.maxAmount, expires_at: input.expiresAt },
      sharedMetadata: input.sharedMetadata ?? {},
      networkBusinessProfile: `profile_test_${randomId(24)}`,
      amountCaptured: 0,
      usedBy: null,
      usedAt: null,
      revokedAt: null,
    };
    this.data(accountId).tokens.set(record.id, record);
    this.effects.tokensGranted += 1;
    return this.renderToken(record);
  }

  /** A token granted to another account is as missing as one that never existed. */
  retrieveToken(accountId: string, id: string): SharedPaymentGrantedToken {
    const record = this.data(accountId).tokens.get(id);
    if (!record) throw noSuch("shared_payment_granted_token", id, "shared_payment_granted_token");
    return this.renderToken(record);
  }

  revokeToken(accountId: string, id: string): SharedPaymentGrantedToken {
    const record = this.data(accountId).tokens.get(id);
    if (!record) throw noSuch("shared_payment_granted_token", id, "shared_payment_granted_token");
    if (this.deactivation(record)) {
      throw invalidRequest(`The SharedPaymentGrantedToken ${id} is already deactivated.`, {
        code: "payment_method_unexpected_state",
      });
    }
    record.revokedAt = this.seconds();
    return this.renderToken(record);
  }

  listTokens(accountId: string): SharedPaymentGrantedToken[] {
    return [...this.data(accountId).tokens.values()].map((record) => this.renderToken(record));
  }

  private deactivation(
    record: TokenRecord,
  ): Pick<SharedPaymentGrantedToken, "deactivated_at" | "deactivated_reason"> | null {
    if (record.revokedAt !== null) return { deactivated_at: record.revokedAt, deactivated_reason: "revoked" };
    const expiresAt = record.usageLimits.expires_at;
    if (expiresAt !== null && expiresAt <= this.seconds()) {
      return { deactivated_at: expiresAt, deactivated_reason: "expired" };
    }
    // Stripe documents "consumed" as hitting the amount limit; a single-use token is spent once used.
    if (record.usedAt !== null) return { deactivated_at: record.usedAt, deactivated_reason: "consumed" };
    return null;
  }

  private renderToken(record: TokenRecord): SharedPaymentGrantedToken {
    const deactivation = this.deactivation(record);
    return {
      id: record.id,
      object: "shared_payment.granted_token",
      agent_details: { network_business_profile: record.networkBusinessProfile },
      created: record.created,
      deactivated_at: deactivation?.deactivated_at ?? null,
      deactivated_reason: deactivation?.deactivated_reason ?? null,
      livemode: false,
      payment_method_details: {
        type: "card",
        card: {
          brand: record.card.brand,
          last4: record.card.last4,
          exp_month: 12,
          exp_year: 2034,
          funding: "credit",
          country: "US",
        },
      },
      shared_metadata: { ...record.sharedMetadata },
      usage_details: {
        amount_captured: { value: record.amountCaptured, currency: record.usageLimits.currency },
      },
      usage_limits: { ...record.usageLimits },
    };
  }

  // ---- PaymentIntents ----

  createIntent(accountId: string, input: CreateIntentInput): Stripe.PaymentIntent {
    const data = this.data(accountId);
    if (input.confirm) {
      requireRedirectChoice(input);
      if (!input.tokenId) {
        throw unexpectedState(
          "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent, pass shared_payment_granted_token.",
        );
      }
    }
    // Usage-limit failures are 400s before anything exists: no PaymentIntent is created.
    const token = input.confirm && input.tokenId ? this.usableToken(accountId, input.tokenId, input) : null;
    const id = objectId("pi_3");
    const intent: Stripe.PaymentIntent = {
      ...EMPTY_INTENT,
      id,
      amount: input.amount,
      automatic_payment_methods: input.automaticPaymentMethods,
      capture_method: input.captureMethod,
      client_secret: `${id}_secret_${randomId(25)}`,
      created: this.seconds(),
      currency: input.currency,
      description: input.description,
      metadata: { ...input.metadata },
      allowed_payment_method_types: input.allowedTypes as
        | Stripe.PaymentIntent.AllowedPaymentMethodType[]
        | null,
      receipt_email: input.receiptEmail,
      status: input.tokenId ? "requires_confirmation" : "requires_payment_method",
    };
    const record: IntentRecord = { intent, tokenId: input.tokenId, challenge: null, refunded: 0, index: [] };
    data.intents.set(id, record);
    this.effects.paymentIntentsCreated += 1;
    if (token) this.applyOutcome(accountId, record, token);
    else this.touch(record);
    return this.snapshot(record);
  }

  retrieveIntent(accountId: string, id: string): Stripe.PaymentIntent {
    return this.snapshot(this.intentRecord(accountId, id));
  }

  updateIntent(
    accountId: string,
    id: string,
    changes: { metadata?: Record<string, string>; description?: string | null },
  ): Stripe.PaymentIntent {
    const record = this.intentRecord(accountId, id);
    if (changes.metadata) record.intent.metadata = mergeMetadata(record.intent.metadata, changes.metadata);
    if (changes.description !== undefined) record.intent.description = changes.description;
    this.touch(record);
    return this.snapshot(record);
  }

  confirmIntent(
    accountId: string,
    id: string,
    input: { tokenId: string | null; returnUrl: string | null; threeDSecure?: ImportedThreeDSecure | null },
  ): Stripe.PaymentIntent {
    const record = this.intentRecord(accountId, id);
    const { intent } = record;
    if (intent.status === "requires_action" && input.threeDSecure) {
      this.applyImportedAuthentication(accountId, record, input.threeDSecure);
      return this.snapshot(record);
    }
    if (input.threeDSecure) {
      throw invalidRequest(
        "payment_method_options[card][three_d_secure] can only be passed when the PaymentIntent requires authentication (status requires_action).",
        { param: "payment_method_options[card][three_d_secure]" },
      );
    }
    if (intent.status !== "requires_confirmation" && intent.status !== "requires_payment_method") {
      throw unexpectedState(
        `This PaymentIntent's status is ${intent.status}, but it must be requires_confirmation or requires_payment_method to be confirmed.`,
      );
    }
    const tokenId = input.tokenId ?? record.tokenId;
    if (!tokenId) {
      throw unexpectedState(
        "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent, pass shared_payment_granted_token.",
      );
    }
    requireRedirectChoice({
      allowedTypes: intent.allowed_payment_method_types,
      automaticPaymentMethods: intent.automatic_payment_methods,
      returnUrl: input.returnUrl,
    });
    const token = this.usableToken(accountId, tokenId, intent);
    record.tokenId = tokenId;
    this.applyOutcome(accountId, record, token);
    return this.snapshot(record);
  }

  captureIntent(
    accountId: string,
    id: string,
    input: { amountToCapture?: number; metadata?: Record<string, string> },
  ): Stripe.PaymentIntent {
    const record = this.intentRecord(accountId, id);
    const { intent } = record;
    if (intent.status !== "requires_capture") {
      throw unexpectedState(
        `This PaymentIntent could not be captured because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      );
    }
    const amount = input.amountToCapture ?? intent.amount_capturable;
    if (amount > intent.amount_capturable) {
      throw invalidRequest(
        `The amount_to_capture (${amount}) cannot be greater than the amount_capturable (${intent.amount_capturable}) on this PaymentIntent.`,
        { code: "amount_too_large", param: "amount_to_capture" },
      );
    }
    const charge = this.charge(accountId, intent);
    // A partial capture releases the rest of the authorization; Stripe shows it as refunded on the charge.
    charge.amount_captured = amount;
    charge.amount_refunded = charge.amount - amount;
    charge.captured = true;
    intent.amount_received = amount;
    intent.amount_capturable = 0;
    intent.status = "succeeded";
    if (input.metadata) intent.metadata = mergeMetadata(intent.metadata, input.metadata);
    if (record.tokenId) this.data(accountId).tokens.get(record.tokenId)!.amountCaptured += amount;
    this.effects.captures += 1;
    this.touch(record);
    return this.snapshot(record);
  }

  cancelIntent(
    accountId: string,
    id: string,
    reason: Stripe.PaymentIntent.CancellationReason | null,
  ): Stripe.PaymentIntent {
    const record = this.intentRecord(accountId, id);
    const { intent } = record;
    if (!CANCELABLE.includes(intent.status)) {
      throw unexpectedState(
        `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(", ")}.`,
      );
    }
    if (intent.status === "requires_capture") {
      // Canceling an authorization releases all of it, which Stripe records as a refund of the charge.
      const charge = this.charge(accountId, intent);
      charge.amount_refunded = charge.amount;
      charge.refunded = true;
    }
    intent.status = "canceled";
    intent.amount_capturable = 0;
    intent.canceled_at = this.seconds();
    intent.cancellation_reason = reason;
    intent.next_action = null;
    this.effects.cancellations += 1;
    this.touch(record);
    return this.snapshot(record);
  }

  /** Newest first, like `GET /v1/payment_intents`. */
  listIntents(accountId: string): Stripe.PaymentIntent[] {
    return [...this.data(accountId).intents.values()].reverse().map((record) => this.snapshot(record));
  }

  /**
   * Stripe's search index lags writes ("Don't use search for read-after-write flows",
   * https://docs.stripe.com/search#data-freshness). Each change becomes searchable `searchLagMs`
   * after it happens, and results show the indexed version, which may be stale.
   */
  searchIntents(accountId: string, query: SearchQuery): Stripe.PaymentIntent[] {
    const now = this.now();
    const results: Stripe.PaymentIntent[] = [];
    for (const record of [...this.data(accountId).intents.values()].reverse()) {
      const visible = record.index.filter((version) => version.visibleAt <= now).at(-1);
      if (visible && matches(query, searchDocument(visible.snapshot)))
        results.push(structuredClone(visible.snapshot));
    }
    return results;
  }

  hasIntent(accountId: string, id: string): boolean {
    return this.data(accountId).intents.has(id);
  }

  retrieveCharge(accountId: string, id: string): SandboxCharge {
    const charge = this.data(accountId).charges.get(id);
    if (!charge) throw noSuch("charge", id, "id");
    return structuredClone(charge);
  }

  // ---- Refunds ----

  createRefund(
    accountId: string,
    input: {
      paymentIntent?: string;
      charge?: string;
      amount?: number;
      reason: Stripe.Refund.Reason | null;
      metadata: Record<string, string>;
    },
  ): Stripe.Refund {
    const data = this.data(accountId);
    let record: IntentRecord | undefined;
    if (input.paymentIntent) {
      record = data.intents.get(input.paymentIntent);
      if (!record) {
        throw invalidRequest(`No such payment_intent: '${input.paymentIntent}'`, {
          code: "resource_missing",
          param: "payment_intent",
        });
      }
    } else {
      const charge = data.charges.get(input.charge!);
      if (!charge) {
        throw invalidRequest(`No such charge: '${input.charge}'`, {
          code: "resource_missing",
          param: "charge",
        });
      }
      record = data.intents.get(charge.payment_intent)!;
    }
    const { intent } = record;
    if (intent.status !== "succeeded") {
      throw unexpectedState(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`);
    }
    const charge = this.charge(accountId, intent);
    const refundable = charge.amount_captured - record.refunded;
    if (refundable === 0) {
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
        code: "charge_already_refunded",
      });
    }
    const amount = input.amount ?? refundable;
    if (amount > refundable) {
      throw invalidRequest(
        `Refund amount (${formatAmount(amount, intent.currency)}) is greater than unrefunded amount on charge (${formatAmount(refundable, intent.currency)})`,
        { code: "amount_too_large", param: "amount" },
      );
    }
    record.refunded += amount;
    charge.amount_refunded += amount;
    charge.refunded = record.refunded === charge.amount_captured;
    const refund: Stripe.Refund = {
      id: objectId("re_3"),
      object: "refund",
      amount,
      balance_transaction: `txn_${randomId(24)}`,
      charge: charge.id,
      created: this.seconds(),
      currency: intent.currency,
      customer: null,
      customer_account: null,
      metadata: { ...input.metadata },
      payment_intent: intent.id,
      payment_method: typeof intent.payment_method === "string" ? intent.payment_method : null,
      reason: input.reason,
      receipt_number: null,
      source_transfer_reversal: null,
      status: "succeeded",
      transfer_reversal: null,
    };
    data.refunds.set(refund.id, refund);
    this.effects.refunds += 1;
    this.touch(record);
    return structuredClone(refund);
  }

  retrieveRefund(accountId: string, id: string): Stripe.Refund {
    const refund = this.data(accountId).refunds.get(id);
    if (!refund) throw noSuch("refund", id, "id");
    return structuredClone(refund);
  }

  listRefunds(accountId: string): Stripe.Refund[] {
    return [...this.data(accountId).refunds.values()].reverse().map((refund) => structuredClone(refund));
  }

  // ---- Internals ----

  private intentRecord(accountId: string, id: string): IntentRecord {
    const record = this.data(accountId).intents.get(id);
    if (!record) throw noSuch("payment_intent", id, "intent");
    return record;
  }

  private charge(accountId: string, intent: Stripe.PaymentIntent): SandboxCharge {
    return this.data(accountId).charges.get(intent.latest_charge as string)!;
  }

  /** Checks a token against the usage limits the agent set; every failure is a 400, not a decline. */
  private usableToken(
    accountId: string,
    tokenId: string,
    intent: { amount: number; currency: string },
  ): TokenRecord {
    const param = "shared_payment_granted_token";
    const token = this.data(accountId).tokens.get(tokenId);
    if (!token) {
      throw invalidRequest(`No such shared_payment_granted_token: '${tokenId}'`, {
        code: "resource_missing",
        param,
      });
    }
    if (token.revokedAt !== null) {
      throw invalidRequest(
        `The SharedPaymentGrantedToken ${tokenId} has been revoked and can no longer be used.`,
        {
          code: "payment_method_unexpected_state",
          param,
        },
      );
    }
    if (token.usedBy !== null) {
      throw invalidRequest(
        `The SharedPaymentGrantedToken ${tokenId} has already been used to confirm PaymentIntent ${token.usedBy}; it cannot be used again.`,
        { code: "token_already_used", param },
      );
    }
    const expiresAt = token.usageLimits.expires_at;
    if (expiresAt !== null && expiresAt <= this.seconds()) {
      throw invalidRequest(
        `The SharedPaymentGrantedToken ${tokenId} expired at ${new Date(expiresAt * 1000).toISOString()} and can no longer be used to confirm a PaymentIntent.`,
        { code: "payment_method_unexpected_state", param },
      );
    }
    if (token.usageLimits.currency !== intent.currency) {
      throw invalidRequest(
        `The currency of this PaymentIntent (${intent.currency}) does not match the currency the SharedPaymentGrantedToken ${tokenId} allows (${token.usageLimits.currency}).`,
        { code: "payment_method_currency_mismatch", param: "currency" },
      );
    }
    if (intent.amount > token.usageLimits.max_amount) {
      throw invalidRequest(
        `The amount of this PaymentIntent (${intent.amount}) exceeds the max_amount the SharedPaymentGrantedToken ${tokenId} allows (${token.usageLimits.max_amount}).`,
        { code: "amount_too_large", param: "amount" },
      );
    }
    return token;
  }

  /** Runs the authorization the token's outcome dictates; declines are stored, then thrown as 402. */
  private applyOutcome(
    accountId: string,
    record: IntentRecord,
    token: TokenRecord,
    authentication: { ok: boolean } | null = null,
  ): void {
    const { intent } = record;
    const failedAuthentication = authentication && !authentication.ok ? AUTHENTICATION_DECLINE : null;
    const paymentMethod = `pm_${randomId(24)}`;
    this.effects.confirmations += 1;
    if (token.outcome === "requires_action" && authentication === null) {
      this.spend(token, intent.id);
      const directoryServer = DIRECTORY_SERVERS[token.card.brand] ?? "visa";
      record.challenge = { directoryServer, transactionId: randomUUID() };
      intent.payment_method = paymentMethod;
      intent.status = "requires_action";
      // The 3DS2 data Stripe's SDKs receive (a hash Stripe does not document field by field).
      intent.next_action = {
        type: "use_stripe_sdk",
        use_stripe_sdk: {
          type: "stripe_3ds2_fingerprint",
          directory_server_name: directoryServer,
          merchant: accountId,
          server_transaction_id: record.challenge.transactionId,
          three_d_secure_2_source: `src_${randomId(24)}`,
          acquirer_details: {
            acquirer_bin: SANDBOX_ACQUIRER.bin,
            acquirer_country: SANDBOX_ACQUIRER.country,
            acquirer_merchant_id: accountId.slice(0, 35),
          },
        },
      } as Stripe.PaymentIntent.NextAction;
      this.touch(record);
      return;
    }
    const decline = failedAuthentication ?? DECLINES[token.outcome as keyof typeof DECLINES];
    const captured = !decline && intent.capture_method !== "manual";
    const charge: SandboxCharge = {
      id: objectId("ch_3"),
      object: "charge",
      amount: intent.amount,
      amount_captured: captured ? intent.amount : 0,
      amount_refunded: 0,
      captured,
      created: this.seconds(),
      currency: intent.currency,
      failure_code: decline?.code ?? null,
      failure_message: decline?.message ?? null,
      livemode: false,
      metadata: {},
      paid: !decline,
      payment_intent: intent.id,
      payment_method: paymentMethod,
      refunded: false,
      status: decline ? "failed" : "succeeded",
    };
    this.data(accountId).charges.set(charge.id, charge);
    intent.latest_charge = charge.id;
    if (decline) {
      const error = {
        code: decline.code,
        ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
        message: decline.message,
        charge: charge.id,
      };
      intent.status = "requires_payment_method";
      intent.payment_method = null;
      intent.last_payment_error = {
        type: "card_error",
        ...error,
        doc_url: docUrl(decline.code),
        payment_method_type: "card",
      } as Stripe.PaymentIntent.LastPaymentError;
      this.touch(record);
      // The decline happened: it is stored and replayed under the idempotency key like a success.
      throw cardError({
        ...error,
        payment_intent: this.snapshot(record),
        payment_method: { id: paymentMethod, object: "payment_method", type: "card" },
      });
    }
    this.spend(token, intent.id);
    intent.payment_method = paymentMethod;
    intent.last_payment_error = null;
    if (captured) {
      intent.status = "succeeded";
      intent.amount_received = intent.amount;
      token.amountCaptured += intent.amount;
    } else {
      intent.status = "requires_capture";
      intent.amount_capturable = intent.amount;
    }
    this.touch(record);
  }

  /**
   * Confirmation with an authentication result run outside Stripe: the issuer checks that the
   * cryptogram is the one its 3DS server issued for this challenge and that the buyer was
   * authenticated (Y) or the attempt acknowledged (A); anything else is declined like a failed 3DS.
   */
  private applyImportedAuthentication(
    accountId: string,
    record: IntentRecord,
    result: ImportedThreeDSecure,
  ): void {
    const challenge = record.challenge!;
    const token = this.data(accountId).tokens.get(record.tokenId!)!;
    const ok =
      (result.aresTransStatus === "Y" || result.aresTransStatus === "A") &&
      result.transactionId === challenge.transactionId &&
      result.cryptogram === issuerCryptogram(accountId, challenge.transactionId);
    record.challenge = null;
    record.intent.next_action = null;
    this.applyOutcome(accountId, record, token, { ok });
  }

  /**
   * Sandbox-only: the buyer authenticates with their issuer (what the agent's 3DS provider does
   * with the PaymentIntent's challenge). Returns the result to import on confirmation.
   */
  authenticateChallenge(accountId: string, intentId: string): ThreeDSecureResult {
    const record = this.intentRecord(accountId, intentId);
    if (!record.challenge) throw new Error(`PaymentIntent ${intentId} has no 3DS challenge pending`);
    return {
      cryptogram: issuerCryptogram(accountId, record.challenge.transactionId),
      electronicCommerceIndicator: record.challenge.directoryServer === "mastercard" ? "02" : "05",
      transactionId: record.challenge.transactionId,
      version: "2.2.0",
    };
  }

  /** The same, found through the token whose confirmation raised the challenge (the agent's view). */
  authenticateTokenChallenge(
    accountId: string,
    tokenId: string,
  ): ThreeDSecureResult & { paymentIntent: string } {
    const token = this.data(accountId).tokens.get(tokenId);
    if (!token) throw noSuch("shared_payment_granted_token", tokenId, "shared_payment_granted_token");
    const record = token.usedBy ? this.data(accountId).intents.get(token.usedBy) : undefined;
    if (!record?.challenge) {
      throw invalidRequest(`No 3-D Secure challenge is pending for ${tokenId}.`, {
        code: "resource_missing",
      });
    }
    return { ...this.authenticateChallenge(accountId, record.intent.id), paymentIntent: record.intent.id };
  }

  /** Tokens are single-use: once a PaymentIntent holds the authorization, no other may confirm with it. */
  private spend(token: TokenRecord, intentId: string): void {
    token.usedBy = intentId;
    token.usedAt = this.seconds();
  }

  /** Records a change for search, visible once the index catches up. */
  private touch(record: IntentRecord): void {
    record.index.push({ visibleAt: this.now() + this.searchLagMs, snapshot: structuredClone(record.intent) });
  }

  private snapshot(record: IntentRecord): Stripe.PaymentIntent {
    return structuredClone(record.intent);
  }
}

const DIRECTORY_SERVERS: Record<string, ThreeDSecureChallenge["directoryServer"]> = {
  visa: "visa",
  mastercard: "mastercard",
  amex: "american_express",
};

/** The issuer's authentication value for a challenge: 20 bytes, base64 (28 characters), as 3DS has it. */
function issuerCryptogram(accountId: string, transactionId: string): string {
  return createHash("sha1").update(`${accountId}:${transactionId}`).digest("base64");
}

/** Stripe's decline when the issuer does not accept the authentication (decline code authentication_required). */
const AUTHENTICATION_DECLINE = {
  code: "card_declined",
  declineCode: "authentication_required",
  message: "Your card was declined. This transaction requires authentication.",
} as const;

/** Declines are Stripe's test-card answers: 402 `card_error`, with the PaymentIntent left to retry. */
const DECLINES = {
  card_declined: {
    code: "card_declined",
    declineCode: "generic_decline",
    message: "Your card was declined.",
  },
  insufficient_funds: {
    code: "card_declined",
    declineCode: "insufficient_funds",
    message: "Your card has insufficient funds.",
  },
  processing_error: {
    code: "processing_error",
    declineCode: undefined,
    message: "An error occurred while processing your card. Try again in a little bit.",
  },
} as const;

/**
 * Since API version 2023-08-16 a PaymentIntent without a list of payment method types uses
 * automatic payment methods, and confirming it server-side needs a `return_url` unless redirects
 * are off. A list of card only (`allowed_payment_method_types`) cannot redirect.
 */
function requireRedirectChoice(input: {
  allowedTypes: string[] | null;
  automaticPaymentMethods: Stripe.PaymentIntent.AutomaticPaymentMethods | null;
  returnUrl: string | null;
}): void {
  if (input.allowedTypes || input.returnUrl) return;
  if (input.automaticPaymentMethods?.allow_redirects === "never") return;
  throw invalidRequest(
    "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.",
    { param: "return_url" },
  );
}

/** Stripe merges metadata on update; an empty value deletes that key. */
function mergeMetadata(current: Stripe.Metadata, changes: Record<string, string>): Stripe.Metadata {
  const merged = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === "") delete merged[key];
    else merged[key] = value;
  }
  if (Object.keys(merged).length > 50) {
    throw invalidRequest("Invalid metadata: metadata can have up to 50 keys.", { param: "metadata" });
  }
  return merged;
}

function searchDocument(intent: Stripe.PaymentIntent): SearchDocument {
  return {
    amount: intent.amount,
    created: intent.created,
    currency: intent.currency,
    customer: typeof intent.customer === "string" ? intent.customer : null,
    status: intent.status,
    metadata: intent.metadata,
  };
}

const EMPTY_INTENT: Omit<
  Stripe.PaymentIntent,
  "id" | "amount" | "currency" | "created" | "client_secret" | "status" | "capture_method"
> = {
  object: "payment_intent",
  allowed_payment_method_types: null,
  amount_capturable: 0,
  amount_received: 0,
  application: null,
  application_fee_amount: null,
  automatic_payment_methods: null,
  canceled_at: null,
  cancellation_reason: null,
  confirmation_method: "automatic",
  customer: null,
  customer_account: null,
  description: null,
  excluded_payment_method_types: null,
  last_payment_error: null,
  latest_charge: null,
  livemode: false,
  managed_payments: null,
  metadata: {},
  next_action: null,
  on_behalf_of: null,
  payment_method: null,
  payment_method_configuration_details: null,
  payment_method_options: null,
  payment_method_types: ["card"],
  payment_record: null,
  processing: null,
  receipt_email: null,
  review: null,
  setup_future_usage: null,
  shipping: null,
  source: null,
  statement_descriptor: null,
  statement_descriptor_suffix: null,
  transfer_group: null,
};
