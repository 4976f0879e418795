import {
  cancelOrder,
  fulfillOrder,
  refundOrder,
  type CancelDetails,
  type MerchantResult,
  type RefundDetails,
  type TrackingDetails,
} from "./commerce/merchant-actions";
import type { SandboxContext } from "./resolvers/types";
import { z } from "zod";
import { productDeletePayload, productPayload, inventoryLevelPayload, shopPayload } from "./payloads";
import {
  createShopState,
  findInventoryItem,
  invalidateIndex,
  newGid,
  type Decimal,
  type Fulfillment,
  type Order,
  type Product,
  type Refund,
  type ShopState,
  type Variant,
} from "./store";
import { SANDBOX_API_VERSION } from "./schema";

/**
 * What a merchant (or Shopify itself) does outside the app: edit a product, change stock,
 * install or uninstall the app, let time pass. Each action changes the store and emits the
 * webhook Shopify would send. The same actions are exposed in-process (`sandbox.control`) and
 * over HTTP (`POST /_sandbox/control`, used by cli.ts).
 */

const decimalString = z.union([z.string(), z.number()]).transform((value) => Number(value).toFixed(2));

const variantPatch = z
  .object({
    id: z.string(),
    title: z.string().optional(),
    sku: z.string().nullable().optional(),
    barcode: z.string().nullable().optional(),
    price: decimalString.optional(),
    compareAtPrice: decimalString.nullable().optional(),
    inventoryPolicy: z.enum(["DENY", "CONTINUE"]).optional(),
    taxable: z.boolean().optional(),
  })
  .strict();

export const productPatchSchema = z
  .object({
    title: z.string().optional(),
    handle: z.string().optional(),
    descriptionHtml: z.string().optional(),
    vendor: z.string().optional(),
    productType: z.string().optional(),
    status: z.enum(["ACTIVE", "DRAFT", "ARCHIVED"]).optional(),
    tags: z.array(z.string()).optional(),
    publishedOnlineStore: z.boolean().optional(),
    /** Sets every variant's price (the CLI's `--price`). */
    price: decimalString.optional(),
    compareAtPrice: decimalString.nullable().optional(),
    variants: z.array(variantPatch).optional(),
  })
  .strict();

export type ProductPatch = z.input<typeof productPatchSchema>;

const newVariantSchema = z
  .object({
    title: z.string().optional(),
    sku: z.string().nullable().optional(),
    barcode: z.string().nullable().optional(),
    price: decimalString,
    compareAtPrice: decimalString.nullable().optional(),
    options: z.record(z.string(), z.string()).optional(),
    inventoryPolicy: z.enum(["DENY", "CONTINUE"]).optional(),
    tracked: z.boolean().optional(),
    requiresShipping: z.boolean().optional(),
    taxable: z.boolean().optional(),
    /** Units at the shop's first location. */
    available: z.number().int().optional(),
  })
  .strict();

export const newProductSchema = z
  .object({
    shop: z.string(),
    title: z.string(),
    handle: z.string().optional(),
    descriptionHtml: z.string().optional(),
    vendor: z.string().optional(),
    productType: z.string().optional(),
    status: z.enum(["ACTIVE", "DRAFT", "ARCHIVED"]).optional(),
    tags: z.array(z.string()).optional(),
    variants: z.array(newVariantSchema).min(1).optional(),
  })
  .strict();

export type NewProduct = z.input<typeof newProductSchema>;

