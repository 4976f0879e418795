import type { Agent, Prisma } from "@prisma/client";
import prisma from "../db.server";
import { AcpError, sessionNotFound } from "../acp/errors";
import { localized } from "../i18n/catalog";
import { newId } from "../lib/ids";
import { buildSession, classifyLines } from "./build";
import type { FeeRuleInput } from "./fees";
import { StoreUnavailableError, type Quote, type StoreGateway } from "./gateway";
import type {
  CancelCommand,
  CheckoutSession,
  CreateCommand,
  FulfillmentDetails,
  RequestedLine,
  UpdateCommand,
} from "./model";
import { loadSession, insertSession, saveSession, type StoredSession } from "./sessions.server";

export interface CheckoutContext {
  shop: string;
  agent: Agent;
  apiVersion: string;
  gateway: StoreGateway;
  now: Date;
}

/** A change ready to commit: the new state and how to write it (inside the idempotency transaction). */
export interface CheckoutOutcome {
  session: CheckoutSession;
  persist: ((tx: Prisma.TransactionClient) => Promise<void>) | null;
}

const FINAL_STATUSES = new Set(["completed", "canceled", "expired"]);
/** Interventions this server can carry out (3DS through the PSP's handler). */
const SUPPORTED_INTERVENTIONS = ["3ds"];

/** The item ids agents get from our feed are variant ids; GIDs are accepted too. */
export function variantIdFor(itemId: string): string | null {
  if (/^gid:\/\/shopify\/ProductVariant\/\d+$/.test(itemId)) return itemId;
  const numeric = /^(?:shopify[-_:])?(\d{1,20})$/i.exec(itemId);
  return numeric ? `gid://shopify/ProductVariant/${numeric[1]}` : null;
}

export async function createCheckout(
  context: CheckoutContext,
  command: CreateCommand,
): Promise<CheckoutOutcome> {
  const settings = await shopSettings(context.shop);
  const info = await context.gateway.shopInfo(context.shop);
  const currency = (command.currency ?? info.currency).toLowerCase();
  if (!info.presentmentCurrencies.includes(currency) && currency !== info.currency) {
    throw new AcpError(
      400,
      "invalid_request",
      "unsupported_currency",
      localized("error.unsupported_currency", {
        currency: currency.toUpperCase(),
        supported: [info.currency, ...info.presentmentCurrencies]
          .filter((value, index, all) => all.indexOf(value) === index)
          .map((value) => value.toUpperCase())
          .join(", "),
      }),
      "$.currency",
    );
  }
  const nowIso = context.now.toISOString();
  const base = {
    id: newId("cs"),
    shop: context.shop,
    agentId: context.agent.id,
    currency,
    locale: command.locale,
    links: info.links,
    payment: settings.stripeAccountId
      ? { provider: "stripe" as const, merchantId: settings.stripeAccountId, handlerId: "stripe_spt" }
      : null,
    interventions: command.agentInterventions
      ? SUPPORTED_INTERVENTIONS.filter((value) => command.agentInterventions!.includes(value))
      : [],
    metadata: command.metadata,
    createdAt: nowIso,
    expiresAt: new Date(context.now.getTime() + settings.sessionTtlMinutes * 60_000).toISOString(),
  };
  const session = await price(context, {
    base,
    previousLines: [],
    requestedLines: command.lines,
    buyer: command.buyer,
    fulfillmentDetails: command.fulfillmentDetails,
    selectedFulfillmentOptionId: command.selectedFulfillmentOptionIds?.[0] ?? null,
    discountCodes: command.discountCodes ?? [],
    status: null,
    shipsToCountries: info.shipsToCountries,
    settings,
  });
  return { session, persist: (tx) => insertSession(tx, session, context.apiVersion) };
}

