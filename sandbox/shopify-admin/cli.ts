/**
 * The sandbox Admin API from a terminal.
 *
 *   tsx sandbox/shopify-admin/cli.ts start --port 4100 [--token T] [--app-url http://127.0.0.1:3000 --api-secret S]
 *   tsx sandbox/shopify-admin/cli.ts --url http://127.0.0.1:4100 --token T update-product <id> --price 12.00
 *
 * `start` runs a sandbox with the demo stores until Ctrl-C and prints its URL, control token and
 * shop tokens as JSON. Every other command is one `POST /_sandbox/control` action against a
 * running sandbox (`--url`/`SANDBOX_SHOPIFY_URL`, `--token`/`SANDBOX_CONTROL_TOKEN`), printing
 * the JSON answer; the exit code is 1 when the action failed.
 */
import { parseArgs } from "node:util";
import {
  APP_SCOPES,
  DEMO_ACCESS_TOKEN,
  DEMO_SHOP,
  demoShop,
  EU_ACCESS_TOKEN,
  EU_SHOP,
  euShop,
} from "./fixtures/catalog";
import { generateCatalog } from "./fixtures/generate";
import { startShopifySandbox } from "./server";

const USAGE = `usage:
  cli.ts start [--port 4100] [--token T] [--app-url URL --api-secret S] [--webhook topic=uri ...] [--generate-variants N]
  cli.ts [--url URL] [--token T] <command>
    update-product <productId> [--price 12.00] [--compare-at-price 15.00] [--title T] [--status ACTIVE|DRAFT|ARCHIVED] [--tags a,b] [--vendor V]
    create-product --shop <domain> --title T --price 12.00 [--sku S] [--available N]
    delete-product <productId>
    set-inventory <inventoryItemId> <locationId> <available>
    install --shop <domain> --access-token T [--scopes a,b] [--app-url URL] [--api-secret S] [--webhook topic=uri ...]
    uninstall <domain>
    advance-clock <ms>`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string" },
    token: { type: "string" },
    port: { type: "string" },
    shop: { type: "string" },
    price: { type: "string" },
    "compare-at-price": { type: "string" },
    title: { type: "string" },
    status: { type: "string" },
    tags: { type: "string" },
    vendor: { type: "string" },
    sku: { type: "string" },
    available: { type: "string" },
    "access-token": { type: "string" },
    scopes: { type: "string" },
    "app-url": { type: "string" },
    "api-secret": { type: "string" },
    webhook: { type: "string", multiple: true },
    "generate-variants": { type: "string" },
    help: { type: "boolean" },
  },
});

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function webhooks(): Record<string, string> {
  return Object.fromEntries(
    (values.webhook ?? []).map((entry) => {
      const [topic, uri] = entry.split("=");
      if (!topic || !uri) fail(`--webhook expects topic=uri, got ${entry}`);
      return [topic, uri];
    }),
  );
}

function defined<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

async function start(): Promise<void> {
  const appSettings = {
    appUrl: values["app-url"] ?? null,
    apiSecret: values["api-secret"] ?? null,
    webhookSubscriptions: webhooks(),
  };
  const demo = demoShop(appSettings);
  if (values["generate-variants"]) {
    const variants = Number(values["generate-variants"]);
    generateCatalog(demo, { products: Math.ceil(variants / 10), variantsPerProduct: 10, seed: 1 });
  }
  const sandbox = await startShopifySandbox({
    port: Number(values.port ?? 0),
    controlToken: values.token ?? process.env.SANDBOX_CONTROL_TOKEN,
    shops: [demo, euShop(appSettings)],
  });
  process.stdout.write(
    `${JSON.stringify(
      {
        url: sandbox.url,
        controlToken: sandbox.controlToken,
        shops: { [DEMO_SHOP]: DEMO_ACCESS_TOKEN, [EU_SHOP]: EU_ACCESS_TOKEN },
        scopes: APP_SCOPES,
      },
      null,
      2,
    )}\n`,
  );
  const stop = async () => {
    await sandbox.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

function action(command: string, args: string[]): Record<string, unknown> {
  switch (command) {
    case "update-product": {
      if (!args[0]) fail("update-product needs a product id");
      return {
        action: "updateProduct",
        id: args[0],
        shop: values.shop,
        patch: defined({
          price: values.price,
          compareAtPrice: values["compare-at-price"],
          title: values.title,
          status: values.status,
          vendor: values.vendor,
          tags: values.tags?.split(",").map((tag) => tag.trim()),
        }),
      };
    }
    case "create-product":
      if (!values.shop || !values.title || !values.price)
        fail("create-product needs --shop, --title and --price");
      return {
        action: "createProduct",
        shop: values.shop,
        title: values.title,
        ...defined({ status: values.status, vendor: values.vendor }),
        variants: [
          defined({
            price: values.price,
            sku: values.sku,
            available: values.available ? Number(values.available) : undefined,
          }),
        ],
      };
    case "delete-product":
      return { action: "deleteProduct", id: args[0], shop: values.shop };
    case "set-inventory":
      if (args.length !== 3) fail("set-inventory needs <inventoryItemId> <locationId> <available>");
      return {
        action: "setInventory",
        inventoryItemId: args[0],
        locationId: args[1],
        available: Number(args[2]),
        shop: values.shop,
      };
    case "install":
      if (!values.shop || !values["access-token"]) fail("install needs --shop and --access-token");
      return {
        action: "install",
        shop: values.shop,
        accessToken: values["access-token"],
        ...defined({
          scopes: values.scopes?.split(",").map((scope) => scope.trim()),
          appUrl: values["app-url"],
          apiSecret: values["api-secret"],
        }),
        webhookSubscriptions: webhooks(),
      };
    case "uninstall":
      return { action: "uninstall", shop: args[0] };
    case "advance-clock":
      return { action: "advanceClock", ms: Number(args[0]) };
    default:
      fail(`unknown command ${command}`);
  }
}

async function main(): Promise<void> {
  const [command, ...args] = positionals;
  if (values.help || !command) fail("");
  if (command === "start") return start();
  const url = values.url ?? process.env.SANDBOX_SHOPIFY_URL;
  const token = values.token ?? process.env.SANDBOX_CONTROL_TOKEN;
  if (!url || !token) fail("pass --url and --token (or SANDBOX_SHOPIFY_URL and SANDBOX_CONTROL_TOKEN)");
  const response = await fetch(new URL("/_sandbox/control", url), {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(action(command, args)),
  });
  const body = await response.text();
  process.stdout.write(`${body}\n`);
  if (!response.ok) process.exitCode = 1;
}

await main();
