import type { ActionFunctionArgs } from "@remix-run/node";
import { handleAcpRequest } from "../acp/handler.server";

/** POST /carts/{id}/cancel — ACP cancel cart: the cart as it was, then later operations are 404. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  handleAcpRequest({ request, operation: "cancelCart", sessionId: params.id });
