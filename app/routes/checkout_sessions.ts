import type { ActionFunctionArgs } from "@remix-run/node";
import { handleAcpRequest } from "../acp/handler.server";

/** POST /checkout_sessions — ACP create (201). */
export const action = ({ request }: ActionFunctionArgs) => handleAcpRequest({ request, operation: "create" });
