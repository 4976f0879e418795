import type Stripe from "stripe";
import prisma from "../db.server";
import { env } from "../env.server";
import { AcpError, sessionNotFound } from "../acp/errors";
import { DEFAULT_LANGUAGE, localized, renderText, type Text } from "../i18n/catalog";
import { enqueueJob } from "../jobs/queue.server";
import type { AgentOrder } from "../orders/events";
import { decryptSecret, encryptSecret } from "../lib/crypto.server";
import { newId } from "../lib/ids";
import { stripeForShop, PaymentsNotConfiguredError } from "../payments/stripe.server";
import {
  cancelUnpaidOrder,
  createOrderForSession,
  findOrderForSession,
  recordCapturedPayment,
} from "../shopify/orders.server";
import { shopifyStoreGateway } from "../shopify/store-gateway.server";
import { StoreUnavailableError } from "./gateway";
import type {
  AuthenticationChallenge,
  AuthenticationResult,
  CheckoutMessage,
  CheckoutSession,
  CompleteCommand,
} from "./model";
import { updateCheckout, type CheckoutContext, type CheckoutOutcome } from "./service.server";
import { loadSession, recordEvent } from "./sessions.server";

/** How long one driver (request or recovery worker) owns a completion before another may take over. */
const leaseMs = () => env().COMPLETION_LEASE_SECONDS * 1000;

type Completion = NonNullable<Awaited<ReturnType<typeof prisma.completion.findUnique>>>;

/**
 * POST /checkout_sessions/{id}/complete. The money path, in explicit steps recorded on a
 * Completion row (docs/decisions/006):
 *   started → authorized (PaymentIntent, manual capture) → order_created (Shopify order, unpaid)
 *   → captured → completed (payment recorded on the order, session completed, agent event queued)
 * or declined / voided. When the issuer asks for 3-D Secure, started → authentication_required
 * holds the authorization until the agent completes again with its authentication result
 * (docs/decisions/011). Every external call uses a key derived from the completion id, so a
 * retry after any crash repeats nothing; the recovery worker drives stalled completions on.
 */
