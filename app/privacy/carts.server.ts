import type { Cart } from "../cart/model";
import prisma from "../db.server";
import { redactWireBody, sameEmail, samePhone, type CustomerRef } from "./personal-data";

/**
 * Carts hold a buyer (name, email, phone) before any checkout exists. They carry no money trail,
 * so a redact deletes the customer's carts outright; a data request lists them.
 */
function cartBelongsTo(cart: Cart, customer: CustomerRef): boolean {
  const { email, phoneNumber } = cart.buyer ?? {};
  if (customer.email && email && sameEmail(email, customer.email)) return true;
  return !!customer.phone && !!phoneNumber && samePhone(phoneNumber, customer.phone);
}

/** The shop's carts whose buyer is this customer (carts are short-lived: a shop has few). */
export async function findCustomerCarts(shop: string, customer: CustomerRef) {
  if (!customer.email && !customer.phone) return [];
  const rows = await prisma.cart.findMany({
    where: { shop },
    select: { id: true, agentId: true, state: true, createdAt: true, expiresAt: true },
    orderBy: { createdAt: "asc" },
  });
  return rows
    .map((row) => ({ ...row, cart: JSON.parse(row.state) as Cart }))
    .filter((row) => cartBelongsTo(row.cart, customer));
}

/** What a data request report shows of a cart: its buyer and contents, no internal ids. */
export function cartReport(row: Awaited<ReturnType<typeof findCustomerCarts>>[number]) {
  return {
    id: row.id,
    agentId: row.agentId,
    buyer: row.cart.buyer,
    currency: row.cart.currency,
    lines: row.cart.lines.map((line) => ({ itemId: line.itemId, name: line.name, quantity: line.quantity })),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

/** Deletes the customer's carts, and takes the buyer out of the stored responses that showed them. */
export async function deleteCustomerCarts(shop: string, customer: CustomerRef): Promise<number> {
  const carts = await findCustomerCarts(shop, customer);
  let deleted = 0;
  for (const { id } of carts) {
    await prisma.$transaction(async (tx) => {
      deleted += (await tx.cart.deleteMany({ where: { shop, id } })).count;
      for (const record of await tx.idempotencyRecord.findMany({
        where: { shop, responseBody: { contains: id } },
        select: { id: true, responseBody: true },
      })) {
        const body = JSON.stringify(redactWireBody(JSON.parse(record.responseBody!)));
        if (body !== record.responseBody) {
          await tx.idempotencyRecord.update({ where: { id: record.id }, data: { responseBody: body } });
        }
      }
    });
  }
  return deleted;
}

/** Expired carts answer 404 already; this removes them (and the buyer data in them) for good. */
export async function deleteExpiredCarts(now = new Date()): Promise<number> {
  const deleted = await prisma.cart.deleteMany({ where: { expiresAt: { lte: now } } });
  return deleted.count;
}
