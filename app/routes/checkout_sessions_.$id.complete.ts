import type { ActionFunctionArgs } from "@remix-run/node";
import { handleAcpRequest } from "../acp/handler.server";

/** POST /checkout_sessions/{id}/complete — charge the delegated token and create the Shopify order. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  handleAcpRequest({ request, operation: "complete", sessionId: params.id });
