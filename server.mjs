// The production HTTP server: the Remix build behind Express, on HOST:PORT (127.0.0.1:3000 by
// default). Kept small; request handling lives in app/.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { createRequestHandler } from "@remix-run/express";
import express from "express";

const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 3000);
const mode = process.env.NODE_ENV || "production";

// ---------------------------------------------------------------------------------------------
// Request logging, metrics and security headers (docs/decisions/009-privacy-and-operations.md).
// They live here because only Express sees every request (static files included) and the socket.

const LOG_LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };
const logThreshold = LOG_LEVELS[process.env.LOG_LEVEL ?? "info"] ?? LOG_LEVELS.info;
/** Probes and assets would drown the log at info. */
const QUIET_ROUTES = new Set(["/healthz", "/readyz", "/metrics", "/assets/*", "static"]);

/** Shared with app/ops/request-context.server.ts (shop, loopback) and app/ops/metrics.server.ts. */
const requestContext = new AsyncLocalStorage();
globalThis[Symbol.for("acp-shopify.requestContext")] = requestContext;
const httpStats = {
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  /** "method route status" → count */
  requests: new Map(),
  /** "method route" → { counts per bucket, sum, count } */
  durations: new Map(),
};
globalThis[Symbol.for("acp-shopify.httpStats")] = httpStats;

/**
 * Gives every request an id (the caller's Request-Id when it is a sane token, so the ACP handler
 * echoes the same one), then writes one JSON line and the metrics when the response ends. The line
 * holds the route pattern, never the path or query (ids, feed tokens, id_token), no headers, no
 * body and no client address.
 */
