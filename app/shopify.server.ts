import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { queueFirstSync } from "./catalog/first-sync.server";
import prisma from "./db.server";
import { env } from "./env.server";
import { installSandboxTransport } from "./sandbox-transport.server";

/** Admin API version used at runtime; the vendored schema (sandbox/shopify-admin/schema) matches it. */
export const ADMIN_API_VERSION = ApiVersion.April26;

const config = env();
installSandboxTransport();

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: ADMIN_API_VERSION,
  scopes: config.SCOPES?.split(",").map((scope) => scope.trim()),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  isTesting: config.ACP_SANDBOX,
  hooks: {
    // A new offline token means an install or reinstall: build the feed now, not at the next reconcile.
    afterAuth: async ({ session }) => {
      await queueFirstSync(session.shop, session.scope);
    },
  },
});

export default shopify;
export const apiVersion = ADMIN_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
