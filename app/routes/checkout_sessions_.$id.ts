import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleAcpRequest } from "../acp/handler.server";

/** GET /checkout_sessions/{id} — ACP retrieve. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  handleAcpRequest({ request, operation: "get", sessionId: params.id });

/** POST /checkout_sessions/{id} — ACP update. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  handleAcpRequest({ request, operation: "update", sessionId: params.id });
