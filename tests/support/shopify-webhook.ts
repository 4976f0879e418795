import { createHmac, randomUUID } from "node:crypto";

/** Signs and sends a webhook the way Shopify does (HMAC-SHA256, base64, over the raw body). */
export async function sendShopifyWebhook(
  appUrl: string,
  options: {
    path: string;
    topic: string;
    shop: string;
    payload: unknown;
    secret: string;
    webhookId?: string;
    hmac?: string | null;
  },
): Promise<Response> {
  const body = JSON.stringify(options.payload);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": options.topic,
    "X-Shopify-Shop-Domain": options.shop,
    "X-Shopify-API-Version": "2026-04",
    "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
  const hmac =
    options.hmac === undefined
      ? createHmac("sha256", options.secret).update(body).digest("base64")
      : options.hmac;
  if (hmac !== null) headers["X-Shopify-Hmac-Sha256"] = hmac;
  return fetch(new URL(options.path, appUrl), { method: "POST", headers, body });
}
