import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../webhooks/receive.server";
import { onComplianceRequest } from "../webhooks/handlers.server";

// Subscribed in shopify.app.toml: the mandatory compliance topics.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, {
    "customers/data_request": onComplianceRequest,
    "customers/redact": onComplianceRequest,
    "shop/redact": onComplianceRequest,
  });