export async function updateCheckout(
  context: CheckoutContext,
  id: string,
  command: UpdateCommand,
): Promise<CheckoutOutcome> {
  const stored = await requireOpenSession(context, id);
  if (!stored.open) return { session: stored.current.session, persist: stored.persist };
  const previous = stored.current.session;
  const settings = await shopSettings(context.shop);
  const info = await context.gateway.shopInfo(context.shop);
  const fulfillmentDetails: FulfillmentDetails | null =
    command.fulfillmentDetails === undefined ? previous.fulfillmentDetails : command.fulfillmentDetails;
  const session = await price(context, {
    base: { ...previous, links: info.links },
    previousLines: previous.lines,
    requestedLines:
      command.lines ?? previous.lines.map((line) => ({ itemId: line.itemId, quantity: line.quantity })),
    buyer: command.buyer === undefined ? previous.buyer : command.buyer,
    fulfillmentDetails,
    selectedFulfillmentOptionId:
      command.selectedFulfillmentOptionIds === undefined
        ? previous.selectedFulfillmentOptionId
        : (command.selectedFulfillmentOptionIds?.[0] ?? null),
    discountCodes:
      command.discountCodes === undefined ? previous.discounts.codes : (command.discountCodes ?? []),
    status: previous.status,
    shipsToCountries: info.shipsToCountries,
    settings,
  });
  return { session, persist: (tx) => saveSession(tx, session, stored.current) };
}

export async function getCheckout(context: CheckoutContext, id: string): Promise<CheckoutOutcome> {
  const stored = await loadSession(context.shop, id);
  if (!stored) throw sessionNotFound(id);
  return expireIfDue(context.now, stored) ?? { session: stored.session, persist: null };
}

export async function cancelCheckout(
  context: CheckoutContext,
  id: string,
  command: CancelCommand,
): Promise<CheckoutOutcome> {
  const stored = await loadSession(context.shop, id);
  if (!stored) throw sessionNotFound(id);
  const { status } = stored.session;
  if (status === "completed" || status === "canceled") {
    throw new AcpError(
      405,
      "invalid_request",
      "invalid_state",
      localized("error.session_already_final", { id, status }),
      null,
      {
        allow: "GET",
      },
    );
  }
  const session: CheckoutSession = {
    ...stored.session,
    status: "canceled",
    messages: [],
    updatedAt: context.now.toISOString(),
  };
  const trace = command.intentTrace;
  return {
    session,
    persist: (tx) =>
      saveSession(
        tx,
        session,
        stored,
        {
          canceledAt: context.now,
          cancelReason: trace?.reasonCode ?? null,
          cancelTrace: trace ? JSON.stringify(trace) : null,
        },
        "canceled",
        trace?.reasonCode ?? null,
      ),
  };
}

/** A session that can still change, or the expired state to answer with. */
async function requireOpenSession(context: CheckoutContext, id: string) {
  const current = await loadSession(context.shop, id);
  if (!current) throw sessionNotFound(id);
  const expired = expireIfDue(context.now, current);
  if (expired) return { open: false as const, current, persist: expired.persist };
  // While 3DS is pending the authorization is for exactly this cart: it cannot change under it.
  if (
    FINAL_STATUSES.has(current.session.status) ||
    current.session.status === "complete_in_progress" ||
    current.session.status === "authentication_required"
  ) {
    throw new AcpError(
      400,
      "invalid_request",
      "invalid_state",
      localized("error.session_not_updatable", { id, status: current.session.status }),
    );
  }
  return { open: true as const, current, persist: null };
}

/** The expired state of a session past its `expiresAt` that is still open, or null. */
export function expireIfDue(now: Date, stored: StoredSession): CheckoutOutcome | null {
  const { session } = stored;
  const open = session.status === "not_ready_for_payment" || session.status === "ready_for_payment";
  if (!open || new Date(session.expiresAt) > now) return null;
  const expired: CheckoutSession = {
    ...session,
    status: "expired",
    messages: [
      {
        type: "error",
        code: "expired",
        target: null,
        text: localized("session.expired"),
        contentType: "plain",
        resolution: "requires_buyer_review",
      },
    ],
    updatedAt: now.toISOString(),
  };
  return { session: expired, persist: (tx) => saveSession(tx, expired, stored, {}, "expired") };
}

