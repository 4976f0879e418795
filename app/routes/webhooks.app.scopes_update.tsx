import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive.server";
import { onScopesUpdate } from "../webhooks/handlers.server";

// Subscribed in shopify.app.toml: app/scopes_update.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, {
    "app/scopes_update": onScopesUpdate,
  });
