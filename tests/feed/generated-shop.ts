import { generateCatalog } from "../../sandbox/shopify-admin/fixtures/generate";
import { createShopState, newGid, type ShopState } from "../../sandbox/shopify-admin/store";

/**
 * A store with a generated catalog of `products × variantsPerProduct` variants (deterministic), in one
 * market, with the policies and one image per product so its items are valid feed items: the load the
 * memory test and `npm run bench` sync.
 */
export function generatedShop(options: {
  domain?: string;
  products: number;
  variantsPerProduct: number;
}): ShopState {
  const domain = options.domain ?? "acp-generated.myshopify.com";
  const shop = createShopState({
    domain,
    accessToken: "shpat_sandbox_generated",
    firstId: 7_300_000_000_000,
    overrides: {
      name: "Generated Goods",
      primaryDomainUrl: `https://${domain}`,
      address: {
        company: "Generated Goods",
        address1: "1 Main St",
        city: "Springfield",
        countryCode: "US",
        zip: "01101",
      },
      policies: (
        [
          ["REFUND_POLICY", "refund-policy"],
          ["PRIVACY_POLICY", "privacy-policy"],
          ["TERMS_OF_SERVICE", "terms-of-service"],
          ["SHIPPING_POLICY", "shipping-policy"],
        ] as const
      ).map(([type, slug]) => ({
        type,
        title: slug,
        body: `<p>${slug}</p>`,
        url: `https://${domain}/policies/${slug}`,
      })),
    },
  });
  generateCatalog(shop, { products: options.products, variantsPerProduct: options.variantsPerProduct });
  for (const product of shop.products.values()) {
    product.images = [
      {
        id: newGid(shop, "ProductImage"),
        url: `https://cdn.shopify.com/s/files/1/0000/0003/files/${product.handle}.jpg`,
        altText: product.title,
        width: 1600,
        height: 1600,
      },
    ];
  }
  return shop;
}
