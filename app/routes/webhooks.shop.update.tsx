import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive.server";
import { onShopUpdate } from "../webhooks/handlers.server";

// Subscribed in shopify.app.toml: shop/update.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, {
    "shop/update": onShopUpdate,
  });
