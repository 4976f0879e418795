/**
 * `npm run demo`: the whole product on one machine, offline. Starts the sandbox Shopify store,
 * the Stripe stand-in and the agent's webhook receiver on 127.0.0.1, installs the app on the demo
 * shop (offline session, Stripe account, an agent API key) and runs the built app in sandbox mode.
 *
 * Environment (README "Demo"): PORT (app, default 3000), ACP_SANDBOX_API_KEY, ACP_SANDBOX_WEBHOOK_URL,
 * ACP_SANDBOX_WEBHOOK_SECRET, SANDBOX_INFO_FILE, DATABASE_URL (default file:./prisma/dev.sqlite).
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { encryptSecret, parseKeyRing } from "../app/lib/crypto.server";
import { seedAgent, seedShopInstall, seedStripeSettings } from "./app-seed/seed";
import { startWebhookReceiver } from "./agent/webhook-receiver";
import { APP_SCOPES, DEMO_ACCESS_TOKEN, DEMO_SHOP, demoShop } from "./shopify-admin/fixtures/catalog";
import { startShopifySandbox } from "./shopify-admin/server";
import { DEMO_ACCOUNT_ID, DEMO_RESTRICTED_KEY } from "./stripe/accounts";
import { startStripeSandbox } from "./stripe/server";

const host = "127.0.0.1";
const port = Number(process.env.PORT || 3000);
const appUrl = `http://${host}:${port}`;
const databaseUrl = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
if (!databaseUrl.startsWith("file:")) throw new Error("The demo runs on SQLite (DATABASE_URL=file:…)");

// Per-checkout demo secrets, made once and kept out of git (.data/ is ignored).
mkdirSync(".data", { recursive: true });
const secretsFile = ".data/demo-secrets.json";
const secrets = {
  apiSecret: randomBytes(24).toString("hex"),
  encryptionKeys: `demo1:${randomBytes(32).toString("base64")}`,
  webhookSecret: `whsec_${randomBytes(24).toString("hex")}`,
  // Keep what an earlier run made (the database holds secrets sealed with these keys).
  ...(existsSync(secretsFile)
    ? (JSON.parse(readFileSync(secretsFile, "utf8")) as Record<string, string>)
    : {}),
};
writeFileSync(secretsFile, JSON.stringify(secrets), { mode: 0o600 });
const keyRing = parseKeyRing(secrets.encryptionKeys);

const merchantShop = demoShop();
merchantShop.plan.partnerDevelopment = false;
const shopify = await startShopifySandbox({ shops: [merchantShop] });
const stripe = await startStripeSandbox();
const receiver = process.env.ACP_SANDBOX_WEBHOOK_URL
  ? null
  : await startWebhookReceiver({
      version: "2026-04-17",
      secret: process.env.ACP_SANDBOX_WEBHOOK_SECRET ?? secrets.webhookSecret,
    });
const webhookUrl = process.env.ACP_SANDBOX_WEBHOOK_URL ?? receiver!.url;
const webhookSecret = process.env.ACP_SANDBOX_WEBHOOK_SECRET ?? secrets.webhookSecret;

// Seed the app's database as an install would leave it.
const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl.slice(5) }) });
await seedShopInstall(db, { shop: DEMO_SHOP, accessToken: DEMO_ACCESS_TOKEN, scopes: APP_SCOPES });
await seedStripeSettings(db, {
  shop: DEMO_SHOP,
  accountId: DEMO_ACCOUNT_ID,
  sealedKey: encryptSecret(DEMO_RESTRICTED_KEY, keyRing),
  last4: DEMO_RESTRICTED_KEY.slice(-4),
});
// Each run gets exactly one live key for the demo agent: the one printed below.
const { apiKey } = await seedAgent(db, {
  shop: DEMO_SHOP,
  name: "Sandbox agent",
  agentId: "agt_sandbox_demo",
  apiKey: process.env.ACP_SANDBOX_API_KEY,
  keyLabel: "demo",
  settings: { webhookUrl, webhookSecretEncrypted: encryptSecret(webhookSecret, keyRing) },
});
// A feed token for the pull URL, and a first full catalog sync for the app's job worker.
const feedToken = `feed_${randomBytes(32).toString("base64url")}`;
const feedTokenData = {
  tokenHash: createHash("sha256").update(feedToken).digest("hex"),
  tokenPrefix: feedToken.slice(0, 11),
  tokenCreatedAt: new Date(),
};
await db.feedSettings.upsert({
  where: { shop: DEMO_SHOP },
  create: { shop: DEMO_SHOP, ...feedTokenData },
  update: feedTokenData,
});
await db.job.deleteMany({ where: { singletonKey: `catalog.full_sync:${DEMO_SHOP}` } });
await db.job.create({
  data: {
    kind: "catalog.full_sync",
    shop: DEMO_SHOP,
    payload: JSON.stringify({ kind: "full" }),
    singletonKey: `catalog.full_sync:${DEMO_SHOP}`,
  },
});
await db.$disconnect();

// Started as `npm start` starts it (scripts/start-server), with the Node running this script.
const app = spawn("bash", [path.resolve("scripts/start-server")], {
  stdio: "inherit",
  env: {
    ...process.env,
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
    NODE_ENV: "development",
    HOST: host,
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? "demo-api-key",
    SHOPIFY_API_SECRET: secrets.apiSecret,
    SHOPIFY_APP_URL: appUrl,
    APP_ENCRYPTION_KEYS: secrets.encryptionKeys,
    ACP_SANDBOX: "1",
    SANDBOX_SHOPIFY_URL: shopify.url,
    SANDBOX_STRIPE_URL: stripe.url,
  },
});

async function waitUntilUp(url: string) {
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up`);
}
await waitUntilUp(`${appUrl}/healthz`);

shopify.control.install({
  shop: DEMO_SHOP,
  accessToken: DEMO_ACCESS_TOKEN,
  scopes: APP_SCOPES,
  appUrl,
  apiSecret: secrets.apiSecret,
  webhookSubscriptions: {
    "app/uninstalled": "/webhooks/app/uninstalled",
    "app/scopes_update": "/webhooks/app/scopes_update",
    "products/create": "/webhooks/products",
    "products/update": "/webhooks/products",
    "products/delete": "/webhooks/products",
    "inventory_levels/update": "/webhooks/inventory",
    "orders/updated": "/webhooks/orders",
    "orders/cancelled": "/webhooks/orders",
    "orders/fulfilled": "/webhooks/orders",
    "refunds/create": "/webhooks/orders",
  },
});

// The feed answers once the first sync has stored it.
const feedUrl = `${appUrl}/feeds/${feedToken}/products.jsonl.gz`;
for (let attempt = 0; attempt < 300; attempt++) {
  if ((await fetch(feedUrl)).status === 200) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}

const info = {
  shop: DEMO_SHOP,
  adminUrl: `${appUrl}/`,
  feedUrl,
  acpBaseUrl: appUrl,
  apiKey,
  stripeUrl: stripe.url,
  stripeSecretKey: "sk_test_sandbox_demo_0000000000000000",
  stripeAccountId: DEMO_ACCOUNT_ID,
  shopifyUrl: shopify.url,
  shopifyAccessToken: DEMO_ACCESS_TOKEN,
  shopifyControlUrl: `${shopify.url}/_sandbox/control`,
  shopifyControlToken: shopify.controlToken,
  webhookReceiverUrl: webhookUrl,
};
// Where `npm run sandbox:buy` reads it (the file holds the demo agent's key: .data/ is ignored).
writeFileSync(process.env.SANDBOX_INFO_FILE ?? ".data/sandbox-info.json", JSON.stringify(info, null, 2), {
  mode: 0o600,
});
process.stdout.write(`
ACP app demo (sandbox mode) is running.
  Admin           ${info.adminUrl}
  ACP base URL    ${info.acpBaseUrl}
  Discovery       ${appUrl}/.well-known/acp.json
  Feed (pull)     ${feedUrl}
  Agent API key   ${apiKey}
  Stripe stand-in ${stripe.url} (account ${DEMO_ACCOUNT_ID})
  Agent webhooks  ${webhookUrl}
Try: npm run sandbox:buy
`);

const shutdown = async () => {
  app.kill("SIGTERM");
  await Promise.allSettled([shopify.stop(), stripe.stop(), receiver?.close()]);
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
app.on("exit", (code) => {
  void Promise.allSettled([shopify.stop(), stripe.stop(), receiver?.close()]).then(() =>
    process.exit(code ?? 0),
  );
});
