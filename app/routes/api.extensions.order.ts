import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateExtension, extensionJson, legacyIdOf, orderAgentView } from "../admin/extensions.server";

/** The agent, checkout session and events behind an order, for the order page's admin block. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const shop = await authenticateExtension(request);
  const id = legacyIdOf(new URL(request.url).searchParams.get("id"), "Order");
  if (!id)
    return extensionJson(
      request,
      { error: "invalid_request", message: "Pass ?id=gid://shopify/Order/<id>." },
      400,
    );
  const view = await orderAgentView(shop, id);
  if (!view) {
    return extensionJson(
      request,
      { error: "not_found", message: "No agent checkout created this order." },
      404,
    );
  }
  return extensionJson(request, view);
};

/** Only the CORS preflight (answered by `authenticate.admin`); the block only reads. */
export const action = async ({ request }: LoaderFunctionArgs) => {
  await authenticateExtension(request);
  return extensionJson(request, { error: "method_not_allowed" }, 405);
};
