import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import {
  authenticateExtension,
  EligibilityChange,
  extensionJson,
  legacyIdOf,
  productFeedStatus,
  setProductEligibility,
} from "../admin/extensions.server";

/** Feed status of one product for the product page's admin block (extensions/feed-product-block). */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const shop = await authenticateExtension(request);
  const id = legacyIdOf(new URL(request.url).searchParams.get("id"), "Product");
  if (!id)
    return extensionJson(
      request,
      { error: "invalid_request", message: "Pass ?id=gid://shopify/Product/<id>." },
      400,
    );
  const status = await productFeedStatus(shop, id);
  if (!status)
    return extensionJson(request, { error: "not_found", message: "This product is not in the feed." }, 404);
  return extensionJson(request, status);
};

/** Sets or clears the product's search / checkout eligibility override (JSON body). */
export const action = async ({ request }: ActionFunctionArgs) => {
  const shop = await authenticateExtension(request);
  if (request.method !== "POST") return extensionJson(request, { error: "method_not_allowed" }, 405);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return extensionJson(request, { error: "invalid_request", message: "The body must be JSON." }, 400);
  }
  const parsed = EligibilityChange.safeParse(body);
  const id = parsed.success ? legacyIdOf(parsed.data.id, "Product") : null;
  if (!parsed.success || !id) {
    return extensionJson(
      request,
      {
        error: "invalid_request",
        message:
          "Send {id, isEligibleSearch, isEligibleCheckout}; each flag true, false or null (shop default).",
      },
      400,
    );
  }
  if (!(await productFeedStatus(shop, id))) {
    return extensionJson(request, { error: "not_found", message: "This product is not in the feed." }, 404);
  }
  await setProductEligibility(shop, id, parsed.data);
  return extensionJson(request, { ...(await productFeedStatus(shop, id)), syncQueued: true });
};
