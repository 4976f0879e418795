import type Stripe from "stripe";
import prisma from "../db.server";
import { env } from "../env.server";
import { AcpError, notFound } from "../acp/errors";
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
import { StoreUnavailableError } from "./gateway";
import type { CheckoutMessage, CheckoutSession, CompleteCommand } from "./model";
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
 * or declined / voided. Every external call uses a key derived from the completion id, so a
 * retry after any crash repeats nothing; the recovery worker drives stalled completions on.
 */
export async function completeCheckout(
  context: CheckoutContext,
  sessionId: string,
  command: CompleteCommand,
): Promise<CheckoutOutcome> {
  const stored = await loadSession(context.shop, sessionId);
  if (!stored) throw notFound(`Checkout session ${sessionId}`);
  const { session } = stored;
  if (session.status === "completed") return { session, persist: null };
  if (session.status === "canceled" || session.status === "expired") {
    throw new AcpError(
      400,
      "invalid_request",
      "invalid_state",
      `Checkout session ${sessionId} is ${session.status}.`,
    );
  }
  const existing = await prisma.completion.findUnique({ where: { sessionId } });
  if (existing && !isFinalFailure(existing)) {
    // Same session, another completion still running (or stalled and awaiting recovery).
    const driven = await driveIfFree(existing.id, context.now);
    if (driven) return { session: driven, persist: null };
    throw new AcpError(
      409,
      "invalid_request",
      "complete_in_progress",
      "This checkout is being completed; retry shortly.",
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
      "The checkout session is not ready for payment; resolve its messages first.",
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
      `Unknown payment handler "${command.payment.handlerId}"; use "${session.payment.handlerId}".`,
      "$.payment_data.handler_id",
    );
  }
  if (command.payment.provider && command.payment.provider !== "stripe") {
    throw new AcpError(
      400,
      "invalid_request",
      "invalid_payment_provider",
      "Only the stripe provider is accepted.",
      "$.payment_data.provider",
    );
  }
  if (!command.payment.token.startsWith("spt_")) {
    throw new AcpError(
      400,
      "invalid_request",
      "invalid_payment_token",
      "Send a Stripe Shared Payment Token (spt_…).",
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
        message(
          "warning",
          "price_change",
          "The total changed since the last update. Review the session and complete again.",
        ),
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
        "This checkout is being completed; retry shortly.",
        null,
        {
          retryAfterSeconds: 2,
        },
      );
    }
    throw error;
  }
  return { session: await drive(completion), persist: null };
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
  return drive((await prisma.completion.findUnique({ where: { id: completionId } }))!);
}

/** Runs the remaining steps of a completion that this process holds the lease of. */
async function drive(start: Completion): Promise<CheckoutSession> {
  let completion = start;
  const { stripe } = await stripeForShop(completion.shop).catch((error) => {
    if (error instanceof PaymentsNotConfiguredError) {
      throw new AcpError(
        503,
        "service_unavailable",
        "payments_not_configured",
        "The store cannot take payments right now.",
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
          completion = await authorize(stripe, completion);
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

/** Step 1: a PaymentIntent on the merchant's account, authorized only (manual capture). */
async function authorize(stripe: Stripe, completion: Completion): Promise<Completion> {
  const existing = await findPaymentIntent(stripe, completion);
  let intent = existing;
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
  return decline(completion, {
    code: intent.status === "requires_action" ? "requires_3ds" : "payment_declined",
    content:
      intent.status === "requires_action"
        ? "The card issuer asks for authentication, which this store cannot run for agent payments yet."
        : "The payment was not authorized.",
    paymentIntentId: intent.id,
  });
}

/** Step 2: the Shopify order, unpaid. If Shopify refuses it, the authorization is voided. */
async function createOrder(stripe: Stripe, completion: Completion): Promise<Completion> {
  const stored = (await loadSession(completion.shop, completion.sessionId))!;
  const agent = await prisma.agent.findUnique({ where: { id: completion.agentId } });
  const found = await findOrderForSession(completion.shop, completion.sessionId);
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
      created.message,
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
      return failAfterVoid(
        completion,
        "payment_declined",
        "The payment authorization expired before capture.",
      );
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
  reason: { code: CheckoutMessage["code"]; content: string; paymentIntentId?: string },
): Promise<Completion> {
  return reopen(completion, "declined", reason.code, reason.content, reason.paymentIntentId);
}

async function failAfterVoid(completion: Completion, code: CheckoutMessage["code"], content: string) {
  return reopen(completion, "voided", code, content);
}

/** Ends a completion without an order: the session is open again with a message saying why. */
async function reopen(
  completion: Completion,
  step: "declined" | "voided",
  code: CheckoutMessage["code"],
  content: string,
  paymentIntentId?: string,
): Promise<Completion> {
  const stored = (await loadSession(completion.shop, completion.sessionId))!;
  const reopened: CheckoutSession = {
    ...stored.session,
    status: code === "out_of_stock" ? "not_ready_for_payment" : "ready_for_payment",
    messages: [message("error", code, content, { kind: "payment" })],
    updatedAt: new Date().toISOString(),
  };
  const data = {
    step,
    failureCode: code,
    failureMessage: content,
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

/** Token problems Stripe reports as invalid requests: the buyer's payment, not our integration. */
const TOKEN_ERROR_CODES = new Set([
  "amount_too_large",
  "token_already_used",
  "payment_method_unexpected_state",
  "payment_method_currency_mismatch",
  "resource_missing",
  "expired_card",
]);

function declineFromStripeError(error: unknown): { code: CheckoutMessage["code"]; content: string } | null {
  const stripeError = error as { type?: string; code?: string; param?: string; message?: string };
  if (stripeError.type === "StripeCardError") {
    return { code: "payment_declined", content: "The payment was declined. Try another payment method." };
  }
  const aboutToken =
    stripeError.param?.includes("shared_payment_granted_token") ||
    TOKEN_ERROR_CODES.has(stripeError.code ?? "");
  if (stripeError.type === "StripeInvalidRequestError" && aboutToken) {
    return {
      code: "payment_declined",
      content:
        `The payment token cannot be used for this purchase (${stripeError.code ?? "invalid"}): ${stripeError.message ?? ""}`.trim(),
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
  content: string,
  target: CheckoutMessage["target"] = null,
): CheckoutMessage {
  return {
    type,
    code,
    target,
    content,
    contentType: "plain",
    resolution: type === "error" ? "requires_buyer_input" : "recoverable",
  };
}

/** Recovery: drives every completion whose driver disappeared (lease expired). Returns how many. */
export async function recoverStalledCompletions(now = new Date()): Promise<number> {
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
