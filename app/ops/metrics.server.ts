import { getHeapStatistics } from "node:v8";
import prisma from "../db.server";
import { env } from "../env.server";
import { jobQueueStats } from "../jobs/stats.server";
import { safeEqual } from "../lib/crypto.server";
import { currentRequest } from "./request-context.server";

/**
 * Prometheus text exposition (version 0.0.4) of what this app does. Request counts and latencies
 * are this process's (server.mjs records them); queue and delivery figures are read from the
 * shared database, so every instance reports the same values for them (aggregate with `max`).
 */

/** What server.mjs keeps per process under Symbol.for("acp-shopify.httpStats"). */
interface HttpStats {
  buckets: number[];
  requests: Map<string, number>;
  durations: Map<string, { counts: number[]; sum: number; count: number }>;
}

const HTTP_STATS_KEY = Symbol.for("acp-shopify.httpStats");

/** In-process counters of app events (label values → count), e.g. rate-limit rejections. */
const counters = new Map<string, { help: string; values: Map<string, number> }>();

export function incrementCounter(name: string, help: string, labels: Record<string, string>): void {
  let counter = counters.get(name);
  if (!counter) {
    counter = { help, values: new Map() };
    counters.set(name, counter);
  }
  const key = JSON.stringify(labels);
  counter.values.set(key, (counter.values.get(key) ?? 0) + 1);
}

/**
 * Whether this request may read metrics: with METRICS_TOKEN set, only `Authorization: Bearer
 * <token>`; without it, only a direct connection from this machine (a request a local proxy
 * forwarded carries X-Forwarded-For and is refused, so the proxy cannot expose it by accident).
 */
export function metricsAccess(request: Request): "ok" | "unauthorized" | "forbidden" {
  const token = env().METRICS_TOKEN;
  if (token) {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
    return match && safeEqual(match[1], token) ? "ok" : "unauthorized";
  }
  return currentRequest()?.loopback ? "ok" : "forbidden";
}

export async function renderMetrics(now = new Date()): Promise<string> {
  const out: string[] = [];
  renderHttp(out);
  renderProcess(out);
  for (const [name, counter] of counters) {
    family(out, name, "counter", counter.help);
    for (const [key, value] of counter.values) sample(out, name, JSON.parse(key), value);
  }
  await renderQueue(out, now);
  await renderDeliveries(out);
  return `${out.join("\n")}\n`;
}

/** This process's memory (names as prom-client's defaults), to watch against APP_MAX_HEAP_MB. */
function renderProcess(out: string[]) {
  const heap = getHeapStatistics();
  const gauges: [string, string, number][] = [
    ["process_resident_memory_bytes", "Resident memory of this process.", process.memoryUsage.rss()],
    ["nodejs_heap_size_used_bytes", "V8 heap in use.", heap.used_heap_size],
    ["nodejs_heap_size_total_bytes", "V8 heap reserved.", heap.total_heap_size],
    [
      "nodejs_heap_size_limit_bytes",
      "V8 heap limit (scripts/start-server sets it from APP_MAX_HEAP_MB).",
      heap.heap_size_limit,
    ],
  ];
  for (const [name, help, value] of gauges) {
    family(out, name, "gauge", help);
    sample(out, name, {}, value);
  }
}

function renderHttp(out: string[]) {
  const stats = (globalThis as Record<symbol, unknown>)[HTTP_STATS_KEY] as HttpStats | undefined;
  if (!stats) return;
  family(out, "acp_http_requests_total", "counter", "HTTP requests served by this process.");
  for (const [key, value] of stats.requests) {
    const [method, route, status] = key.split(" ");
    sample(out, "acp_http_requests_total", { method, route, status }, value);
  }
  const name = "acp_http_request_duration_seconds";
  family(out, name, "histogram", "Time from request to the end of the response, by route.");
  for (const [key, histogram] of stats.durations) {
    const [method, route] = key.split(" ");
    stats.buckets.forEach((bound, index) => {
      sample(out, `${name}_bucket`, { method, route, le: String(bound) }, histogram.counts[index]);
    });
    sample(out, `${name}_bucket`, { method, route, le: "+Inf" }, histogram.count);
    sample(out, `${name}_sum`, { method, route }, histogram.sum);
    sample(out, `${name}_count`, { method, route }, histogram.count);
  }
}

async function renderQueue(out: string[], now: Date) {
  const stats = await jobQueueStats(now);
  family(out, "acp_jobs", "gauge", "Jobs in the queue by kind and status (dead = gave up: the dead letter).");
  for (const group of stats.counts) {
    sample(out, "acp_jobs", { kind: group.kind, status: group.status }, group.count);
  }
  family(out, "acp_job_oldest_due_age_seconds", "gauge", "How long the oldest due job has waited.");
  sample(
    out,
    "acp_job_oldest_due_age_seconds",
    {},
    stats.oldestDueAt ? Math.max(0, (now.getTime() - stats.oldestDueAt.getTime()) / 1000) : 0,
  );
}

async function renderDeliveries(out: string[]) {
  const groups = await prisma.agentEvent.groupBy({
    by: ["status"],
    _count: { _all: true },
    _sum: { attempts: true },
  });
  family(out, "acp_agent_events", "gauge", "Order events for agents by delivery status.");
  for (const group of groups) sample(out, "acp_agent_events", { status: group.status }, group._count._all);
  family(out, "acp_agent_event_attempts", "gauge", "Delivery attempts made, by the event's status.");
  for (const group of groups) {
    sample(out, "acp_agent_event_attempts", { status: group.status }, group._sum.attempts ?? 0);
  }
  const failing = await prisma.agentEvent.count({ where: { status: "pending", attempts: { gt: 0 } } });
  family(out, "acp_agent_events_failing", "gauge", "Undelivered events whose last attempt failed.");
  sample(out, "acp_agent_events_failing", {}, failing);
}

function family(out: string[], name: string, type: "counter" | "gauge" | "histogram", help: string) {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

function sample(out: string[], name: string, labels: Record<string, string>, value: number) {
  const pairs = Object.entries(labels).map(([key, raw]) => `${key}="${escapeLabel(raw)}"`);
  out.push(`${name}${pairs.length ? `{${pairs.join(",")}}` : ""} ${formatValue(value)}`);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(6);
}