export const installSchema = z
  .object({
    shop: z.string(),
    accessToken: z.string().min(1),
    scopes: z.array(z.string()).optional(),
    appUrl: z.string().url().nullable().optional(),
    apiSecret: z.string().nullable().optional(),
    webhookSubscriptions: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export type InstallInput = z.input<typeof installSchema>;

export interface ControlDeps {
  shops: Map<string, ShopState>;
  emitWebhook: (shop: ShopState, topic: string, payload: unknown) => void;
  now: () => Date;
  advanceClock: (ms: number) => void;
}

export class ControlError extends Error {}

export interface SandboxControl {
  updateProduct(id: string, patch: ProductPatch, options?: { shop?: string }): Product;
  createProduct(input: NewProduct): Product;
  deleteProduct(id: string, options?: { shop?: string }): void;
  setInventory(
    inventoryItemId: string,
    locationId: string,
    available: number,
    options?: { shop?: string },
  ): void;
  install(input: InstallInput): ShopState;
  uninstall(shop: string): void;
  /** What the merchant does in the Shopify admin: ship, refund, cancel (with Shopify's webhooks). */
  fulfillOrder(shop: string, orderId: string, tracking?: TrackingDetails): Fulfillment;
  refundOrder(shop: string, orderId: string, details?: RefundDetails): Refund;
  cancelOrder(shop: string, orderId: string, details?: CancelDetails): Order;
  advanceClock(ms: number): Date;
  /** HTTP entry point: `{ action, ...params }`. */
  dispatch(action: string, params: Record<string, unknown>): unknown;
}

export function createControl(deps: ControlDeps): SandboxControl {
  const requireShop = (domain: string) => {
    const shop = deps.shops.get(domain);
    if (!shop) throw new ControlError(`Unknown shop ${domain}`);
    return shop;
  };
  // Merchant actions run outside a GraphQL request; they get the same side channels.
  const merchantContext = (shop: ShopState): SandboxContext => ({
    shop,
    now: deps.now,
    emitWebhook: (topic, payload) => deps.emitWebhook(shop, topic, payload),
    baseUrl: "",
    apiVersion: SANDBOX_API_VERSION,
  });
  const timestamp = () => deps.now().toISOString();

  /** Ids are global on Shopify; find the shop holding one, or use the one named. */
  const shopFor = (predicate: (shop: ShopState) => boolean, what: string, domain?: string): ShopState => {
    if (domain) {
      const shop = deps.shops.get(domain);
      if (!shop) throw new ControlError(`Unknown shop ${domain}`);
      if (!predicate(shop)) throw new ControlError(`${what} not found in ${domain}`);
      return shop;
    }
    const matches = [...deps.shops.values()].filter(predicate);
    if (matches.length === 0) throw new ControlError(`${what} not found`);
    if (matches.length > 1) throw new ControlError(`${what} exists in several shops; pass shop`);
    return matches[0];
  };

  const touch = (product: Product, variant?: Variant) => {
    const now = timestamp();
    product.updatedAt = now;
    if (variant) variant.updatedAt = now;
  };

  const control: SandboxControl = {
    updateProduct(id, rawPatch, options) {
      const patch = productPatchSchema.parse(rawPatch);
      const shop = shopFor((candidate) => candidate.products.has(id), `Product ${id}`, options?.shop);
      const product = shop.products.get(id)!;
      const { price, compareAtPrice, variants, ...fields } = patch;
      Object.assign(product, fields);
      if (fields.status === "ACTIVE" && !product.publishedAt && product.publishedOnlineStore)
        product.publishedAt = timestamp();
      for (const variant of product.variants) {
        if (price !== undefined) variant.price = price;
        if (compareAtPrice !== undefined) variant.compareAtPrice = compareAtPrice;
        if (price !== undefined || compareAtPrice !== undefined) touch(product, variant);
      }
      for (const { id: variantId, ...changes } of variants ?? []) {
        const variant = product.variants.find((candidate) => candidate.id === variantId);
        if (!variant) throw new ControlError(`Variant ${variantId} is not part of ${id}`);
        Object.assign(variant, changes);
        if (changes.sku !== undefined) variant.inventoryItem.sku = changes.sku;
        touch(product, variant);
      }
      touch(product);
      deps.emitWebhook(shop, "products/update", productPayload(shop, product));
      return product;
    },

    createProduct(rawInput) {
      const input = newProductSchema.parse(rawInput);
      const shop = deps.shops.get(input.shop);
      if (!shop) throw new ControlError(`Unknown shop ${input.shop}`);
      const now = timestamp();
      const productId = newGid(shop, "Product");
      const variants = input.variants ?? [{ price: "0.00" }];
      const optionNames = [...new Set(variants.flatMap((variant) => Object.keys(variant.options ?? {})))];
      const options =
        optionNames.length > 0
          ? optionNames.map((optionName, index) => ({
              id: newGid(shop, "ProductOption"),
              name: optionName,
              position: index + 1,
              values: [
                ...new Set(
                  variants
                    .map((variant) => variant.options?.[optionName])
                    .filter((value): value is string => !!value),
                ),
              ],
            }))
          : [{ id: newGid(shop, "ProductOption"), name: "Title", position: 1, values: ["Default Title"] }];
      const location = shop.locations.find((candidate) => candidate.isActive);
      const product: Product = {
        id: productId,
        handle: input.handle ?? slug(input.title),
        title: input.title,
        descriptionHtml: input.descriptionHtml ?? "",
        vendor: input.vendor ?? shop.name,
        productType: input.productType ?? "",
        status: input.status ?? "ACTIVE",
        tags: input.tags ?? [],
        isGiftCard: false,
        publishedOnlineStore: true,
        category: null,
        options,
        images: [],
        metafields: [],
        collectionIds: [],
        createdAt: now,
        updatedAt: now,
        publishedAt: (input.status ?? "ACTIVE") === "ACTIVE" ? now : null,
        variants: variants.map((variant, index) => {
          const selectedOptions =
            optionNames.length > 0
              ? optionNames.map((optionName) => ({
                  name: optionName,
                  value: variant.options?.[optionName] ?? "",
                }))
              : [{ name: "Title", value: "Default Title" }];
          return {
            id: newGid(shop, "ProductVariant"),
            productId,
            title: variant.title ?? selectedOptions.map((selected) => selected.value).join(" / "),
            sku: variant.sku ?? null,
            barcode: variant.barcode ?? null,
            price: variant.price as Decimal,
            compareAtPrice: (variant.compareAtPrice ?? null) as Decimal | null,
            inventoryPolicy: variant.inventoryPolicy ?? "DENY",
            taxable: variant.taxable ?? true,
            selectedOptions,
            imageId: null,
            contextualPrices: [],
            position: index + 1,
            createdAt: now,
            updatedAt: now,
            inventoryItem: {
              id: newGid(shop, "InventoryItem"),
              sku: variant.sku ?? null,
              tracked: variant.tracked ?? true,
              requiresShipping: variant.requiresShipping ?? true,
              weight: null,
              levels: location
                ? [{ locationId: location.id, available: variant.available ?? 0, updatedAt: now }]
                : [],
            },
          };
        }),
      };
      shop.products.set(productId, product);
      deps.emitWebhook(shop, "products/create", productPayload(shop, product));
      return product;
    },

    deleteProduct(id, options) {
      const shop = shopFor((candidate) => candidate.products.has(id), `Product ${id}`, options?.shop);
      const product = shop.products.get(id)!;
      shop.products.delete(id);
      invalidateIndex(shop);
      deps.emitWebhook(shop, "products/delete", productDeletePayload(product));
    },

    setInventory(inventoryItemId, locationId, available, options) {
      if (!Number.isInteger(available)) throw new ControlError("available must be an integer");
      const shop = shopFor(
        (candidate) => !!findInventoryItem(candidate, inventoryItemId),
        `Inventory item ${inventoryItemId}`,
        options?.shop,
      );
      if (!shop.locations.some((location) => location.id === locationId)) {
        throw new ControlError(`Location ${locationId} not found in ${shop.domain}`);
      }
      const { product, variant, item } = findInventoryItem(shop, inventoryItemId)!;
      const now = timestamp();
      const level = item.levels.find((candidate) => candidate.locationId === locationId);
      if (level) {
        level.available = available;
        level.updatedAt = now;
      } else {
        // Setting stock at a location the item was not stocked at connects it first, as Shopify does.
        item.levels.push({ locationId, available, updatedAt: now });
      }
      touch(product, variant);
      deps.emitWebhook(shop, "inventory_levels/update", inventoryLevelPayload(shop, item, locationId));
    },

    install(rawInput) {
      const input = installSchema.parse(rawInput);
      let shop = deps.shops.get(input.shop);
      if (!shop) {
        shop = createShopState({ domain: input.shop, accessToken: input.accessToken });
        deps.shops.set(shop.domain, shop);
      }
      shop.installation = {
        accessToken: input.accessToken,
        scopes: input.scopes ?? shop.installation.scopes,
        appUrl: input.appUrl ?? null,
        apiSecret: input.apiSecret ?? null,
        webhookSubscriptions: input.webhookSubscriptions ?? {},
        uninstalledAt: null,
      };
      return shop;
    },

    uninstall(domain) {
      const shop = deps.shops.get(domain);
      if (!shop) throw new ControlError(`Unknown shop ${domain}`);
      // The token stops working at once; app/uninstalled is still delivered (it may arrive late).
      shop.installation.uninstalledAt = timestamp();
      shop.installation.accessToken = "";
      deps.emitWebhook(shop, "app/uninstalled", shopPayload(shop));
    },

    fulfillOrder(domain, orderId, tracking) {
      const shop = requireShop(domain);
      return merchantResult(fulfillOrder(shop, merchantContext(shop), orderId, tracking));
    },

    refundOrder(domain, orderId, details) {
      const shop = requireShop(domain);
      return merchantResult(refundOrder(shop, merchantContext(shop), orderId, details));
    },

    cancelOrder(domain, orderId, details) {
      const shop = requireShop(domain);
      return merchantResult(cancelOrder(shop, merchantContext(shop), orderId, details));
    },

    advanceClock(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new ControlError("ms must be a non-negative number");
      deps.advanceClock(ms);
      return deps.now();
    },

    dispatch(action, params) {
      const shopOption = typeof params.shop === "string" ? { shop: params.shop } : undefined;
      switch (action) {
        case "updateProduct":
          return control.updateProduct(String(params.id), params.patch as ProductPatch, shopOption);
        case "createProduct":
          return control.createProduct(params as NewProduct);
        case "deleteProduct":
          control.deleteProduct(String(params.id), shopOption);
          return { deleted: params.id };
        case "setInventory":
          control.setInventory(
            String(params.inventoryItemId),
            String(params.locationId),
            Number(params.available),
            shopOption,
          );
          return {
            inventoryItemId: params.inventoryItemId,
            locationId: params.locationId,
            available: Number(params.available),
          };
        case "install":
          return { shop: control.install(params as InstallInput).domain };
        case "uninstall":
          control.uninstall(String(params.shop));
          return { uninstalled: params.shop };
        case "advanceClock":
          return { now: control.advanceClock(Number(params.ms)).toISOString() };
        case "fulfillOrder":
          return control.fulfillOrder(
            String(params.shop),
            String(params.orderId),
            params.tracking as TrackingDetails,
          );
        case "refundOrder":
          return control.refundOrder(String(params.shop), String(params.orderId), params as RefundDetails);
        case "cancelOrder":
          return control.cancelOrder(String(params.shop), String(params.orderId), params as CancelDetails);
        default:
          throw new ControlError(`Unknown action ${action}`);
      }
    },
  };
  return control;
}

function merchantResult<T>(result: MerchantResult<T>): T {
  if (!result.ok) throw new ControlError(result.errors.map((error) => error.message).join("; "));
  return result.value;
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
