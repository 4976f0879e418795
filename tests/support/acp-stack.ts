import type { PrismaClient } from "@prisma/client";
import { encryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import {
  seedAgent,
  seedShopInstall,
  seedStripeSettings,
  type SeededAgent,
} from "../../sandbox/app-seed/seed";
import { createAcpClient, type AcpClient } from "../../sandbox/agent/buyer";
import {
  APP_SCOPES,
  DEMO_ACCESS_TOKEN,
  DEMO_SHOP,
  demoShop,
  euShop,
  EU_ACCESS_TOKEN,
  EU_SHOP,
} from "../../sandbox/shopify-admin/fixtures/catalog";
import { startShopifySandbox, type ShopifySandbox } from "../../sandbox/shopify-admin/server";
import { DEMO_ACCOUNT_ID, DEMO_RESTRICTED_KEY } from "../../sandbox/stripe/accounts";
import { startStripeSandbox, type StripeSandbox } from "../../sandbox/stripe/server";
import type { AcpVersion } from "../../app/acp/version-adapter";
import { startAppServer, TEST_API_SECRET, TEST_ENCRYPTION_KEYS, type AppServer } from "./app-server";
import { freshSqliteUrl, testPrisma } from "./database";

/** The app's webhook subscriptions as shopify.app.toml declares them. */
export const APP_WEBHOOKS: Record<string, string> = {
  "app/uninstalled": "/webhooks/app/uninstalled",
  "app/scopes_update": "/webhooks/app/scopes_update",
  "shop/update": "/webhooks/shop/update",
  "products/create": "/webhooks/products",
  "products/update": "/webhooks/products",
  "products/delete": "/webhooks/products",
  "inventory_levels/update": "/webhooks/inventory",
  "orders/updated": "/webhooks/orders",
  "orders/cancelled": "/webhooks/orders",
  "orders/fulfilled": "/webhooks/orders",
  "refunds/create": "/webhooks/orders",
};

export interface AcpStack {
  shopify: ShopifySandbox;
  stripe: StripeSandbox;
  app: AppServer;
  db: PrismaClient;
  shop: string;
  agent: SeededAgent;
  client(version: AcpVersion, apiKey?: string): AcpClient;
  stop(): Promise<void>;
}

/**
 * The whole system on 127.0.0.1: the sandbox Shopify store (demo catalog, plus a second shop),
 * the Stripe stand-in, and the built app in sandbox mode with its own SQLite database, installed
 * on the demo shop with an agent key and the shop's Stripe account connected.
 */
export async function startAcpStack(
  options: {
    env?: Record<string, string>;
    /** Starts the app (default `startAppServer`); browser tests use a private copy of the build. */
    startApp?: typeof startAppServer;
  } = {},
): Promise<AcpStack> {
  // A live merchant store, not a development store (those accept only 5 orders a minute).
  const merchantShop = demoShop();
  merchantShop.plan.partnerDevelopment = false;
  const shopify = await startShopifySandbox({
    shops: [merchantShop, euShop()],
    webhookRetry: { retries: 3, baseDelayMs: 50 },
  });
  const stripe = await startStripeSandbox();
  const databaseUrl = freshSqliteUrl();
  const db = testPrisma(databaseUrl);
  await seedShopInstall(db, { shop: DEMO_SHOP, accessToken: DEMO_ACCESS_TOKEN, scopes: APP_SCOPES });
  await seedShopInstall(db, { shop: EU_SHOP, accessToken: EU_ACCESS_TOKEN, scopes: APP_SCOPES });
  await seedStripeSettings(db, {
    shop: DEMO_SHOP,
    accountId: DEMO_ACCOUNT_ID,
    sealedKey: encryptSecret(DEMO_RESTRICTED_KEY, parseKeyRing(TEST_ENCRYPTION_KEYS)),
    last4: DEMO_RESTRICTED_KEY.slice(-4),
  });
  const agent = await seedAgent(db, { shop: DEMO_SHOP, name: "Test agent" });
  const app = await (options.startApp ?? startAppServer)({
    databaseUrl,
    env: {
      NODE_ENV: "test",
      ACP_SANDBOX: "1",
      SANDBOX_SHOPIFY_URL: shopify.url,
      SANDBOX_STRIPE_URL: stripe.url,
      JOB_POLL_MS: "100",
      ...options.env,
    },
  });
  for (const [shop, accessToken] of [
    [DEMO_SHOP, DEMO_ACCESS_TOKEN],
    [EU_SHOP, EU_ACCESS_TOKEN],
  ]) {
    shopify.control.install({
      shop,
      accessToken,
      scopes: APP_SCOPES,
      appUrl: app.url,
      apiSecret: TEST_API_SECRET,
      webhookSubscriptions: APP_WEBHOOKS,
    });
  }
  return {
    shopify,
    stripe,
    app,
    db,
    shop: DEMO_SHOP,
    agent,
    client: (version, apiKey = agent.apiKey) =>
      createAcpClient({ baseUrl: app.url, apiKey, apiVersion: version }),
    async stop() {
      await app.stop();
      await db.$disconnect();
      await shopify.stop();
      await stripe.stop();
    },
  };
}
