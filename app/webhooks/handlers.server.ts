import { enqueueJob } from "../jobs/queue.server";
import type { WebhookHandler } from "./receive.server";

/**
 * Topic handlers. Each one only records what happened (rows and queued jobs, in the delivery's
 * transaction); the slow work runs in the job worker after Shopify has its 200.
 */

// Webhook requests can arrive more than once and after the app was uninstalled: delete by shop.
export const onAppUninstalled: WebhookHandler = async ({ tx, shop }) => {
  await tx.session.deleteMany({ where: { shop } });
  await tx.shop.updateMany({ where: { domain: shop }, data: { uninstalledAt: new Date() } });
  await enqueueJob(tx, { kind: "shop.uninstalled", shop, payload: { shop } });
};

export const onScopesUpdate: WebhookHandler = async ({ tx, shop, payload }) => {
  const current = Array.isArray(payload.current) ? payload.current.map(String).join(",") : "";
  await tx.session.updateMany({ where: { shop }, data: { scope: current } });
  await tx.shop.updateMany({ where: { domain: shop }, data: { scopes: current } });
};

/** shop/update: checkout's copy of the shop's name, currencies and countries is read again. */
export const onShopUpdate: WebhookHandler = async ({ tx, shop }) => {
  await tx.shop.updateMany({ where: { domain: shop }, data: { info: null, infoFetchedAt: null } });
};

/** products/create|update|delete: re-read the product later; the payload is not trusted for order. */
export const onProductChange: WebhookHandler = async ({
  tx,
  shop,
  topic,
  payload,
  triggeredAt,
  webhookId,
}) => {
  const productId = gid("Product", payload.admin_graphql_api_id ?? payload.id);
  if (!productId) return;
  await enqueueJob(tx, {
    kind: "catalog.product_changed",
    shop,
    payload: {
      productId,
      deleted: topic === "products/delete",
      updatedAt: stringOrNull(payload.updated_at) ?? triggeredAt?.toISOString() ?? null,
      webhookId,
    },
  });
};

export const onInventoryLevelUpdate: WebhookHandler = async ({
  tx,
  shop,
  payload,
  triggeredAt,
  webhookId,
}) => {
  const inventoryItemId = gid("InventoryItem", payload.inventory_item_id);
  if (!inventoryItemId) return;
  await enqueueJob(tx, {
    kind: "catalog.inventory_changed",
    shop,
    payload: {
      inventoryItemId,
      locationId: gid("Location", payload.location_id),
      available: typeof payload.available === "number" ? payload.available : null,
      updatedAt: stringOrNull(payload.updated_at) ?? triggeredAt?.toISOString() ?? null,
      webhookId,
    },
  });
};

/** orders/updated|cancelled|fulfilled and refunds/create: tell the agent what happened next. */
export const onOrderEvent: WebhookHandler = async ({ tx, shop, topic, payload, webhookId }) => {
  const orderId = gid(
    "Order",
    topic === "refunds/create" ? payload.order_id : (payload.admin_graphql_api_id ?? payload.id),
  );
  if (!orderId) return;
  await enqueueJob(tx, { kind: "orders.shopify_event", shop, payload: { orderId, topic, webhookId } });
};

/** The mandatory privacy topics: recorded now, carried out by the privacy job. */
export const onComplianceRequest: WebhookHandler = async ({ tx, shop, topic, payload, webhookId }) => {
  await enqueueJob(tx, {
    kind: `privacy.${topic.replace("/", ".")}`,
    shop,
    payload: { ...payload, webhookId },
  });
};

function gid(type: string, value: unknown): string | null {
  if (typeof value === "string" && value.startsWith("gid://shopify/")) return value;
  if (typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value))) {
    return `gid://shopify/${type}/${value}`;
  }
  return null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
