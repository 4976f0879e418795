import type { ActionFunctionArgs } from "@remix-run/node";
import { handleAcpRequest } from "../acp/handler.server";

/** POST /checkout_sessions/{id}/cancel — ACP cancel (optional intent_trace body; 405 when final). */
export const action = ({ request, params }: ActionFunctionArgs) =>
  handleAcpRequest({ request, operation: "cancel", sessionId: params.id });
