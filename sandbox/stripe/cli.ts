import { parseArgs } from "node:util";
import {
  APP_PERMISSIONS,
  DEMO_ACCOUNT_ID,
  DEMO_RESTRICTED_KEY,
  DEMO_RESTRICTED_KEY_WITHOUT_PAYMENT_INTENT_WRITE,
  DEMO_SECRET_KEY,
} from "./accounts";
import { startStripeSandbox } from "./server";

/**
 * Runs the sandbox on its own for the demo:
 *   bash scripts/node22 tsx sandbox/stripe/cli.ts --port 12111 [--search-lag-ms 2000]
 * Point the app at it with STRIPE host 127.0.0.1, that port and protocol http.
 */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "12111" },
    "search-lag-ms": { type: "string", default: "0" },
  },
});

const port = Number(values.port);
const searchLagMs = Number(values["search-lag-ms"]);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  throw new Error(`--port must be 0-65535, got ${values.port}`);
if (!Number.isFinite(searchLagMs) || searchLagMs < 0)
  throw new Error("--search-lag-ms must be a number >= 0");

const sandbox = await startStripeSandbox({ port, searchLagMs });
process.stdout.write(
  [
    `Stripe sandbox listening on ${sandbox.url} (Stripe-Version ${sandbox.apiVersion})`,
    `  account                      ${DEMO_ACCOUNT_ID}`,
    `  secret key                   ${DEMO_SECRET_KEY}`,
    `  restricted key (app)         ${DEMO_RESTRICTED_KEY}  [${APP_PERMISSIONS.join(", ")}]`,
    `  restricted key (no PI write) ${DEMO_RESTRICTED_KEY_WITHOUT_PAYMENT_INTENT_WRITE}`,
    `Mint a token: curl ${sandbox.url}/v1/test_helpers/shared_payment/granted_tokens -u ${DEMO_SECRET_KEY}: \\`,
    `  -H "Stripe-Version: ${sandbox.apiVersion}" -d payment_method=pm_card_visa \\`,
    `  -d "usage_limits[currency]=usd" -d "usage_limits[max_amount]=10000"`,
    "",
  ].join("\n"),
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void sandbox.stop().then(() => process.exit(0));
  });
}
