import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { AcpClient, AcpResponse, CallOptions } from "../../sandbox/agent/buyer";
import { validateCheckoutDef } from "../../sandbox/agent/contract";
import { validateDef } from "../../sandbox/agent/spec";
import { seedAgent } from "../../sandbox/app-seed/seed";
import { EU_SHOP } from "../../sandbox/shopify-admin/fixtures/catalog";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { itemId, variant } from "../support/catalog";

const VERSION = "2026-04-17" as const;
const CART_SCHEMA = "json-schema/schema.cart.json";

let stack: AcpStack;
let client: AcpClient;
let tee: string;
let tote: string;
let soldOut: string;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  stack = await startAcpStack();
  client = stack.client(VERSION);
  tee = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "White", "M");
  soldOut = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "Black", "L");
  tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
});

afterAll(async () => {
  await stack?.stop();
});

/** Every answer validates against the vendored 2026-04-17 schema: `Cart` on 2xx, `Error` otherwise. */
function expectValid(response: AcpResponse) {
  const result =
    response.status < 300
      ? validateDef(VERSION, CART_SCHEMA, "Cart", response.body)
      : validateCheckoutDef(VERSION, "Error", response.body);
  expect(result.errors, JSON.stringify(response.body).slice(0, 2000)).toEqual([]);
  expect(result.valid).toBe(true);
}

const withKey = (options: CallOptions = {}): CallOptions => ({
  ...options,
  headers: { "Idempotency-Key": options.idempotencyKey ?? randomUUID(), ...options.headers },
});

const createCart = (body: unknown, options?: CallOptions, as = client) =>
  as.request("POST", "/carts", body, options);
const getCart = (id: string, as = client) => as.request("GET", `/carts/${id}`);
const updateCart = (id: string, body: unknown, options?: CallOptions, as = client) =>
  as.request("PUT", `/carts/${id}`, body, withKey(options));
const cancelCart = (id: string, as = client) => as.request("POST", `/carts/${id}/cancel`, {});

const totalOf = (cart: Json, type: string) =>
  (cart.totals as Json[]).find((total) => total.type === type)?.amount as number;
const priceOf = (productTitle: string, ...options: string[]) =>
  Math.round(Number(variant(stack.shopify, stack.shop, productTitle, ...options).price) * 100);

