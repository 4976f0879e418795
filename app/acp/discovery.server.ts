import { env } from "../env.server";
import { ACP_VERSIONS, LATEST_ACP_VERSION } from "./version-adapter";

/** The discovery document. Stable across requests: nothing per shop, nothing per session. */
export function discoveryDocument(requestOrigin: string) {
  const base = (env().SHOPIFY_APP_URL || requestOrigin).replace(/\/$/, "");
  return {
    protocol: {
      name: "acp",
      version: LATEST_ACP_VERSION,
      supported_versions: [...ACP_VERSIONS],
      documentation_url: "https://agenticcommerce.dev",
    },
    api_base_url: base,
    transports: ["rest"],
    capabilities: {
      // "carts": the optional Cart API, served for API-Version 2026-04-17 (the latest).
      services: ["checkout", "orders", "carts"],
      extensions: [
        {
          name: "discount",
          spec: "https://agenticcommerce.dev/specs/discount",
          schema: "https://agenticcommerce.dev/schemas/discount.json",
        },
      ],
      intervention_types: ["3ds"],
    },
  };
}
