import type { ActionFunctionArgs } from "@remix-run/node";
import { handleAcpRequest } from "../acp/handler.server";

/** POST /carts — ACP create cart (201; API-Version 2026-04-17). */
export const action = ({ request }: ActionFunctionArgs) => handleAcpRequest({ request, operation: "createCart" });
