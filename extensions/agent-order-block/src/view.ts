/**
 * What the order block shows, from the app's answer (GET /api/extensions/order). Pure, so it is
 * tested without the admin (tests/e2e/extensions.test.ts).
 */

export const ORDER_API = "/api/extensions/order";

export interface OrderAgentView {
  order: { id: string; name: string | null; statusUrl: string | null };
  agent: { id: string; name: string; test: boolean };
  session: {
    id: string;
    status: string;
    apiVersion: string;
    currency: string;
    total: number;
    createdAt: string;
    completedAt: string | null;
  };
  timeline: { type: string; fromStatus: string | null; toStatus: string | null; at: string }[];
  events: {
    id: string;
    type: string;
    status: string;
    attempts: number;
    lastStatus: number | null;
    lastError: string | null;
    createdAt: string;
    deliveredAt: string | null;
  }[];
}

export type Tone = "success" | "warning" | "critical" | "info" | "neutral";

export type OrderBlockView =
  | { kind: "error"; message: string }
  | { kind: "not-agent"; message: string }
  | {
      kind: "ready";
      agent: string;
      test: boolean;
      sessionId: string;
      details: { label: string; value: string }[];
      events: { key: string; label: string; tone: Tone; status: string; detail: string | null }[];
    };

export function orderBlockView(status: number, body: unknown): OrderBlockView {
  if (status === 404) return { kind: "not-agent", message: "No AI agent placed this order." };
  if (status !== 200 || !body || typeof body !== "object") {
    const message = (body as { message?: unknown } | null)?.message;
    return {
      kind: "error",
      message: typeof message === "string" ? message : `The app answered HTTP ${status}.`,
    };
  }
  const data = body as OrderAgentView;
  return {
    kind: "ready",
    agent: data.agent.name,
    test: data.agent.test,
    sessionId: data.session.id,
    details: [
      { label: "Checkout session", value: data.session.id },
      { label: "ACP version", value: data.session.apiVersion },
      { label: "Total charged", value: formatMinor(data.session.total, data.session.currency) },
      { label: "Started", value: formatUtc(data.session.createdAt) },
      { label: "Completed", value: data.session.completedAt ? formatUtc(data.session.completedAt) : "—" },
    ],
    events: data.events.map((event) => ({
      key: event.id,
      label: event.type,
      ...eventState(event),
    })),
  };
}

function eventState(event: OrderAgentView["events"][number]): {
  tone: Tone;
  status: string;
  detail: string | null;
} {
  if (event.status === "delivered") {
    return {
      tone: "success",
      status: "Delivered",
      detail: event.deliveredAt
        ? `${formatUtc(event.deliveredAt)}${event.lastStatus ? `, HTTP ${event.lastStatus}` : ""}`
        : null,
    };
  }
  if (event.status === "skipped")
    return { tone: "neutral", status: "Not sent", detail: "The agent has no webhook URL." };
  if (event.status === "pending" && event.attempts > 0) {
    return {
      tone: "critical",
      status: `Retrying (${event.attempts})`,
      detail: event.lastError ?? (event.lastStatus ? `HTTP ${event.lastStatus}` : null),
    };
  }
  if (event.status === "pending") return { tone: "info", status: "Queued", detail: null };
  return { tone: "warning", status: event.status, detail: event.lastError };
}

/** Integer minor units → "$12.50"; currencies without cents (JPY…) come from Intl's own digits. */
export function formatMinor(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  try {
    const format = new Intl.NumberFormat("en-US", { style: "currency", currency: code });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amount / 10 ** digits);
  } catch {
    return `${code} ${amount}`;
  }
}

/** "2026-11-24 14:05 UTC": one fixed zone, as the app's pages show times. */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
