import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive.server";
import { onInventoryLevelUpdate } from "../webhooks/handlers.server";

// Subscribed in shopify.app.toml: inventory_levels/update.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, {
    "inventory_levels/update": onInventoryLevelUpdate,
  });
