/**
 * The ACP Cart API's wire format (rfc.cart.md, 2026-04-17 only). Carts reuse the checkout types
 * of the same version: LineItem, Buyer, Total and the messages.
 */
import { z } from "zod";
import type { Cart, CartCommand, CartLine } from "../../cart/model";
import type { MessageTarget } from "../../checkout/model";
import { localized, renderInEnglish, type RenderText } from "../../i18n/catalog";
import type { Parsed } from "../version-adapter";
import {
  buyerSchema,
  idSchema,
  parseBody,
  quantitySchema,
  toBuyer,
  wireBuyer,
  wireMessages,
  type Wire,
} from "./common";
import { ERROR_CODES, WARNING_CODES } from "./generation-2026-01-30";

/** The versions that define the Cart API. */
export const CART_API_VERSIONS = ["2026-04-17"] as const;

// `Item` has no quantity, yet the RFC's and OpenAPI's own request examples send one (issue #264):
// accept it, defaulting to 1 like checkout's line items.
const lineSchema = z.object({ id: idSchema, quantity: quantitySchema.optional() });
const lineItemsSchema = z.array(lineSchema).min(1, { error: "must contain at least one item" });
const buyer = buyerSchema("email");

const createSchema = z.object({
  line_items: lineItemsSchema,
  buyer: buyer.nullish(),
  locale: z.string().nullish(),
});
const updateSchema = z.object({ line_items: lineItemsSchema, buyer: buyer.nullish() });

const toCommand = (wire: z.output<typeof updateSchema>): CartCommand => ({
  lines: wire.line_items.map((line) => ({ itemId: line.id, quantity: line.quantity ?? 1 })),
  buyer: wire.buyer ? toBuyer(wire.buyer) : null,
});

export function parseCartCreate(body: unknown): Parsed<CartCommand> {
  return parseBody(createSchema, body, [], (wire) => ({ ...toCommand(wire), locale: wire.locale ?? null }));
}

export function parseCartUpdate(body: unknown): Parsed<CartCommand> {
  return parseBody(updateSchema, body, [], toCommand);
}

// Cart messages concern lines only (availability, quantities).
function pathOf(target: MessageTarget): string | null {
  if (target.kind === "line") return `$.line_items[${target.index}]`;
  if (target.kind === "lineQuantity") return `$.line_items[${target.index}].quantity`;
  return null;
}

function wireLine(line: CartLine, subtotalLabel: string): Wire {
  const item: Wire = { id: line.itemId };
  if (line.name) item.name = line.name;
  if (line.unitAmount !== null) item.unit_amount = line.unitAmount;
  const out: Wire = { id: line.id, item, quantity: line.quantity };
  if (line.name) out.name = line.name;
  if (line.imageUrls.length > 0) out.images = line.imageUrls;
  if (line.unitAmount !== null) out.unit_amount = line.unitAmount;
  if (line.variantId) out.variant_id = line.variantId;
  // An unpriced line has no estimate; its message says why.
  out.totals =
    line.subtotal === null ? [] : [{ type: "subtotal", display_text: subtotalLabel, amount: line.subtotal }];
  return out;
}

export function serializeCart(cart: Cart, render: RenderText = renderInEnglish): Wire {
  const subtotal = cart.lines.reduce((sum, line) => sum + (line.subtotal ?? 0), 0);
  const subtotalLabel = render(localized("label.subtotal"));
  const out: Wire = { id: cart.id, line_items: cart.lines.map((line) => wireLine(line, subtotalLabel)) };
  const buyerWire = wireBuyer(cart.buyer, "email");
  if (buyerWire) out.buyer = buyerWire;
  out.currency = cart.currency;
  // Estimates only: no shipping, tax or discounts until checkout prices them.
  out.totals = [
    { type: "subtotal", display_text: subtotalLabel, amount: subtotal },
    {
      type: "total",
      display_text: render(localized("label.estimated_total")),
      amount: subtotal,
    },
  ];
  out.messages = wireMessages(
    cart.messages,
    { error: ERROR_CODES, errorFallback: "invalid", warning: WARNING_CODES, resolution: true },
    pathOf,
    render,
  );
  if (cart.continueUrl) out.continue_url = cart.continueUrl;
  out.expires_at = cart.expiresAt;
  return out;
}
