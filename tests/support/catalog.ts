import type { ShopifySandbox } from "../../sandbox/shopify-admin/server";
import type { Variant } from "../../sandbox/shopify-admin/store";

/** The numeric id (the feed's item id) of a sandbox variant, found by product title and option values. */
export function itemId(
  sandbox: ShopifySandbox,
  shop: string,
  productTitle: string,
  ...options: string[]
): string {
  return variant(sandbox, shop, productTitle, ...options)
    .id.split("/")
    .pop()!;
}

export function variant(
  sandbox: ShopifySandbox,
  shop: string,
  productTitle: string,
  ...options: string[]
): Variant {
  const state = sandbox.shops.get(shop);
  const product = [...(state?.products.values() ?? [])].find((candidate) => candidate.title === productTitle);
  if (!product) throw new Error(`No product "${productTitle}" in ${shop}`);
  const found = product.variants.find((candidate) =>
    options.every((value) => candidate.selectedOptions.some((option) => option.value === value)),
  );
  if (!found) throw new Error(`No variant ${options.join(" / ")} of "${productTitle}"`);
  return found;
}
