import "@shopify/ui-extensions";
import type { Api } from "@shopify/ui-extensions/admin.product-details.block.render";

// The `shopify` global of this target (what `shopify app generate` writes for a Preact extension).
declare module "./src/ProductFeedBlock.tsx" {
  const shopify: Api;
  const globalThis: { shopify: typeof shopify };
}
