import { describe, expect, it } from "vitest";
import { BulkProductAssembler } from "../../app/catalog/bulk-products.server";
import type { ReadProduct } from "../../app/catalog/shopify-documents.server";

/**
 * Joining an ungrouped bulk export back into products: lines in the order the JSONL may have them
 * (parents first, children anywhere after), with byte offsets for resuming.
 */

const plan = { pricedMarkets: [], metafieldKeys: [] };

function product(n: number, variants: number, media = 0) {
  return {
    id: `gid://shopify/Product/${n}`,
    title: `Product ${n}`,
    status: "ACTIVE",
    updatedAt: "2026-11-20T10:00:00Z",
    variantsCount: { count: variants },
    mediaCount: { count: media },
  };
}

function variant(n: number, parent: number) {
  return {
    id: `gid://shopify/ProductVariant/${n}`,
    title: `V${n}`,
    price: "1.00",
    inventoryPolicy: "DENY",
    inventoryQuantity: 1,
    inventoryItem: { id: `gid://shopify/InventoryItem/${n}`, tracked: true, requiresShipping: true },
    __parentId: `gid://shopify/Product/${parent}`,
  };
}

const media = (n: number, parent: number) => ({
  id: `gid://shopify/MediaImage/${n}`,
  alt: "alt",
  image: { url: `https://cdn.example/${n}.jpg`, altText: null },
  __parentId: `gid://shopify/Product/${parent}`,
});
const video = (n: number, parent: number) => ({
  id: `gid://shopify/Video/${n}`,
  __parentId: `gid://shopify/Product/${parent}`,
});
const collection = (n: number, parent: number) => ({
  id: `gid://shopify/Collection/${n}`,
  handle: `c${n}`,
  title: `C${n}`,
  __parentId: `gid://shopify/Product/${parent}`,
});

/** Feeds lines at offsets 0, 100, 200…; returns the ids emitted after each line. */
function run(assembler: BulkProductAssembler, lines: Record<string, unknown>[]): string[][] {
  return lines.map((line, i) => assembler.push(line, i * 100).map((read) => read.product.id));
}

const ids = (reads: ReadProduct[]) => reads.map((read) => read.product.id);

describe("BulkProductAssembler", () => {
  it("grouped order: a product is emitted when the next one starts, with all its children", () => {
    const assembler = new BulkProductAssembler(plan);
    const emitted = run(assembler, [
      product(1, 2, 2),
      variant(11, 1),
      variant(12, 1),
      media(13, 1),
      video(14, 1),
      collection(15, 1),
      product(2, 1),
      variant(21, 2),
    ]);
    expect(emitted.flat()).toEqual(["gid://shopify/Product/1"]);
    expect(emitted[6]).toEqual(["gid://shopify/Product/1"]);
    expect(assembler.checkpoint(800)).toBe(600);
    const rest = assembler.finish();
    expect(ids(rest)).toEqual(["gid://shopify/Product/2"]);
    expect(assembler.late.size).toBe(0);
    expect(assembler.checkpoint(800)).toBe(800);
  });

  it("joins children to their product: variants, images (not videos), collections, inventory items", () => {
    const assembler = new BulkProductAssembler(plan);
    run(assembler, [
      product(1, 2, 2),
      variant(11, 1),
      media(13, 1),
      video(14, 1),
      collection(15, 1),
      variant(12, 1),
    ]);
    const [read] = assembler.finish();
    expect(read.product.variants.map((v) => v.id)).toEqual([
      "gid://shopify/ProductVariant/11",
      "gid://shopify/ProductVariant/12",
    ]);
    expect(read.product.images).toEqual([{ url: "https://cdn.example/13.jpg", altText: "alt" }]);
    expect(read.product.collections).toEqual([
      { id: "gid://shopify/Collection/15", handle: "c15", title: "C15" },
    ]);
    expect(read.inventoryItems.get("gid://shopify/ProductVariant/12")).toBe("gid://shopify/InventoryItem/12");
  });

  it("ungrouped order: a product waits until its announced variants and media have arrived", () => {
    const assembler = new BulkProductAssembler(plan);
    const emitted = run(assembler, [
      product(1, 2, 1),
      product(2, 1),
      variant(11, 1),
      variant(21, 2),
      product(3, 1),
      variant(12, 1),
      media(13, 1),
      product(4, 0),
    ]);
    // At product 3, product 2 is complete but product 1 still lacks a variant and its image.
    expect(emitted[4]).toEqual(["gid://shopify/Product/2"]);
    expect(emitted[7]).toEqual(["gid://shopify/Product/1"]);
    expect(assembler.checkpoint(800)).toBe(400);
    const [one] = [assembler.finish()];
    expect(ids(one)).toEqual(["gid://shopify/Product/4"]);
    expect([...assembler.late]).toEqual(["gid://shopify/Product/3"]);
  });

  it("a child arriving after its product was emitted marks the product for a re-read", () => {
    const assembler = new BulkProductAssembler(plan);
    run(assembler, [product(1, 1), variant(11, 1), product(2, 1), collection(15, 1), variant(21, 2)]);
    expect([...assembler.late]).toEqual(["gid://shopify/Product/1"]);
    expect(ids(assembler.finish())).toEqual(["gid://shopify/Product/2"]);
  });

  it("gives up on the oldest waiting product beyond maxPending, so memory stays bounded", () => {
    const assembler = new BulkProductAssembler(plan, 3);
    // Products announce a variant that never comes.
    run(assembler, [product(1, 1), product(2, 1), product(3, 1), product(4, 1), product(5, 1)]);
    expect(assembler.waiting).toBe(3);
    expect([...assembler.late]).toEqual(["gid://shopify/Product/1", "gid://shopify/Product/2"]);
    expect(assembler.checkpoint(500)).toBe(200);
  });
});