interface PriceInput {
  base: Parameters<typeof buildSession>[0]["base"];
  previousLines: CheckoutSession["lines"];
  requestedLines: RequestedLine[];
  buyer: CheckoutSession["buyer"];
  fulfillmentDetails: FulfillmentDetails | null;
  selectedFulfillmentOptionId: string | null;
  discountCodes: string[];
  status: CheckoutSession["status"] | null;
  shipsToCountries: string[];
  settings: Awaited<ReturnType<typeof shopSettings>>;
}

/** Asks the store for the current facts and prices and rebuilds the session from them. */
async function price(context: CheckoutContext, input: PriceInput): Promise<CheckoutSession> {
  const variantIds = [
    ...new Set(
      input.requestedLines.map((line) => variantIdFor(line.itemId)).filter((id): id is string => !!id),
    ),
  ];
  const facts = await context.gateway.lookupVariants(context.shop, variantIds);
  const { priceable } = classifyLines({
    requestedLines: input.requestedLines,
    variantIdFor,
    facts,
    maxQuantityPerLine: input.settings.maxQuantityPerLine,
  });
  const address = input.fulfillmentDetails?.address ?? null;
  const shippable = address && input.shipsToCountries.includes(address.country) ? address : null;
  let quote: Quote | null = null;
  if (priceable.length > 0) {
    const request = {
      currency: input.base.currency,
      lines: priceable.map((line) => ({ variantId: line.variantId, quantity: line.quantity })),
      address: shippable,
      email: input.buyer?.email ?? input.fulfillmentDetails?.email ?? null,
      shippingRateHandle:
        shippable && input.selectedFulfillmentOptionId !== "digital"
          ? input.selectedFulfillmentOptionId
          : null,
      discountCodes: input.discountCodes,
    };
    try {
      quote = await context.gateway.quote(context.shop, request);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      // Shopify refused the combination (e.g. a stale rate handle): price without the choice.
      if (!request.shippingRateHandle) throw error;
      quote = await context.gateway.quote(context.shop, { ...request, shippingRateHandle: null });
    }
  }
  const built = buildSession({
    base: input.base,
    previousLines: input.previousLines,
    requestedLines: input.requestedLines,
    variantIdFor,
    facts,
    quote,
    buyer: input.buyer,
    fulfillmentDetails: input.fulfillmentDetails,
    selectedFulfillmentOptionId: input.selectedFulfillmentOptionId,
    discountCodes: input.discountCodes,
    fees: input.settings.fees,
    maxQuantityPerLine: input.settings.maxQuantityPerLine,
    shipsToCountries: input.shipsToCountries,
    newLineId: () => newId("li"),
    now: context.now.toISOString(),
  });
  const { ready, ...session } = built;
  return {
    ...session,
    status: ready ? "ready_for_payment" : "not_ready_for_payment",
    order: null,
    updatedAt: context.now.toISOString(),
  };
}

async function shopSettings(shop: string) {
  const [settings, rules] = await Promise.all([
    prisma.shopSettings.findUnique({ where: { shop } }),
    prisma.feeRule.findMany({ where: { shop, active: true }, orderBy: { position: "asc" } }),
  ]);
  const fees: FeeRuleInput[] = rules.map((rule) => ({
    label: rule.label,
    description: rule.description,
    kind: rule.kind === "percentage" ? "percentage" : "fixed",
    fixedAmount: rule.fixedAmount,
    basisPoints: rule.basisPoints,
    minAmount: rule.minAmount,
    maxAmount: rule.maxAmount,
    currency: rule.currency,
    agentIds: rule.agentIds ? (JSON.parse(rule.agentIds) as string[]) : null,
    countries: rule.countries ? (JSON.parse(rule.countries) as string[]) : null,
  }));
  return {
    sessionTtlMinutes: settings?.sessionTtlMinutes ?? 360,
    maxQuantityPerLine: settings?.maxQuantityPerLine ?? 50,
    stripeAccountId: settings?.stripeAccountId ?? null,
    fees,
  };
}