describe("ACP carts (2026-04-17)", () => {
  it("creates, gets, replaces and cancels a cart; later operations are 404", async () => {
    const created = await createCart({
      line_items: [
        { id: tee, quantity: 2 },
        { id: tote, quantity: 1 },
      ],
      buyer: { email: "ada@example.com" },
    });
    expect(created.status).toBe(201);
    expectValid(created);
    const cart = created.body as Json;
    expect(cart.id).toMatch(/^cart_/);
    expect(cart.currency).toBe("usd");
    expect(cart.messages).toEqual([]);
    expect(cart.buyer).toEqual({ email: "ada@example.com" });
    const teePrice = priceOf("Classic Organic Tee", "White", "M");
    const totePrice = priceOf("Canvas Tote Bag");
    expect(cart.line_items.map((line: Json) => [line.item.id, line.quantity, line.item.unit_amount])).toEqual(
      [
        [tee, 2, teePrice],
        [tote, 1, totePrice],
      ],
    );
    expect(cart.line_items[0].totals).toEqual([
      { type: "subtotal", display_text: "Subtotal", amount: 2 * teePrice },
    ]);
    expect(totalOf(cart, "subtotal")).toBe(2 * teePrice + totePrice);
    expect(totalOf(cart, "total")).toBe(2 * teePrice + totePrice);
    // Shopify's cart permalink on the online store's domain.
    expect(cart.continue_url).toMatch(new RegExp(`^https://[^/]+/cart/${tee}:2,${tote}:1$`));
    expect(new Date(cart.expires_at).getTime()).toBeGreaterThan(Date.now());

    const fetched = await getCart(cart.id);
    expect(fetched.status).toBe(200);
    expectValid(fetched);
    expect(fetched.body).toEqual(cart);

    const replaced = await updateCart(cart.id, { line_items: [{ id: tee, quantity: 3 }] });
    expect(replaced.status).toBe(200);
    expectValid(replaced);
    const updated = replaced.body as Json;
    expect(updated.line_items).toHaveLength(1);
    // The line of an item still in the cart keeps its id.
    expect(updated.line_items[0].id).toBe(cart.line_items[0].id);
    expect(updated.line_items[0].quantity).toBe(3);
    expect(totalOf(updated, "total")).toBe(3 * teePrice);
    // Full replacement: a PUT without buyer clears it.
    expect(updated.buyer).toBeUndefined();
    expect(new Date(updated.expires_at).getTime()).toBeGreaterThanOrEqual(
      new Date(cart.expires_at).getTime(),
    );

    const canceled = await cancelCart(cart.id);
    expect(canceled.status).toBe(200);
    expectValid(canceled);
    expect(canceled.body).toEqual(updated);
    expect(await stack.db.cart.count({ where: { id: cart.id } })).toBe(0);

    for (const after of [
      await getCart(cart.id),
      await updateCart(cart.id, { line_items: [{ id: tee, quantity: 1 }] }),
      await cancelCart(cart.id),
    ]) {
      expect(after.status).toBe(404);
      expectValid(after);
      expect(after.body).toMatchObject({ type: "invalid_request", code: "not_found" });
    }
  });

  it("creates the cart when some items are unavailable, with a message for each", async () => {
    const created = await createCart({
      line_items: [
        { id: tee, quantity: 1 },
        { id: soldOut, quantity: 1 },
        { id: "999999999999", quantity: 1 },
      ],
    });
    expect(created.status).toBe(201);
    expectValid(created);
    const cart = created.body as Json;
    // Nothing dropped silently: every requested item stays in the cart.
    expect(cart.line_items.map((line: Json) => line.item.id)).toEqual([tee, soldOut, "999999999999"]);
    expect(cart.line_items[1].totals).toEqual([]);
    expect(cart.line_items[1].item.unit_amount).toBeUndefined();
    expect(totalOf(cart, "total")).toBe(priceOf("Classic Organic Tee", "White", "M"));
    expect(cart.messages).toEqual([
      expect.objectContaining({ type: "error", code: "out_of_stock", param: "$.line_items[1]" }),
      expect.objectContaining({ type: "error", code: "not_found", param: "$.line_items[2]" }),
    ]);
    expect(cart.continue_url).toMatch(new RegExp(`/cart/${tee}:1$`));

    const partialUpdate = await updateCart(cart.id, {
      line_items: [
        { id: soldOut, quantity: 2 },
        { id: tote, quantity: 1 },
      ],
    });
    expect(partialUpdate.status).toBe(200);
    expectValid(partialUpdate);
    expect((partialUpdate.body as Json).messages).toEqual([
      expect.objectContaining({ code: "out_of_stock", param: "$.line_items[0]" }),
    ]);
  });

  it("gives every line its own id, even for an item listed twice", async () => {
    const cart = (await createCart({ line_items: [{ id: tee, quantity: 1 }] })).body as Json;
    const replaced = await updateCart(cart.id, {
      line_items: [
        { id: tee, quantity: 1 },
        { id: tee, quantity: 2 },
      ],
    });
    expect(replaced.status).toBe(200);
    expectValid(replaced);
    const ids = (replaced.body as Json).line_items.map((line: Json) => line.id);
    expect(ids[0]).toBe(cart.line_items[0].id);
    expect(new Set(ids).size).toBe(2);
  });

  it("answers 422 out_of_stock when no requested item is available, and creates nothing", async () => {
    const before = await stack.db.cart.count();
    const refused = await createCart({
      line_items: [
        { id: soldOut, quantity: 1 },
        { id: "999999999999", quantity: 1 },
      ],
    });
    expect(refused.status).toBe(422);
    expectValid(refused);
    expect(refused.body).toMatchObject({ type: "invalid_request", code: "out_of_stock" });
    expect(await stack.db.cart.count()).toBe(before);

    const cart = (await createCart({ line_items: [{ id: tee, quantity: 1 }] })).body as Json;
    const update = await updateCart(cart.id, { line_items: [{ id: soldOut, quantity: 1 }] });
    expect(update.status).toBe(422);
    expectValid(update);
    // The refused replacement left the cart as it was.
    expect((await getCart(cart.id)).body).toEqual(cart);
  });

  it("replays a create with the same Idempotency-Key and body, and refuses another body", async () => {
    const body = { line_items: [{ id: tote, quantity: 1 }] };
    const before = await stack.db.cart.count();
    const first = await createCart(body, { idempotencyKey: "cart-replay" });
    const second = await createCart(body, { idempotencyKey: "cart-replay" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expectValid(second);
    expect(second.headers["idempotent-replayed"]).toBe("true");
    expect(second.body).toEqual(first.body);
    expect(await stack.db.cart.count()).toBe(before + 1);

    const conflict = await createCart(
      { line_items: [{ id: tote, quantity: 2 }] },
      { idempotencyKey: "cart-replay" },
    );
    expect(conflict.status).toBe(422);
    expectValid(conflict);
    expect(conflict.body).toMatchObject({ type: "invalid_request", code: "idempotency_conflict" });

    // PUT is guarded the same way.
    const id = (first.body as Json).id as string;
    const put = { line_items: [{ id: tote, quantity: 4 }] };
    const firstPut = await updateCart(id, put, { idempotencyKey: "cart-put" });
    const secondPut = await updateCart(id, put, { idempotencyKey: "cart-put" });
    expect(secondPut.headers["idempotent-replayed"]).toBe("true");
    expect(secondPut.body).toEqual(firstPut.body);
    const otherPut = await updateCart(
      id,
      { line_items: [{ id: tote, quantity: 5 }] },
      { idempotencyKey: "cart-put" },
    );
    expect(otherPut.status).toBe(422);
    expect(otherPut.body).toMatchObject({ code: "idempotency_conflict" });
  });

  it("requires an Idempotency-Key on POST and PUT", async () => {
    const body = { line_items: [{ id: tee, quantity: 1 }] };
    const create = await createCart(body, { headers: { "Idempotency-Key": null } });
    expect(create.status).toBe(400);
    expectValid(create);
    expect(create.body).toMatchObject({ code: "idempotency_key_required" });

    const cart = (await createCart(body)).body as Json;
    const put = await client.request("PUT", `/carts/${cart.id}`, body);
    expect(put.status).toBe(400);
    expectValid(put);
    expect(put.body).toMatchObject({ code: "idempotency_key_required" });
  });

  it("answers 404 for another shop's cart, and for another agent's", async () => {
    const cart = (await createCart({ line_items: [{ id: tee, quantity: 1 }] })).body as Json;
    const euAgent = await seedAgent(stack.db, { shop: EU_SHOP, name: "EU cart agent" });
    const otherAgent = await seedAgent(stack.db, { shop: stack.shop, name: "Other cart agent" });
    for (const apiKey of [euAgent.apiKey, otherAgent.apiKey]) {
      const stranger = stack.client(VERSION, apiKey);
      for (const response of [
        await getCart(cart.id, stranger),
        await updateCart(cart.id, { line_items: [{ id: tee, quantity: 2 }] }, {}, stranger),
        await cancelCart(cart.id, stranger),
      ]) {
        expect(response.status).toBe(404);
        expectValid(response);
        expect(JSON.stringify(response.body)).not.toContain(tee);
      }
    }
    expect((await getCart(cart.id)).body).toEqual(cart);
  });

  it("answers 404 for an expired cart and deletes it with the shop's next cart", async () => {
    const cart = (await createCart({ line_items: [{ id: tee, quantity: 1 }] })).body as Json;
    await stack.db.cart.update({ where: { id: cart.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await getCart(cart.id);
    expect(expired.status).toBe(404);
    expectValid(expired);
    expect(await stack.db.cart.count({ where: { id: cart.id } })).toBe(1);
    // The shop's next cart removes the expired one (buyer data is not kept past the TTL).
    await createCart({ line_items: [{ id: tee, quantity: 1 }] });
    expect(await stack.db.cart.count({ where: { id: cart.id } })).toBe(0);
  });

  it("refuses carts on versions without the Cart API in that version's Error shape", async () => {
    const older = stack.client("2026-01-30");
    const refused = await older.request("POST", "/carts", { line_items: [{ id: tee, quantity: 1 }] });
    expect(refused.status).toBe(400);
    const check = validateCheckoutDef("2026-01-30", "Error", refused.body);
    expect(check.errors).toEqual([]);
    // That version's Error is closed (no supported_versions): the message names the version to use.
    expect(refused.body).toMatchObject({ type: "invalid_request", code: "unsupported_api_version" });
    expect((refused.body as Json).message).toContain(VERSION);
    expect((await older.request("GET", "/carts/cart_anything")).status).toBe(400);
  });

  it("refuses malformed bodies and other methods with spec-shaped errors", async () => {
    const empty = await createCart({ line_items: [] });
    expect(empty.status).toBe(400);
    expectValid(empty);
    expect(empty.body).toMatchObject({ type: "invalid_request", param: "$.line_items" });

    const badQuantity = await createCart({ line_items: [{ id: tee, quantity: 0 }] });
    expect(badQuantity.status).toBe(400);
    expectValid(badQuantity);
    expect(badQuantity.body).toMatchObject({ param: "$.line_items[0].quantity" });

    const wrongMethod = await client.request("POST", "/carts/cart_anything", { line_items: [] });
    expect(wrongMethod.status).toBe(405);
    expectValid(wrongMethod);
    expect(wrongMethod.headers.allow).toBe("GET, PUT");
  });

  it("advertises carts in discovery", async () => {
    const discovery = await client.discovery();
    expect(discovery.status).toBe(200);
    expect((discovery.body as Json).capabilities.services).toContain("carts");
  });
});
