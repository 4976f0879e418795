import type { Agent, Prisma } from "@prisma/client";
import prisma from "../db.server";
import { AcpError, cartNotFound } from "../acp/errors";
import { classifyLines } from "../checkout/build";
import type { Quote, StoreGateway, VariantFacts } from "../checkout/gateway";
import { variantIdFor } from "../checkout/service.server";
import { withStoredTexts } from "../checkout/model";
import { localized } from "../i18n/catalog";
import { newId } from "../lib/ids";
import type { Cart, CartCommand, CartLine } from "./model";

export interface CartContext {
  shop: string;
  agent: Agent;
  gateway: StoreGateway;
  now: Date;
}

/** The cart to answer with and how to write the change (inside the idempotency transaction). */
export interface CartOutcome {
  cart: Cart;
  persist: ((tx: Prisma.TransactionClient) => Promise<void>) | null;
}

const DEFAULT_TTL_MINUTES = 360;
const DEFAULT_MAX_QUANTITY_PER_LINE = 50;

export async function createCart(context: CartContext, command: CartCommand): Promise<CartOutcome> {
  const nowIso = context.now.toISOString();
  const cart = await estimate(context, {
    id: newId("cart"),
    createdAt: nowIso,
    previousLines: [],
    locale: command.locale ?? null,
    command,
  });
  return {
    cart,
    persist: async (tx) => {
      // Expired carts (with their buyer emails) also go here, between the periodic sweeps.
      await tx.cart.deleteMany({ where: { shop: context.shop, expiresAt: { lte: context.now } } });
      await tx.cart.create({
        data: {
          id: cart.id,
          shop: context.shop,
          agentId: context.agent.id,
          currency: cart.currency,
          state: JSON.stringify(cart),
          expiresAt: new Date(cart.expiresAt),
        },
      });
    },
  };
}

export async function getCart(context: CartContext, id: string): Promise<CartOutcome> {
  const stored = await loadCart(context, id);
  return { cart: stored, persist: null };
}

/** Full replacement of line items and buyer; re-estimates and refreshes `expires_at` (RFC: SHOULD). */
export async function updateCart(
  context: CartContext,
  id: string,
  command: CartCommand,
): Promise<CartOutcome> {
  const previous = await loadCart(context, id);
  const cart = await estimate(context, {
    id,
    createdAt: previous.createdAt,
    previousLines: previous.lines,
    // Update replaces lines and buyer; the locale is the create request's.
    locale: previous.locale ?? null,
    command,
  });
  return {
    cart,
    persist: async (tx) => {
      const { count } = await tx.cart.updateMany({
        where: { id, shop: context.shop, agentId: context.agent.id },
        data: { currency: cart.currency, state: JSON.stringify(cart), expiresAt: new Date(cart.expiresAt) },
      });
      // Canceled by a concurrent request between the read and this write.
      if (count === 0) throw cartNotFound(id);
    },
  };
}

/** Answers with the cart as it was and deletes it: later operations on the id are 404 (RFC). */
export async function cancelCart(context: CartContext, id: string): Promise<CartOutcome> {
  const cart = await loadCart(context, id);
  return {
    cart,
    persist: async (tx) => {
      const { count } = await tx.cart.deleteMany({
        where: { id, shop: context.shop, agentId: context.agent.id },
      });
      if (count === 0) throw cartNotFound(id);
    },
  };
}

/** Carts belong to one shop and one agent; anyone else's id, or an expired cart, is not found. */
async function loadCart(context: CartContext, id: string): Promise<Cart> {
  const row = await prisma.cart.findFirst({ where: { id, shop: context.shop, agentId: context.agent.id } });
  if (!row || row.expiresAt <= context.now) throw cartNotFound(id);
  const cart = JSON.parse(row.state) as Cart;
  return { ...cart, messages: withStoredTexts(cart.messages) };
}

interface EstimateInput {
  id: string;
  createdAt: string;
  previousLines: CartLine[];
  locale: string | null;
  command: CartCommand;
}

/**
 * Prices the lines from the store's own data: variant facts for availability, Shopify's draft
 * order calculator (no address, no shipping choice, no codes) for the unit prices. Totals are
 * estimates: tax and shipping are left to checkout.
 */
async function estimate(context: CartContext, input: EstimateInput): Promise<Cart> {
  const settings = await prisma.shopSettings.findUnique({ where: { shop: context.shop } });
  const ttlMinutes = settings?.sessionTtlMinutes ?? DEFAULT_TTL_MINUTES;
  const info = await context.gateway.shopInfo(context.shop);
  const requested = input.command.lines;
  const variantIds = [
    ...new Set(requested.map((line) => variantIdFor(line.itemId)).filter((id): id is string => !!id)),
  ];
  const facts = await context.gateway.lookupVariants(context.shop, variantIds);
  const { priceable, messages } = classifyLines({
    requestedLines: requested,
    variantIdFor,
    facts,
    maxQuantityPerLine: settings?.maxQuantityPerLine ?? DEFAULT_MAX_QUANTITY_PER_LINE,
  });
  if (priceable.length === 0) {
    throw new AcpError(422, "invalid_request", "out_of_stock", localized("error.all_items_unavailable"));
  }
  const quote: Quote = await context.gateway.quote(context.shop, {
    currency: info.currency,
    lines: priceable.map((line) => ({ variantId: line.variantId, quantity: line.quantity })),
    address: null,
    email: input.command.buyer?.email ?? null,
    shippingRateHandle: null,
    discountCodes: [],
  });
  const quotedByIndex = new Map(priceable.map((line, position) => [line.index, quote.lines[position]]));
  const previousIds = new Map(input.previousLines.map((line) => [line.itemId, line.id]));
  const lines: CartLine[] = requested.map((line, index) => {
    const variantId = variantIdFor(line.itemId);
    const variant: VariantFacts | undefined = variantId ? facts.get(variantId) : undefined;
    const quoted = quotedByIndex.get(index);
    // An item still in the cart keeps its line id; a repeated item gets a fresh one for its second line.
    const keptId = previousIds.get(line.itemId);
    previousIds.delete(line.itemId);
    return {
      id: keptId ?? newId("li"),
      itemId: line.itemId,
      variantId: variant ? variantId : null,
      name: variant?.name ?? null,
      imageUrls: variant?.imageUrls ?? [],
      unitAmount: quoted ? quoted.unitAmount : null,
      quantity: line.quantity,
      subtotal: quoted ? quoted.baseAmount : null,
    };
  });
  return {
    id: input.id,
    currency: quote.currency,
    lines,
    buyer: input.command.buyer,
    locale: input.locale,
    messages,
    continueUrl: cartPermalink(priceable, facts),
    createdAt: input.createdAt,
    updatedAt: context.now.toISOString(),
    expiresAt: new Date(context.now.getTime() + ttlMinutes * 60_000).toISOString(),
  };
}

/**
 * Shopify's cart permalink (`/cart/<variant>:<qty>,…`) on the online store's domain, which we know
 * from a product's online store URL. Null when no priced product is on the online store.
 */
function cartPermalink(
  priceable: { variantId: string; quantity: number }[],
  facts: Map<string, VariantFacts>,
): string | null {
  const productUrl = priceable.map((line) => facts.get(line.variantId)?.productUrl).find((url) => !!url);
  if (!productUrl) return null;
  const origin = new URL(productUrl).origin;
  const items = priceable.map((line) => `${line.variantId.split("/").pop()}:${line.quantity}`).join(",");
  return `${origin}/cart/${items}`;
}
