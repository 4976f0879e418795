import { z } from "zod";
import prisma from "../db.server";
import { authenticate } from "../shopify.server";
// The blocks' own declarations of what these endpoints answer: one contract for both sides.
import type { OrderAgentView } from "../../extensions/agent-order-block/src/view";
import type { ProductFeedStatus } from "../../extensions/feed-product-block/src/view";

type ProductFeedItem = ProductFeedStatus["items"][number];
import { loadRules, storedProblems, storedRowTitle } from "../catalog/feed-store.server";
import { resolveEligibility } from "../catalog/rules";
import { updateFeedRules } from "../catalog/sync.server";
import type { CheckoutSession as SessionState } from "../checkout/model";
import { ORDER_EVENT_FIELDS } from "./orders.server";
import { isTestAgentId } from "./test-agent";

/**
 * The backends of the app's admin UI extensions (extensions/*): the product page's feed block and
 * the order page's agent block. Shopify's admin adds `Authorization: Bearer <session token>` to the
 * extensions' fetches; `authenticate.admin` validates it and every query is scoped by its shop, so
 * another shop's product or order is simply not found (404).
 */

/** Same headers the library's `cors` helper sets, also on our own 401 and 404 answers. */
function corsHeaders(request: Request): Record<string, string> {
  const origin = request.headers.get("Origin");
  return origin
    ? {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Expose-Headers": "X-Shopify-API-Request-Failure-Reauthorize-Url",
      }
    : {};
}

export function extensionJson(request: Request, body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...corsHeaders(request) },
  });
}

/**
 * The shop of the session token. A request without one gets 401 here: the library would treat it
 * as a document load and redirect to the login page, which an extension's fetch cannot follow.
 * Preflights (OPTIONS) and bad tokens are answered by the library, with CORS headers.
 */
export async function authenticateExtension(request: Request): Promise<string> {
  if (request.method !== "OPTIONS" && !/^Bearer\s+\S+/i.test(request.headers.get("Authorization") ?? "")) {
    throw extensionJson(request, { error: "unauthorized", message: "A session token is required." }, 401);
  }
  const { session } = await authenticate.admin(request);
  return session.shop;
}

/** `gid://shopify/Product/123` or `123` → `123`; null for anything else. */
export function legacyIdOf(id: string | null, type: "Product" | "Order"): string | null {
  if (!id) return null;
  const match = new RegExp(`^(?:gid://shopify/${type}/)?(\\d{1,20})$`).exec(id.trim());
  return match ? match[1] : null;
}

/** The product's feed rows in this shop, or null when the feed has none (not synced, or not this shop's). */
export async function productFeedStatus(shop: string, legacyId: string): Promise<ProductFeedStatus | null> {
  const rows = await prisma.feedItem.findMany({
    where: { shop, productId: legacyId },
    orderBy: [{ itemId: "asc" }, { market: "asc" }],
    select: { itemId: true, market: true, status: true, problems: true, row: true },
  });
  if (rows.length === 0) return null;
  const rules = await loadRules(shop);
  const items = new Map<string, ProductFeedItem>();
  for (const row of rows) {
    const existing = items.get(row.itemId);
    if (existing) {
      existing.markets.push(row.market);
      // An item is as good as its worst market.
      if (row.status === "invalid" && existing.status === "valid") existing.status = "invalid";
      for (const problem of storedProblems(row.problems)) {
        if (
          !existing.problems.some((known) => known.code === problem.code && known.field === problem.field)
        ) {
          existing.problems.push(problem);
        }
      }
      continue;
    }
    items.set(row.itemId, {
      itemId: row.itemId,
      title: storedRowTitle(row.row),
      markets: [row.market],
      status: row.status === "excluded" ? "excluded" : row.status === "invalid" ? "invalid" : "valid",
      problems: storedProblems(row.problems),
    });
  }
  const list = [...items.values()];
  const override =
    rules.productOverrides[legacyId] ?? rules.productOverrides[`gid://shopify/Product/${legacyId}`];
  return {
    productId: `gid://shopify/Product/${legacyId}`,
    counts: {
      valid: list.filter((item) => item.status === "valid").length,
      invalid: list.filter((item) => item.status === "invalid").length,
      excluded: list.filter((item) => item.status === "excluded").length,
    },
    items: list,
    eligibility: {
      ...resolveEligibility({ id: `gid://shopify/Product/${legacyId}` }, rules),
      override: override ?? null,
      defaults: rules.defaults,
    },
  };
}