export async function completeCheckout(
  context: CheckoutContext,
  sessionId: string,
  command: CompleteCommand,
): Promise<CheckoutOutcome> {
  const stored = await loadSession(context.shop, sessionId);
  if (!stored) throw sessionNotFound(sessionId);
  const { session } = stored;
  if (session.status === "completed") return { session, persist: null };
  if (session.status === "canceled" || session.status === "expired") {
    throw new AcpError(
      400,
      "invalid_request",
      "invalid_state",
      localized("error.session_not_completable", { id: sessionId, status: session.status }),
    );
  }
  const existing = await prisma.completion.findUnique({ where: { sessionId } });
  if (existing?.step === "authentication_required") {
    return { session: await continueAfterAuthentication(context, existing, command), persist: null };
  }
  if (existing && !isFinalFailure(existing)) {
    // Same session, another completion still running (or stalled and awaiting recovery).
    const driven = await driveIfFree(existing.id, context.now);
    if (driven) return { session: driven, persist: null };
    throw new AcpError(
      409,
      "invalid_request",
      "complete_in_progress",
      localized("error.complete_in_progress"),
      null,
      {
        retryAfterSeconds: 2,
      },
    );
  }
  if (session.status !== "ready_for_payment") {
    throw new AcpError(
      400,
      "invalid_request",
      "not_ready_for_payment",
      localized("error.not_ready_for_payment"),
    );
  }
  if (
    session.payment &&
    command.payment.handlerId &&
    command.payment.handlerId !== session.payment.handlerId
  ) {
    throw new AcpError(
      400,
      "invalid_request",
      "invalid_payment_handler",
      localized("error.unknown_payment_handler", {
        sent: command.payment.handlerId,
        expected: session.payment.handlerId,
      }),
      "$.payment_data.handler_id",
    );
  }
  if (command.payment.provider && command.payment.provider !== "stripe") {
    throw new AcpError(
      400,
      "invalid_request",
      "invalid_payment_provider",
      localized("error.stripe_provider_only"),
      "$.payment_data.provider",
    );
  }
  if (!command.payment.token.startsWith("spt_")) {
    throw new AcpError(
      400,
      "invalid_request",
      "invalid_payment_token",
      localized("error.shared_payment_token_required"),
      "$.payment_data",
    );
  }

  // Prices, stock and shipping may have moved since the agent last looked: re-price first.
  const repriced = await updateCheckout(context, sessionId, {});
  if (
    repriced.session.status !== "ready_for_payment" ||
    repriced.session.totals.total !== session.totals.total
  ) {
    const changed: CheckoutSession = {
      ...repriced.session,
      messages: [
        ...repriced.session.messages,
        message("warning", "price_change", localized("payment.total_changed")),
      ],
    };
    return { session: changed, persist: repriced.persist };
  }

  let completion: Completion;
  try {
    completion = await prisma.$transaction(async (tx) => {
      if (existing) await tx.completion.delete({ where: { id: existing.id } });
      const created = await tx.completion.create({
        data: {
          id: newId("cmp"),
          shop: context.shop,
          sessionId,
          agentId: context.agent.id,
          step: "started",
          amount: session.totals.total,
          currency: session.currency,
          paymentTokenEncrypted: encryptSecret(command.payment.token),
          lockedUntil: new Date(context.now.getTime() + leaseMs()),
        },
      });
      const inProgress = { ...repriced.session, status: "complete_in_progress" as const };
      await tx.checkoutSession.updateMany({
        where: { id: sessionId, shop: context.shop },
        data: { status: inProgress.status, state: JSON.stringify(inProgress), revision: { increment: 1 } },
      });
      await recordEvent(tx, inProgress, "complete_started", session.status, inProgress.status);
      return created;
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new AcpError(
        409,
        "invalid_request",
        "complete_in_progress",
        localized("error.complete_in_progress"),
        null,
        {
          retryAfterSeconds: 2,
        },
      );
    }
    throw error;
  }
  return { session: await drive(completion, { canAuthenticate: command.canAuthenticate }), persist: null };
}

/**
 * The complete that follows `authentication_required`: the agent authenticated the buyer (3DS) and
 * sends the result, which confirms the PaymentIntent that holds the authorization. A failed
 * authentication cancels that authorization and reopens the session with payment_declined.
 */
async function continueAfterAuthentication(
  context: CheckoutContext,
  waiting: Completion,
  command: CompleteCommand,
): Promise<CheckoutSession> {
  if (command.canAuthenticate && !command.authenticationResult) {
    throw new AcpError(
      400,
      "invalid_request",
      "requires_3ds",
      localized("error.authentication_result_required"),
      "$.authentication_result",
    );
  }
  const claimed = await prisma.completion.updateMany({
    where: {
      id: waiting.id,
      step: "authentication_required",
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: context.now } }],
    },
    data: { lockedUntil: new Date(context.now.getTime() + leaseMs()), attempts: { increment: 1 } },
  });
  if (claimed.count !== 1) {
    const current = await prisma.completion.findUnique({ where: { id: waiting.id } });
    if (current && current.step !== "authentication_required" && isFinal(current))
      return (await loadSession(current.shop, current.sessionId))!.session;
    throw new AcpError(
      409,
      "invalid_request",
      "complete_in_progress",
      localized("error.complete_in_progress"),
      null,
      { retryAfterSeconds: 2 },
    );
  }
  const completion = (await prisma.completion.findUnique({ where: { id: waiting.id } }))!;
  // An agent on a version without authentication_result can never answer the challenge.
  const answer: AuthenticationAnswer = command.canAuthenticate
    ? { result: command.authenticationResult! }
    : { result: null };
  return drive(completion, { canAuthenticate: command.canAuthenticate, answer });
}

interface AuthenticationAnswer {
  /** Null: the agent cannot authenticate; the held authorization is released. */
  result: AuthenticationResult | null;
}

interface DriveOptions {
  /** The agent's version can run 3DS (authentication_required → complete with authentication_result). */
  canAuthenticate: boolean;
  /** The agent's answer to a pending 3DS challenge, when this drive carries one. */
  answer?: AuthenticationAnswer;
}

