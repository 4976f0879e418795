import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive.server";
import { onProductChange } from "../webhooks/handlers.server";

// Subscribed in shopify.app.toml: products/create, products/update, products/delete.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, {
    "products/create": onProductChange,
    "products/update": onProductChange,
    "products/delete": onProductChange,
  });
