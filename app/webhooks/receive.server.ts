import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import { authenticate } from "../shopify.server";

type WebhookContext = Awaited<ReturnType<typeof authenticate.webhook>>;

/** What a topic handler gets: the verified webhook and the transaction its effects belong to. */
export interface WebhookDelivery {
  topic: string;
  shop: string;
  webhookId: string;
  payload: Record<string, unknown>;
  triggeredAt: Date | null;
  tx: Prisma.TransactionClient;
  context: WebhookContext;
}

export type WebhookHandler = (delivery: WebhookDelivery) => Promise<void>;

const HMAC_HEADERS = ["x-shopify-hmac-sha256", "shopify-hmac-sha256"];

/**
 * Verifies, de-duplicates and dispatches one Shopify webhook delivery.
 * - The HMAC over the raw body is checked by `authenticate.webhook`; a missing signature is
 *   answered 401 too (Shopify's compliance checks expect 401 for anything unsigned).
 * - The receipt (unique per shop + webhook id) and the handler's effects share one transaction, so
 *   a redelivery is a no-op and a failed handler leaves no receipt and gets redelivered.
 * - Handlers only write rows and enqueue jobs: Shopify wants an answer within seconds.
 */
export async function receiveWebhook(
  request: Request,
  handlers: Record<string, WebhookHandler>,
): Promise<Response> {
  if (request.method !== "POST") {
    return new Response(null, { status: 405, headers: { Allow: "POST" } });
  }
  if (!HMAC_HEADERS.some((name) => request.headers.get(name))) {
    return new Response(null, { status: 401 });
  }
  const topic = (
    request.headers.get("x-shopify-topic") ??
    request.headers.get("shopify-topic") ??
    ""
  ).toLowerCase();
  const context = await authenticate.webhook(request);
  const handler = handlers[topic];
  if (!handler) {
    // Subscribed at this URI by mistake: acknowledge so Shopify does not retry forever.
    console.warn(JSON.stringify({ msg: "webhook.unhandled_topic", topic, shop: context.shop }));
    return new Response(null, { status: 200 });
  }
  const triggeredAt = parseDate(
    request.headers.get("x-shopify-triggered-at") ?? request.headers.get("shopify-triggered-at"),
  );
  const eventId = request.headers.get("x-shopify-event-id") ?? request.headers.get("shopify-event-id");

  try {
    await prisma.$transaction(async (tx) => {
      // Throws a unique violation when this delivery was already accepted.
      await tx.webhookReceipt.create({
        data: { shop: context.shop, webhookId: context.webhookId, topic, eventId, triggeredAt },
      });
      await handler({
        topic,
        shop: context.shop,
        webhookId: context.webhookId,
        payload: (context.payload ?? {}) as Record<string, unknown>,
        triggeredAt,
        tx,
        context,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      return new Response(null, { status: 200, headers: { "X-Webhook-Duplicate": "1" } });
    }
    throw error;
  }
  return new Response(null, { status: 200 });
}

function parseDate(value: string | null): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