/** `null` follows the shop's default; a boolean overrides it for this product. */
export const EligibilityChange = z
  .object({
    id: z.string(),
    isEligibleSearch: z.boolean().nullable(),
    isEligibleCheckout: z.boolean().nullable(),
  })
  .strict();

/**
 * Stores the product's override in the feed rules (the catalog's `productOverrides`, keyed by the
 * numeric id) and queues the sync that applies it, as the rules' own update does.
 */
export async function setProductEligibility(
  shop: string,
  legacyId: string,
  change: { isEligibleSearch: boolean | null; isEligibleCheckout: boolean | null },
): Promise<void> {
  const rules = await loadRules(shop);
  const overrides = { ...rules.productOverrides };
  delete overrides[`gid://shopify/Product/${legacyId}`];
  const next: { isEligibleSearch?: boolean; isEligibleCheckout?: boolean } = {};
  if (change.isEligibleSearch !== null) next.isEligibleSearch = change.isEligibleSearch;
  if (change.isEligibleCheckout !== null) next.isEligibleCheckout = change.isEligibleCheckout;
  if (Object.keys(next).length) overrides[legacyId] = next;
  else delete overrides[legacyId];
  await updateFeedRules(shop, { ...rules, productOverrides: overrides });
}

/** The agent, checkout session and agent events behind one of this shop's Shopify orders, or null. */
export async function orderAgentView(shop: string, legacyId: string): Promise<OrderAgentView | null> {
  const completion = await prisma.completion.findFirst({
    where: { shop, shopifyOrderId: `gid://shopify/Order/${legacyId}` },
    select: {
      sessionId: true,
      agentId: true,
      shopifyOrderId: true,
      shopifyOrderName: true,
      orderStatusUrl: true,
    },
  });
  if (!completion) return null;
  const [session, agent, timeline, events] = await Promise.all([
    prisma.checkoutSession.findFirst({
      where: { shop, id: completion.sessionId },
      select: {
        id: true,
        status: true,
        apiVersion: true,
        currency: true,
        state: true,
        createdAt: true,
        completedAt: true,
      },
    }),
    prisma.agent.findFirst({ where: { shop, id: completion.agentId }, select: { id: true, name: true } }),
    prisma.checkoutEvent.findMany({
      where: { shop, sessionId: completion.sessionId },
      orderBy: { at: "asc" },
      select: { type: true, fromStatus: true, toStatus: true, at: true },
    }),
    prisma.agentEvent.findMany({
      where: { shop, sessionId: completion.sessionId },
      orderBy: { createdAt: "asc" },
      select: ORDER_EVENT_FIELDS,
    }),
  ]);
  if (!session) return null;
  const state = JSON.parse(session.state) as SessionState;
  return {
    order: {
      id: completion.shopifyOrderId!,
      name: completion.shopifyOrderName,
      statusUrl: completion.orderStatusUrl,
    },
    agent: {
      id: completion.agentId,
      name: agent?.name ?? completion.agentId,
      test: isTestAgentId(completion.agentId),
    },
    session: {
      id: session.id,
      status: session.status,
      apiVersion: session.apiVersion,
      currency: session.currency,
      total: state.totals.total,
      createdAt: session.createdAt.toISOString(),
      completedAt: session.completedAt?.toISOString() ?? null,
    },
    timeline: timeline.map((entry) => ({
      type: entry.type,
      fromStatus: entry.fromStatus,
      toStatus: entry.toStatus,
      at: entry.at.toISOString(),
    })),
    events: events.map((event) => ({
      ...event,
      createdAt: event.createdAt.toISOString(),
      deliveredAt: event.deliveredAt?.toISOString() ?? null,
    })),
  };
}
