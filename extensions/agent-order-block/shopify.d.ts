import "@shopify/ui-extensions";
import type { Api } from "@shopify/ui-extensions/admin.order-details.block.render";

// The `shopify` global of this target (what `shopify app generate` writes for a Preact extension).
declare module "./src/AgentOrderBlock.tsx" {
  const shopify: Api;
  const globalThis: { shopify: typeof shopify };
}