function observeRequests(req, res, next) {
  const started = process.hrtime.bigint();
  const offered = req.headers["request-id"] ?? req.headers["x-request-id"];
  const requestId =
    typeof offered === "string" && /^[A-Za-z0-9._:-]{1,200}$/.test(offered) ? offered : `req_${randomUUID()}`;
  req.headers["request-id"] = requestId;
  beforeHead(res, () => {
    if (!res.getHeader("Request-Id")) res.setHeader("Request-Id", requestId);
  });
  const remote = req.socket.remoteAddress ?? null;
  const forwarded = Boolean(
    req.headers["x-forwarded-for"] || req.headers.forwarded || req.headers["x-real-ip"],
  );
  const context = {
    requestId,
    clientAddress: clientAddress(req, remote),
    loopback: !forwarded && isLoopback(remote),
    shop: null,
  };
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = res.headersSent ? res.statusCode : 499; // 499: the client went away first
    const route = routeOf(req.method, req.path, status);
    record(req.method, route, status, seconds);
    const level = status >= 500 ? "error" : QUIET_ROUTES.has(route) ? "debug" : "info";
    if (LOG_LEVELS[level] < logThreshold) return;
    const line = {
      time: new Date().toISOString(),
      level,
      msg: "http.request",
      requestId,
      method: req.method,
      route,
      status,
      durationMs: Math.round(seconds * 10000) / 10,
      shop: context.shop ?? shopHint(req),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  res.once("finish", finish);
  res.once("close", finish);
  requestContext.run(context, next);
}

/**
 * How many proxies in front of us append to X-Forwarded-For (TRUST_PROXY, e.g. 1 behind one load
 * balancer). Unset or 0: the header is ignored, since any client can send it.
 */
const trustedProxyHops = Math.max(0, Math.floor(Number(process.env.TRUST_PROXY || 0)) || 0);

/**
 * The client's address for per-address limits: the TCP peer, or behind `trustedProxyHops`
 * proxies the address the outermost trusted one saw. Each proxy appends its peer to the header, so
 * we count from the right: anything further left was written by the client and proves nothing.
 */
function clientAddress(req, remote) {
  if (trustedProxyHops === 0) return remote;
  const header = req.headers["x-forwarded-for"];
  const chain = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  chain.push(remote);
  return chain[Math.max(0, chain.length - 1 - trustedProxyHops)] ?? remote;
}

function isLoopback(address) {
  return !!address && (address === "::1" || /^(::ffff:)?127\./.test(address));
}

/** Webhooks name their shop in a header and embedded admin documents in the query (unverified here). */
function shopHint(req) {
  const claimed = req.headers["x-shopify-shop-domain"] ?? req.query?.shop;
  return typeof claimed === "string" && /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(claimed) ? claimed : null;
}

/**
 * The route pattern of a path, so metrics stay few and logs carry no ids or tokens. Anything
 * unknown that ends in 404 is one "unmatched" series, whatever scanners try.
 */
const ROUTE_PATTERNS = [
  [/^\/checkout_sessions\/?$/, "/checkout_sessions"],
  [/^\/checkout_sessions\/[^/]+\/?$/, "/checkout_sessions/:id"],
  [/^\/checkout_sessions\/[^/]+\/(complete|cancel)\/?$/, "/checkout_sessions/:id/$1"],
  [/^\/feeds\/[^/]+\/(index\.json|products\.jsonl\.gz|products\.csv\.gz)$/, "/feeds/:token/$1"],
  [/^\/assets\//, "/assets/*"],
];
function routeOf(method, path, status) {
  for (const [pattern, name] of ROUTE_PATTERNS) {
    const match = pattern.exec(path);
    if (match) return name.replace("$1", match[1] ?? "");
  }
  if (status === 404 || status === 405) return "unmatched";
  if (/\.[a-z0-9]+$/i.test(path) && !path.endsWith(".data") && !path.endsWith(".json")) return "static";
  // Admin and auth paths: segments that carry an id (digits, or long tokens) become ":id".
  const data = path.endsWith(".data");
  const segments = (data ? path.slice(0, -5) : path)
    .split("/")
    .map((segment) => (/\d/.test(segment) && segment.length >= 6 ? ":id" : segment));
  return segments.join("/").slice(0, 80) + (data ? ".data" : "");
}

function record(method, route, status, seconds) {
  const requestKey = `${method} ${route} ${status}`;
  httpStats.requests.set(requestKey, (httpStats.requests.get(requestKey) ?? 0) + 1);
  const durationKey = `${method} ${route}`;
  let histogram = httpStats.durations.get(durationKey);
  if (!histogram) {
    histogram = { counts: httpStats.buckets.map(() => 0), sum: 0, count: 0 };
    httpStats.durations.set(durationKey, histogram);
  }
  httpStats.buckets.forEach((bound, index) => {
    if (seconds <= bound) histogram.counts[index] += 1;
  });
  histogram.sum += seconds;
  histogram.count += 1;
}

/**
 * Headers every response gets, set before the app runs so a route may still choose its own, and
 * completed just before the head is written:
 * - embedded admin documents: Shopify's addDocumentResponseHeaders sets `frame-ancestors` for the
 *   shop's admin when the request names the shop; any other HTML page may be framed by the
 *   Shopify admin only (never by another site: clickjacking);
 * - the ACP API: `Cache-Control: no-store` (sessions carry buyer data);
 * - HSTS when the request reached us over https (directly or through the load balancer).
 */
function securityHeaders(req, res, next) {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  const proto = String(req.headers["x-forwarded-proto"] ?? "")
    .split(",")[0]
    .trim();
  if (req.secure || proto === "https") {
    res.setHeader("Strict-Transport-Security", "max-age=31536000");
  }
  beforeHead(res, () => {
    const type = String(res.getHeader("Content-Type") ?? "");
    if (type.startsWith("text/html") && !res.getHeader("Content-Security-Policy")) {
      res.setHeader("Content-Security-Policy", "frame-ancestors https://admin.shopify.com;");
    }
    if (req.path.startsWith("/checkout_sessions") && !res.getHeader("Cache-Control")) {
      res.setHeader("Cache-Control", "no-store");
    }
  });
  next();
}

/** Runs `complete` just before the head is written, when the app has set its own headers. */
function beforeHead(res, complete) {
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    complete();
    return writeHead.apply(this, args);
  };
}

const build = await import("./build/server/index.js");
const app = express();
app.disable("x-powered-by");
app.use(observeRequests, securityHeaders);
// Fingerprinted assets never change; everything else in build/client may.
app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
app.use(express.static("build/client", { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode }));

// Background work (agent webhooks, syncs, completion recovery, purges) is claimed through the
// database, so every instance may run the worker; JOB_WORKER=0 keeps an instance web-only.
// PostgreSQL runs graphile-worker, SQLite the in-process Job table (docs/decisions/012).
const runsJobs = process.env.JOB_WORKER !== "0";
if (runsJobs) {
  await build.entry.module.startJobWorker({
    pollMs: Number(process.env.JOB_POLL_MS || 1000),
    concurrency: Number(process.env.JOB_CONCURRENCY || 2),
  });
} else {
  await build.entry.module.prepareJobQueue();
}

const server = app.listen(port, host, () => {
  console.log(
    JSON.stringify({ level: "info", msg: "server.listening", url: `http://${host}:${port}`, mode }),
  );
});

// SIGTERM (a rolling deploy): stop accepting connections, finish in-flight requests and running
// jobs, then exit. A job still running after the grace period is picked up again by another
// instance (its lock is released when this process's database session ends).
const GRACE_MS = Number(process.env.SHUTDOWN_GRACE_MS || 25_000);
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), GRACE_MS).unref();
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections?.();
    const jobsStopped = runsJobs ? build.entry.module.stopJobWorker() : Promise.resolve();
    Promise.allSettled([closed, jobsStopped]).then(() => process.exit(0));
  });
}
