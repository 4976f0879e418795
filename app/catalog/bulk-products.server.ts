import {
  childKind,
  collectionFromNode,
  imageFromMediaNode,
  inventoryItemIdOf,
  metafieldFromNode,
  productFromNode,
  variantFromNode,
  type ReadPlan,
  type ReadProduct,
} from "./shopify-documents.server";

/**
 * Joins the lines of a bulk export (`groupObjects: false`) back into products, one line at a time.
 *
 * Each line is one node; children carry `__parentId`, and a parent always comes before its children.
 * Without grouping Shopify no longer promises that a product's children follow it directly, so a product
 * is emitted once a later product has started AND its variant and media lines add up to the
 * `variantsCount` / `mediaCount` it announced. Metafields and collections have no count: one arriving
 * after its product was emitted marks that product "late", and the sync re-reads it by id. Products still
 * short of lines when `maxPending` are waiting are given up on the same way, so memory is bounded by
 * `maxPending` products whatever the file's order.
 * @see https://shopify.dev/docs/api/usage/bulk-operations/queries#the-jsonl-data-format
 */

type Json = Record<string, unknown>;

interface Pending extends ReadProduct {
  /** Byte offset of the product's own line: reading again from here loses nothing of it. */
  offset: number;
  expectedVariants: number | null;
  expectedMedia: number | null;
  variantLines: number;
  mediaLines: number;
}

export class BulkProductAssembler {
  private readonly pending = new Map<string, Pending>();
  /** Products to re-read one by one: their lines came too late or never completed. */
  readonly late = new Set<string>();

  constructor(
    private readonly plan: ReadPlan,
    private readonly maxPending = 500,
  ) {}

  /** Takes one parsed line that starts at byte `offset`; returns the products it completed. */
  push(line: Json, offset: number): ReadProduct[] {
    const parentId = line.__parentId;
    if (typeof parentId !== "string") return this.startProduct(line, offset);

    const parent = this.pending.get(parentId);
    if (!parent) {
      // Its product was emitted (or started before the resumed slice): read the product again.
      if (parentId.startsWith("gid://shopify/Product/")) this.late.add(parentId);
      return [];
    }
    switch (childKind(line.id)) {
      case "variant": {
        parent.product.variants.push(variantFromNode(line, this.plan));
        const inventoryItemId = inventoryItemIdOf(line);
        if (inventoryItemId) parent.inventoryItems.set(String(line.id), inventoryItemId);
        parent.variantLines += 1;
        break;
      }
      case "media": {
        parent.mediaLines += 1;
        const image = imageFromMediaNode(line);
        if (image) parent.product.images.push(image);
        break;
      }
      case "metafield":
        parent.product.metafields.push(metafieldFromNode(line));
        break;
      case "collection":
        parent.product.collections.push(collectionFromNode(line));
        break;
      default:
        break;
    }
    return [];
  }

  /** End of the file: every product still waiting is emitted when complete, otherwise re-read. */
  finish(): ReadProduct[] {
    const done: ReadProduct[] = [];
    for (const [id, entry] of this.pending) {
      if (isComplete(entry)) done.push(entry);
      else this.late.add(id);
    }
    this.pending.clear();
    return done.map(strip);
  }

  /**
   * Where to start reading again so that nothing not yet emitted is lost: the oldest waiting product's
   * line, or `position` (the end of what was read) when none waits.
   */
  checkpoint(position: number): number {
    let offset = position;
    for (const entry of this.pending.values()) offset = Math.min(offset, entry.offset);
    return offset;
  }

  get waiting(): number {
    return this.pending.size;
  }

  private startProduct(line: Json, offset: number): ReadProduct[] {
    const done: ReadProduct[] = [];
    for (const [id, entry] of this.pending) {
      if (isComplete(entry)) {
        done.push(entry);
        this.pending.delete(id);
      }
    }
    while (this.pending.size >= this.maxPending) {
      const [oldest] = this.pending.keys();
      this.pending.delete(oldest);
      this.late.add(oldest);
    }
    const product = productFromNode(line);
    this.pending.set(product.id, {
      product,
      inventoryItems: new Map(),
      offset,
      expectedVariants: countOf(line.variantsCount),
      expectedMedia: countOf(line.mediaCount),
      variantLines: 0,
      mediaLines: 0,
    });
    return done.map(strip);
  }
}

function countOf(value: unknown): number | null {
  const count = (value as { count?: unknown } | null)?.count;
  return typeof count === "number" ? count : null;
}

function isComplete(entry: Pending): boolean {
  return (
    (entry.expectedVariants === null || entry.variantLines >= entry.expectedVariants) &&
    (entry.expectedMedia === null || entry.mediaLines >= entry.expectedMedia)
  );
}

function strip(entry: ReadProduct): ReadProduct {
  return { product: entry.product, inventoryItems: entry.inventoryItems };
}
