import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleAcpRequest } from "../acp/handler.server";

/** GET /carts/{id} — ACP retrieve cart. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  handleAcpRequest({ request, operation: "getCart", sessionId: params.id });

/** PUT /carts/{id} — ACP update cart (full replacement; other methods get 405). */
export const action = ({ request, params }: ActionFunctionArgs) =>
  handleAcpRequest({ request, operation: "updateCart", sessionId: params.id });
