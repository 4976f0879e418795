import { checkReadiness } from "../ops/readiness.server";

/** Readiness: the database and the job queue answer. A load balancer takes the instance out while not. */
export const loader = async () => {
  const { ready, body } = await checkReadiness();
  return Response.json(body, { status: ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
};