/** Takes the lease of a stalled completion and drives it; null when someone else holds it. */
export async function driveIfFree(completionId: string, now = new Date()): Promise<CheckoutSession | null> {
  const current = await prisma.completion.findUnique({ where: { id: completionId } });
  if (!current || isFinal(current))
    return current ? ((await loadSession(current.shop, current.sessionId))?.session ?? null) : null;
  const claimed = await prisma.completion.updateMany({
    where: { id: completionId, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
    data: { lockedUntil: new Date(now.getTime() + leaseMs()), attempts: { increment: 1 } },
  });
  if (claimed.count !== 1) return null;
  // Recovery has no agent at hand: a challenge is kept for the agent (ended when the session expires).
  return drive((await prisma.completion.findUnique({ where: { id: completionId } }))!, {
    canAuthenticate: true,
  });
}

/** Runs the remaining steps of a completion that this process holds the lease of. */
async function drive(start: Completion, options: DriveOptions): Promise<CheckoutSession> {
  let completion = start;
  const { stripe } = await stripeForShop(completion.shop).catch((error) => {
    if (error instanceof PaymentsNotConfiguredError) {
      throw new AcpError(
        503,
        "service_unavailable",
        "payments_not_configured",
        localized("error.payments_not_configured"),
      );
    }
    throw error;
  });
  try {
    for (;;) {
      // Heartbeat: keep the lease while working, and stop if another driver took it over.
      completion = await advance(completion, {});
      switch (completion.step) {
        case "started":
          completion = await authorize(stripe, completion, options);
          break;
        case "authentication_required":
          if (!options.answer) return (await loadSession(completion.shop, completion.sessionId))!.session;
          completion = await confirmAuthentication(stripe, completion, options.answer);
          // One answer per drive: a second challenge would wait for the agent again.
          options = { ...options, answer: undefined };
          break;
        case "authorized":
          completion = await createOrder(stripe, completion);
          break;
        case "order_created":
          completion = await capture(stripe, completion);
          break;
        case "captured":
          completion = await finish(completion);
          break;
        default:
          return (await loadSession(completion.shop, completion.sessionId))!.session;
      }
    }
  } catch (error) {
    // Another driver owns the completion now; it will finish it. Answer with the current state.
    if (error instanceof LeaseLostError)
      return (await loadSession(completion.shop, completion.sessionId))!.session;
    throw error;
  } finally {
    await prisma.completion.updateMany({
      where: { id: completion.id, attempts: completion.attempts },
      data: { lockedUntil: null },
    });
  }
}

/** Another driver took the completion over (our lease had expired): stop without writing. */
class LeaseLostError extends Error {}

/**
 * Moves the completion forward, fenced: `attempts` is the driver's token (a takeover increments
 * it), so a driver that lost its lease can never overwrite the new driver's progress.
 */
async function advance(completion: Completion, data: Partial<Completion>): Promise<Completion> {
  const lockedUntil = new Date(Date.now() + leaseMs());
  const result = await prisma.completion.updateMany({
    where: { id: completion.id, attempts: completion.attempts, step: completion.step },
    data: { ...data, lockedUntil },
  });
  if (result.count !== 1) throw new LeaseLostError(`Completion ${completion.id} is driven elsewhere`);
  return { ...completion, ...data, lockedUntil };
}

/**
 * Recovery attempts of the authorize step, without a PaymentIntent found, before the completion
 * gives up (when the token shows nothing was authorized with it).
 */
const MAX_AUTHORIZE_RECOVERIES = 5;

/** Step 1: a PaymentIntent on the merchant's account, authorized only (manual capture). */
async function authorize(stripe: Stripe, completion: Completion, options: DriveOptions): Promise<Completion> {
  const existing = await findPaymentIntent(stripe, completion);
  let intent = existing;
  if (!intent && completion.attempts >= MAX_AUTHORIZE_RECOVERIES) {
    // Stripe has not let us confirm the authorization for several attempts. An unspent token means
    // no PaymentIntent holds money: end here rather than authorize late. A spent one means one
    // does, so keep going (the same idempotency key replays it).
    if (!(await tokenSpent(stripe, completion))) {
      return failAfterVoid(completion, "payment_declined", localized("payment.not_confirmed"));
    }
  }
  if (!intent) {
    try {
      intent = await stripe.paymentIntents.create(
        {
          amount: completion.amount,
          currency: completion.currency,
          confirm: true,
          capture_method: "manual",
          // Agent payments have no buyer browser to redirect to.
          automatic_payment_methods: { enabled: true, allow_redirects: "never" },
          metadata: {
            checkout_session_id: completion.sessionId,
            completion_id: completion.id,
            shop: completion.shop,
          },
          description: `Agentic checkout ${completion.sessionId}`,
          shared_payment_granted_token: decryptSecret(completion.paymentTokenEncrypted),
        } as Stripe.PaymentIntentCreateParams,
        { idempotencyKey: `${completion.id}:authorize` },
      );
    } catch (error) {
      const declined = declineFromStripeError(error);
      if (declined) return decline(completion, declined);
      throw asUnavailable(error);
    }
  }
  if (intent.status === "requires_capture")
    return advance(completion, { step: "authorized", paymentIntentId: intent.id });
  if (intent.status === "succeeded")
    return advance(completion, { step: "order_created", paymentIntentId: intent.id });
  if (intent.status === "requires_action") {
    const challenge = options.canAuthenticate ? await challengeFrom(intent, completion.shop) : null;
    if (challenge) return awaitAuthentication(completion, intent.id, challenge);
    await releaseAuthorization(stripe, completion, intent.id);
    return decline(completion, {
      code: "requires_3ds",
      text: options.canAuthenticate
        ? localized("payment.3ds_not_possible")
        : localized("payment.3ds_needs_newer_version"),
      paymentIntentId: intent.id,
    });
  }
  return decline(completion, {
    code: "payment_declined",
    text: localized("payment.not_authorized"),
    paymentIntentId: intent.id,
  });
}

/**
 * What the agent's 3DS provider needs, from the 3DS2 data Stripe hands its SDKs with the
 * `requires_action` PaymentIntent (the directory server and the acquirer that holds the
 * authorization). Null when Stripe gave no such data: the challenge cannot be handed to the agent.
 */
async function challengeFrom(
  intent: Stripe.PaymentIntent,
  shop: string,
): Promise<AuthenticationChallenge | null> {
  const sdk = (intent.next_action?.use_stripe_sdk ?? null) as {
    directory_server_name?: string;
    acquirer_details?: { acquirer_bin?: string; acquirer_country?: string; acquirer_merchant_id?: string };
  } | null;
  const server = sdk?.directory_server_name;
  const acquirer = sdk?.acquirer_details;
  if (server !== "visa" && server !== "mastercard" && server !== "american_express") return null;
  if (!acquirer?.acquirer_bin || !acquirer.acquirer_country || !acquirer.acquirer_merchant_id) return null;
  const info = await shopifyStoreGateway.shopInfo(shop);
  return {
    directoryServer: server,
    acquirerBin: acquirer.acquirer_bin,
    acquirerCountry: acquirer.acquirer_country.toUpperCase(),
    acquirerMerchantId: acquirer.acquirer_merchant_id,
    merchantName: info.name,
  };
}

/** Keeps the authorization and asks the agent to authenticate the buyer (session authentication_required). */
async function awaitAuthentication(
  completion: Completion,
  paymentIntentId: string,
  challenge: AuthenticationChallenge,
): Promise<Completion> {
  const stored = (await loadSession(completion.shop, completion.sessionId))!;
  const waiting: CheckoutSession = {
    ...stored.session,
    status: "authentication_required",
    authentication: challenge,
    messages: [
      message(
        "error",
        "requires_3ds",
        "The card issuer requires 3-D Secure. Authenticate the buyer and complete again with the authentication result.",
        { kind: "payment" },
      ),
    ],
    updatedAt: new Date().toISOString(),
  };
  const data = { step: "authentication_required", paymentIntentId };
  return prisma.$transaction(async (tx) => {
    const fenced = await tx.completion.updateMany({
      where: { id: completion.id, attempts: completion.attempts, step: completion.step },
      data,
    });
    if (fenced.count !== 1) throw new LeaseLostError(`Completion ${completion.id} is driven elsewhere`);
    await tx.checkoutSession.updateMany({
      where: { id: completion.sessionId, shop: completion.shop },
      data: { status: waiting.status, state: JSON.stringify(waiting), revision: { increment: 1 } },
    });
    await recordEvent(tx, waiting, "complete_authentication_required", stored.session.status, waiting.status);
    return { ...completion, ...data };
  });
}

/** ACP outcomes that mean the buyer was authenticated (or the attempt acknowledged), as Stripe's ARes status. */
const ARES_STATUS: Record<string, "Y" | "A" | "I"> = {
  authenticated: "Y",
  attempt_acknowledged: "A",
  attempt: "A",
  informational: "I",
};

/** The agent's answer to the challenge: confirm the held PaymentIntent with it, or release it. */
async function confirmAuthentication(
  stripe: Stripe,
  completion: Completion,
  answer: AuthenticationAnswer,
): Promise<Completion> {
  const paymentIntentId = completion.paymentIntentId!;
  // A previous answer may have confirmed it already (its response lost): never confirm twice.
  const current = await stripe.paymentIntents.retrieve(paymentIntentId).catch((error) => {
    throw asUnavailable(error);
  });
  if (current.status === "requires_capture") return advance(completion, { step: "authorized" });
  const result = answer.result;
  const aresStatus = result ? ARES_STATUS[result.outcome] : undefined;
  if (current.status === "requires_action" && result?.outcomeDetails && aresStatus) {
    const details = result.outcomeDetails;
    try {
      const confirmed = await stripe.paymentIntents.confirm(
        paymentIntentId,
        {
          payment_method_options: {
            card: {
              three_d_secure: {
                ares_trans_status: aresStatus,
                cryptogram: details.threeDsCryptogram,
                electronic_commerce_indicator:
                  details.electronicCommerceIndicator as Stripe.PaymentIntentConfirmParams.PaymentMethodOptions.Card.ThreeDSecure.ElectronicCommerceIndicator,
                transaction_id: details.transactionId,
                version:
                  details.version as Stripe.PaymentIntentConfirmParams.PaymentMethodOptions.Card.ThreeDSecure.Version,
              },
            },
          },
        },
        { idempotencyKey: `${completion.id}:authenticate` },
      );
      if (confirmed.status === "requires_capture") return advance(completion, { step: "authorized" });
    } catch (error) {
      const stripeError = error as { type?: string; param?: string };
      const rejected =
        stripeError.type === "StripeCardError" ||
        (stripeError.type === "StripeInvalidRequestError" && stripeError.param?.includes("three_d_secure"));
      if (!rejected) throw asUnavailable(error);
    }
  }
  await releaseAuthorization(stripe, completion, paymentIntentId);
  return reopen(
    completion,
    "declined",
    result ? "payment_declined" : "requires_3ds",
    result
      ? `The card issuer did not accept the authentication (${result.outcome}). Try another payment method.`
      : "The card issuer asks for 3-D Secure, which needs ACP 2025-12-12 or later. Try another payment method.",
  );
}

/** Cancels a PaymentIntent that holds (or awaits) an authorization this completion will not use. */
async function releaseAuthorization(stripe: Stripe, completion: Completion, paymentIntentId: string) {
  try {
    const intent = await stripe.paymentIntents.retrieve(paymentIntentId);
    if (intent.status === "canceled") return;
    await stripe.paymentIntents.cancel(paymentIntentId, {}, { idempotencyKey: `${completion.id}:void` });
  } catch (error) {
    throw asUnavailable(error);
  }
}

/** Step 2: the Shopify order, unpaid. If Shopify refuses it, the authorization is voided. */
async function createOrder(stripe: Stripe, completion: Completion): Promise<Completion> {
  const stored = (await loadSession(completion.shop, completion.sessionId))!;
  const agent = await prisma.agent.findUnique({ where: { id: completion.agentId } });
  // orderCreate has no idempotency key: a driver after the first (attempts > 0) may follow one
  // whose orderCreate reached Shopify but lost its answer, so it looks the order up first.
  const found =
    completion.attempts > 0 ? await findOrderForSession(completion.shop, completion.sessionId) : null;
  const created = found
    ? { ok: true as const, order: found }
    : await createOrderForSession(completion.shop, stored.session, agent?.name ?? "agent");
  if (!created.ok) {
    await stripe.paymentIntents.cancel(
      completion.paymentIntentId!,
      {},
      { idempotencyKey: `${completion.id}:void` },
    );
    return failAfterVoid(
      completion,
      created.reason === "out_of_stock" ? "out_of_stock" : "invalid",
      localized("order.rejected", { detail: created.message }),
    );
  }
  return advance(completion, {
    step: "order_created",
    shopifyOrderId: created.order.id,
    shopifyOrderName: created.order.name,
    orderStatusUrl: created.order.statusPageUrl,
  });
}

/** Step 3: capture, now that the order exists. */
async function capture(stripe: Stripe, completion: Completion): Promise<Completion> {
  try {
    const intent = await stripe.paymentIntents.retrieve(completion.paymentIntentId!);
    if (intent.status === "requires_capture") {
      await stripe.paymentIntents.capture(
        completion.paymentIntentId!,
        {},
        { idempotencyKey: `${completion.id}:capture` },
      );
    } else if (intent.status !== "succeeded") {
      // The authorization lapsed or was cancelled: the unpaid order must not stand.
      await cancelUnpaidOrder(completion.shop, completion.shopifyOrderId!, "Payment authorization lapsed");
      return failAfterVoid(completion, "payment_declined", localized("payment.authorization_expired"));
    }
  } catch (error) {
    throw asUnavailable(error);
  }
  return advance(completion, { step: "captured" });
}

/** Step 4: record the payment on the order, complete the session and tell the agent — atomically here. */
async function finish(completion: Completion): Promise<Completion> {
  await recordCapturedPayment(completion.shop, completion.shopifyOrderId!, completion.paymentIntentId!);
  const stored = (await loadSession(completion.shop, completion.sessionId))!;
  const now = new Date().toISOString();
  const completed: CheckoutSession = {
    ...stored.session,
    status: "completed",
    messages: [],
    authentication: null,
    order: {
      id: completion.shopifyOrderId!,
      checkoutSessionId: completion.sessionId,
      permalinkUrl: completion.orderStatusUrl!,
      orderNumber: completion.shopifyOrderName,
    },
    updatedAt: now,
  };
  return prisma.$transaction(async (tx) => {
    await tx.checkoutSession.updateMany({
      where: { id: completion.sessionId, shop: completion.shop },
      data: {
        status: "completed",
        state: JSON.stringify(completed),
        completedAt: new Date(now),
        shopifyOrderId: completion.shopifyOrderId,
        revision: { increment: 1 },
      },
    });
    await recordEvent(tx, completed, "completed", stored.session.status, "completed");
    const eventId = newId("evt");
    await tx.agentEvent.create({
      data: {
        id: eventId,
        shop: completion.shop,
        agentId: completion.agentId,
        sessionId: completion.sessionId,
        type: "order_created",
        order: JSON.stringify({
          orderId: completion.shopifyOrderId!,
          orderNumber: completion.shopifyOrderName,
          checkoutSessionId: completion.sessionId,
          permalinkUrl: completion.orderStatusUrl!,
          status: "created",
          currency: completion.currency,
          total: completion.amount,
          refunds: [],
          fulfillments: [],
        } satisfies AgentOrder),
      },
    });
    await enqueueJob(tx, { kind: "agent_event.deliver", shop: completion.shop, payload: { eventId } });
    const fenced = await tx.completion.updateMany({
      where: { id: completion.id, attempts: completion.attempts, step: completion.step },
      data: { step: "completed" },
    });
    if (fenced.count !== 1) throw new LeaseLostError(`Completion ${completion.id} is driven elsewhere`);
    return { ...completion, step: "completed" };
  });
}

async function decline(
  completion: Completion,
  reason: { code: CheckoutMessage["code"]; text: Text; paymentIntentId?: string },
): Promise<Completion> {
  return reopen(completion, "declined", reason.code, reason.text, reason.paymentIntentId);
}

async function failAfterVoid(completion: Completion, code: CheckoutMessage["code"], text: Text) {
  return reopen(completion, "voided", code, text);
}

/** Ends a completion without an order: the session is open again with a message saying why. */
async function reopen(
  completion: Completion,
  step: "declined" | "voided",
  code: CheckoutMessage["code"],
  text: Text,
  paymentIntentId?: string,
): Promise<Completion> {
  const stored = (await loadSession(completion.shop, completion.sessionId))!;
  const reopened: CheckoutSession = {
    ...stored.session,
    status: code === "out_of_stock" ? "not_ready_for_payment" : "ready_for_payment",
    authentication: null,
    messages: [message("error", code, text, { kind: "payment" })],
    updatedAt: new Date().toISOString(),
  };
  const data = {
    step,
    failureCode: code,
    // The admin reads failures in English; the session keeps the text to render per response.
    failureMessage: renderText(text, DEFAULT_LANGUAGE),
    paymentIntentId: paymentIntentId ?? completion.paymentIntentId,
  };
  return prisma.$transaction(async (tx) => {
    // Fence first: only the driver holding the completion may reopen the session.
    const fenced = await tx.completion.updateMany({
      where: { id: completion.id, attempts: completion.attempts, step: completion.step },
      data,
    });
    if (fenced.count !== 1) throw new LeaseLostError(`Completion ${completion.id} is driven elsewhere`);
    await tx.checkoutSession.updateMany({
      where: { id: completion.sessionId, shop: completion.shop },
      data: { status: reopened.status, state: JSON.stringify(reopened), revision: { increment: 1 } },
    });
    await recordEvent(tx, reopened, `complete_${step}`, stored.session.status, reopened.status, code);
    return { ...completion, ...data };
  });
}

/** A PaymentIntent already made for this completion (a previous attempt may have crashed after it). */
async function findPaymentIntent(
  stripe: Stripe,
  completion: Completion,
): Promise<Stripe.PaymentIntent | null> {
  if (completion.paymentIntentId) return stripe.paymentIntents.retrieve(completion.paymentIntentId);
  if (completion.attempts === 0) return null;
  try {
    const found = await stripe.paymentIntents.search({
      query: `metadata['completion_id']:'${completion.id}'`,
      limit: 1,
    });
    return found.data[0] ?? null;
  } catch (error) {
    throw asUnavailable(error);
  }
}

/** Whether the Shared Payment Token was used to confirm a PaymentIntent (single use). */
async function tokenSpent(stripe: Stripe, completion: Completion): Promise<boolean> {
  try {
    const token = (await stripe.rawRequest(
      "GET",
      `/v1/shared_payment/granted_tokens/${decryptSecret(completion.paymentTokenEncrypted)}`,
    )) as unknown as { deactivated_reason: string | null };
    return token.deactivated_reason === "consumed";
  } catch (error) {
    throw asUnavailable(error);
  }
}

/** Token problems Stripe reports as invalid requests: the buyer's payment, not our integration. */
const TOKEN_ERROR_CODES = new Set([
  "amount_too_large",
  "token_already_used",
  "payment_method_unexpected_state",
  "payment_method_currency_mismatch",
  "resource_missing",
  "expired_card",
]);

function declineFromStripeError(error: unknown): { code: CheckoutMessage["code"]; text: Text } | null {
  const stripeError = error as { type?: string; code?: string; param?: string; message?: string };
  if (stripeError.type === "StripeCardError") {
    return { code: "payment_declined", text: localized("payment.declined") };
  }
  const aboutToken =
    stripeError.param?.includes("shared_payment_granted_token") ||
    TOKEN_ERROR_CODES.has(stripeError.code ?? "");
  if (stripeError.type === "StripeInvalidRequestError" && aboutToken) {
    return {
      code: "payment_declined",
      // Stripe's own explanation stays as Stripe words it.
      text: localized("payment.token_unusable", {
        reason: stripeError.code ?? "invalid",
        detail: stripeError.message ?? "",
      }),
    };
  }
  return null;
}

function asUnavailable(error: unknown): Error {
  if (error instanceof AcpError || error instanceof StoreUnavailableError) return error;
  return new StoreUnavailableError(`Payment provider unavailable: ${(error as Error)?.message ?? error}`);
}

function isFinal(completion: Completion): boolean {
  return ["completed", "declined", "voided"].includes(completion.step);
}

function isFinalFailure(completion: Completion): boolean {
  return completion.step === "declined" || completion.step === "voided";
}

function message(
  type: CheckoutMessage["type"],
  code: CheckoutMessage["code"],
  text: Text,
  target: CheckoutMessage["target"] = null,
): CheckoutMessage {
  return {
    type,
    code,
    target,
    text,
    contentType: "plain",
    resolution: type === "error" ? "requires_buyer_input" : "recoverable",
  };
}

/**
 * A 3DS challenge the agent will not answer any more (its session expired or was canceled): the
 * held authorization is released and the completion ends voided. Returns whether it was released.
 */
async function releaseAbandonedChallenge(completionId: string, now: Date): Promise<boolean> {
  const waiting = await prisma.completion.findUnique({ where: { id: completionId } });
  if (!waiting || waiting.step !== "authentication_required") return false;
  const stored = await loadSession(waiting.shop, waiting.sessionId);
  const stillAwaited =
    stored?.session.status === "authentication_required" && new Date(stored.session.expiresAt) > now;
  if (stillAwaited) return false;
  const claimed = await prisma.completion.updateMany({
    where: {
      id: waiting.id,
      step: "authentication_required",
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
    data: { lockedUntil: new Date(now.getTime() + leaseMs()), attempts: { increment: 1 } },
  });
  if (claimed.count !== 1) return false;
  const completion = (await prisma.completion.findUnique({ where: { id: waiting.id } }))!;
  const { stripe } = await stripeForShop(completion.shop);
  await releaseAuthorization(stripe, completion, completion.paymentIntentId!);
  await prisma.$transaction(async (tx) => {
    const fenced = await tx.completion.updateMany({
      where: { id: completion.id, attempts: completion.attempts, step: completion.step },
      data: {
        step: "voided",
        failureCode: "expired",
        failureMessage: "The buyer was not authenticated before the session ended.",
        lockedUntil: null,
      },
    });
    if (fenced.count !== 1 || !stored || stored.session.status !== "authentication_required") return;
    const expired: CheckoutSession = {
      ...stored.session,
      status: "expired",
      authentication: null,
      messages: [message("error", "expired", "This checkout session has expired. Start a new one.", null)],
      updatedAt: now.toISOString(),
    };
    await tx.checkoutSession.updateMany({
      where: { id: completion.sessionId, shop: completion.shop, status: "authentication_required" },
      data: { status: "expired", state: JSON.stringify(expired), revision: { increment: 1 } },
    });
    await recordEvent(tx, expired, "expired", "authentication_required", "expired");
  });
  return true;
}

/** Recovery: drives every completion whose driver disappeared (lease expired). Returns how many. */
export async function recoverStalledCompletions(now = new Date()): Promise<number> {
  const challenged = await prisma.completion.findMany({
    where: {
      step: "authentication_required",
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
    select: { id: true },
    take: 50,
  });
  for (const { id } of challenged) {
    try {
      await releaseAbandonedChallenge(id, now);
    } catch (error) {
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "completion.release_failed",
          completionId: id,
          error: String(error),
        }),
      );
    }
  }
  const stalled = await prisma.completion.findMany({
    where: {
      step: { in: ["started", "authorized", "order_created", "captured"] },
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
    select: { id: true },
    take: 50,
  });
  let driven = 0;
  for (const { id } of stalled) {
    try {
      if (await driveIfFree(id, now)) driven++;
    } catch (error) {
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "completion.recovery_failed",
          completionId: id,
          error: String(error),
        }),
      );
    }
  }
  return driven;
}
