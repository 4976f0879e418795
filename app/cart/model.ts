import type { Buyer, CheckoutMessage, RequestedLine } from "../checkout/model";

/** A cart line as last estimated. Unavailable or unknown items stay in the cart, unpriced, with a message. */
export interface CartLine {
  id: string;
  itemId: string;
  /** Shopify variant GID, null when the item id names no variant of this store. */
  variantId: string | null;
  name: string | null;
  imageUrls: string[];
  /** Minor units; null when the line could not be priced (unavailable, unknown, over stock). */
  unitAmount: number | null;
  quantity: number;
  subtotal: number | null;
}

/** An ACP cart (2026-04-17): estimated prices only, no payment, no status lifecycle. */
export interface Cart {
  id: string;
  currency: string;
  lines: CartLine[];
  buyer: Buyer | null;
  /** The create request's `locale`, a fallback of the response language (absent on older carts). */
  locale?: string | null;
  messages: CheckoutMessage[];
  /** Shopify cart permalink of the priced lines, for handoff to the online store. */
  continueUrl: string | null;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

/** Create and update both carry the complete desired cart (update is a full replacement). */
export interface CartCommand {
  lines: RequestedLine[];
  buyer: Buyer | null;
  /** Create only: the buyer's locale. */
  locale?: string | null;
}
