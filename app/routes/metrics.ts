import { metricsAccess, renderMetrics } from "../ops/metrics.server";

/** GET /metrics — Prometheus text format; bearer METRICS_TOKEN, or loopback when none is set. */
export const loader = async ({ request }: { request: Request }) => {
  const access = metricsAccess(request);
  if (access !== "ok") {
    return new Response(null, {
      status: access === "unauthorized" ? 401 : 403,
      headers: access === "unauthorized" ? { "WWW-Authenticate": 'Bearer realm="metrics"' } : {},
    });
  }
  return new Response(await renderMetrics(), {
    headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" },
  });
};
