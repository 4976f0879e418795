import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive.server";
import { onAppUninstalled } from "../webhooks/handlers.server";

// Subscribed in shopify.app.toml: app/uninstalled.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, {
    "app/uninstalled": onAppUninstalled,
  });
