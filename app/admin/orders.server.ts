import prisma from "../db.server";
import type { CheckoutSession as SessionState } from "../checkout/model";
import { isTestAgentId } from "./test-agent";

/**
 * The Orders page: agent orders with the events sent for them, the checkout funnel per agent and
 * revenue net of the agent platforms' fees, for one period. Every query is scoped by `shop`.
 */

export const PERIODS = { "7d": 7, "30d": 30, "90d": 90, all: null } as const;
export type Period = keyof typeof PERIODS;

export function parsePeriod(value: string | null): Period {
  return value && value in PERIODS ? (value as Period) : "30d";
}

/** The fields of an `AgentEvent` that `OrderEventView` shows. */
export const ORDER_EVENT_FIELDS = {
  id: true,
  type: true,
  status: true,
  attempts: true,
  lastStatus: true,
  lastError: true,
  createdAt: true,
  deliveredAt: true,
} as const;

export interface OrderEventView {
  id: string;
  type: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface OrderRow {
  sessionId: string;
  agentId: string;
  agentName: string;
  /** Placed by the admin's test purchase, not by a real agent. */
  test: boolean;
  status: string;
  step: string | null;
  createdAt: string;
  completedAt: string | null;
  currency: string;
  total: number;
  fees: number;
  orderName: string | null;
  /** Numeric id for the Shopify admin link (`shopify://admin/orders/<id>`). */
  orderLegacyId: string | null;
  events: OrderEventView[];
}

export interface FunnelRow {
  agentId: string;
  agentName: string;
  test: boolean;
  created: number;
  readyForPayment: number;
  completed: number;
  canceled: number;
  cancelReasons: { reason: string; count: number }[];
}

export interface RevenueSummary {
  currency: string;
  orders: number;
  gross: number;
  /** Fee lines buyers paid (merchant fees, part of gross). */
  buyerFees: number;
  /** What the agent platforms take, at each agent's rate. */
  platformFees: number;
  net: number;
  byDay: { date: string; gross: number; net: number }[];
}

export interface OrdersOverview {
  period: Period;
  agentId: string | null;
  agents: { id: string; name: string }[];
  orders: OrderRow[];
  funnel: FunnelRow[];
  revenue: RevenueSummary[];
}

const ORDER_LIST_LIMIT = 50;
/** Statuses a session passes through on its way to payment; reaching any counts as "ready". */
const READY_OR_LATER = ["ready_for_payment", "authentication_required", "complete_in_progress", "completed"];

export async function ordersOverview(
  shop: string,
  options: { period: Period; agentId: string | null },
  now = new Date(),
): Promise<OrdersOverview> {
  const days = PERIODS[options.period];
  const since = days === null ? new Date(0) : new Date(now.getTime() - days * 86_400_000);
  const agents = await prisma.agent.findMany({
    where: { shop },
    orderBy: { createdAt: "asc" },
    select: { id: true, name: true, platformFeeBasisPoints: true, deletedAt: true },
  });
  const agentId = agents.some((agent) => agent.id === options.agentId) ? options.agentId : null;
  const agentFilter = agentId ? { agentId } : {};
  const agentName = (id: string) => agents.find((agent) => agent.id === id)?.name ?? id;

  const [cohort, orderSessions] = await Promise.all([
    prisma.checkoutSession.findMany({
      where: { shop, createdAt: { gte: since }, ...agentFilter },
      select: { id: true, agentId: true, status: true, cancelReason: true },
    }),
    prisma.checkoutSession.findMany({
      where: {
        shop,
        ...agentFilter,
        OR: [
          { status: "completed", completedAt: { gte: since } },
          { status: "complete_in_progress", updatedAt: { gte: since } },
        ],
      },
      orderBy: [{ completedAt: "desc" }, { updatedAt: "desc" }],
      select: {
        id: true,
        agentId: true,
        status: true,
        state: true,
        createdAt: true,
        completedAt: true,
        currency: true,
      },
    }),
  ]);

  const readyEvents = await prisma.checkoutEvent.findMany({
    where: { shop, toStatus: { in: READY_OR_LATER }, at: { gte: since }, ...agentFilter },
    distinct: ["sessionId"],
    select: { sessionId: true },
  });
  const reachedReady = new Set(readyEvents.map((event) => event.sessionId));

  const funnel = new Map<string, FunnelRow>();
  for (const session of cohort) {
    let row = funnel.get(session.agentId);
    if (!row) {
      row = {
        agentId: session.agentId,
        agentName: agentName(session.agentId),
        test: isTestAgentId(session.agentId),
        created: 0,
        readyForPayment: 0,
        completed: 0,
        canceled: 0,
        cancelReasons: [],
      };
      funnel.set(session.agentId, row);
    }
    row.created += 1;
    if (reachedReady.has(session.id) || READY_OR_LATER.includes(session.status)) row.readyForPayment += 1;
    if (session.status === "completed") row.completed += 1;
    if (session.status === "canceled") {
      row.canceled += 1;
      const reason = session.cancelReason ?? "no reason given";
      const entry = row.cancelReasons.find((candidate) => candidate.reason === reason);
      if (entry) entry.count += 1;
      else row.cancelReasons.push({ reason, count: 1 });
    }
  }
  for (const row of funnel.values()) row.cancelReasons.sort((a, b) => b.count - a.count);

  const rateOf = (id: string) => agents.find((agent) => agent.id === id)?.platformFeeBasisPoints ?? 0;
  const revenue = new Map<string, RevenueSummary>();
  const parsed = orderSessions.map((session) => {
    const state = JSON.parse(session.state) as SessionState;
    return {
      session,
      total: state.totals.total,
      fees: state.totals.fees.reduce((sum, fee) => sum + fee.amount, 0),
    };
  });
  for (const { session, total, fees } of parsed) {
    if (session.status !== "completed" || !session.completedAt) continue;
    let summary = revenue.get(session.currency);
    if (!summary) {
      summary = {
        currency: session.currency,
        orders: 0,
        gross: 0,
        buyerFees: 0,
        platformFees: 0,
        net: 0,
        byDay: [],
      };
      revenue.set(session.currency, summary);
    }
    // Integer minor units, rounded half up per order as a platform would invoice it.
    const platformFee = Math.floor((total * rateOf(session.agentId) + 5000) / 10000);
    summary.orders += 1;
    summary.gross += total;
    summary.buyerFees += fees;
    summary.platformFees += platformFee;
    summary.net += total - platformFee;
    const date = session.completedAt.toISOString().slice(0, 10);
    let day = summary.byDay.find((candidate) => candidate.date === date);
    if (!day) {
      day = { date, gross: 0, net: 0 };
      summary.byDay.push(day);
    }
    day.gross += total;
    day.net += total - platformFee;
  }
  for (const summary of revenue.values()) summary.byDay.sort((a, b) => a.date.localeCompare(b.date));

  const listed = parsed.slice(0, ORDER_LIST_LIMIT);
  const ids = listed.map(({ session }) => session.id);
  const [events, completions] = await Promise.all([
    prisma.agentEvent.findMany({
      where: { shop, sessionId: { in: ids } },
      orderBy: { createdAt: "asc" },
      select: { ...ORDER_EVENT_FIELDS, sessionId: true },
    }),
    prisma.completion.findMany({
      where: { shop, sessionId: { in: ids } },
      select: { sessionId: true, step: true, shopifyOrderId: true, shopifyOrderName: true },
    }),
  ]);

  const orders: OrderRow[] = listed.map(({ session, total, fees }) => {
    const completion = completions.find((candidate) => candidate.sessionId === session.id);
    return {
      sessionId: session.id,
      agentId: session.agentId,
      agentName: agentName(session.agentId),
      test: isTestAgentId(session.agentId),
      status: session.status,
      step: completion?.step ?? null,
      createdAt: session.createdAt.toISOString(),
      completedAt: session.completedAt?.toISOString() ?? null,
      currency: session.currency,
      total,
      fees,
      orderName: completion?.shopifyOrderName ?? null,
      orderLegacyId: completion?.shopifyOrderId?.split("/").pop() ?? null,
      events: events
        .filter((event) => event.sessionId === session.id)
        .map((event) => ({
          id: event.id,
          type: event.type,
          status: event.status,
          attempts: event.attempts,
          lastStatus: event.lastStatus,
          lastError: event.lastError,
          createdAt: event.createdAt.toISOString(),
          deliveredAt: event.deliveredAt?.toISOString() ?? null,
        })),
    };
  });

  return {
    period: options.period,
    agentId,
    agents: agents.filter((agent) => !agent.deletedAt).map(({ id, name }) => ({ id, name })),
    orders,
    funnel: [...funnel.values()].sort((a, b) => b.created - a.created),
    revenue: [...revenue.values()],
  };
}
