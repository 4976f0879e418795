import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive.server";
import { onOrderEvent } from "../webhooks/handlers.server";

// Subscribed in shopify.app.toml: orders/updated, orders/cancelled, orders/fulfilled, refunds/create.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, {
    "orders/updated": onOrderEvent,
    "orders/cancelled": onOrderEvent,
    "orders/fulfilled": onOrderEvent,
    "refunds/create": onOrderEvent,
  });
