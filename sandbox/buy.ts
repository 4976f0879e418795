/**
 * `npm run sandbox:buy`: an agent buying two items with shipping from the running demo
 * (`npm run demo`), printing every ACP request and response. Reads the demo's
 * .data/sandbox-info.json (or SANDBOX_INFO_FILE). `SANDBOX_BUY_3DS=1`: the card's issuer asks
 * for 3-D Secure, and the agent authenticates the buyer and completes again with the result.
 */
import { readFileSync } from "node:fs";
import {
  buildRequests,
  createAcpClient,
  paymentHandlerIdFrom,
  SAMPLE_ADDRESS,
  SAMPLE_BUYER,
  type AcpResponse,
} from "./agent/buyer";
import { STRIPE_API_VERSION } from "./stripe/version";

const info = JSON.parse(
  readFileSync(process.env.SANDBOX_INFO_FILE ?? ".data/sandbox-info.json", "utf8"),
) as Record<string, string>;
const version = (process.env.ACP_VERSION ?? "2026-04-17") as Parameters<typeof buildRequests>[0];
const client = createAcpClient({ baseUrl: info.acpBaseUrl, apiKey: info.apiKey, apiVersion: version });
const build = buildRequests(version);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function show(step: string, response: AcpResponse) {
  process.stdout.write(`\n=== ${step}\n${response.request.method} ${response.request.url}\n`);
  if (response.request.body) process.stdout.write(`${response.request.body}\n`);
  process.stdout.write(`--> ${response.status}\n${JSON.stringify(response.body, null, 2)}\n`);
  if (response.status >= 400) throw new Error(`${step} failed with ${response.status}`);
  return response.body as Json;
}

// Two items the demo store sells, found through its Admin API as the feed would list them.
const catalog = await fetch(`${info.shopifyUrl}/admin/api/2026-04/graphql.json`, {
  method: "POST",
  headers: {
    "Content-Type": "application/json",
    "X-Shopify-Access-Token": info.shopifyAccessToken,
    "x-shopify-sandbox-shop": info.shop,
  },
  body: JSON.stringify({
    query: `{ products(first: 10, query: "status:active") { nodes { title variants(first: 5) { nodes { id availableForSale inventoryItem { requiresShipping } } } } } }`,
  }),
}).then((response) => response.json() as Promise<Json>);
const shippable = (catalog.data.products.nodes as Json[])
  .flatMap((product) =>
    (product.variants.nodes as Json[]).map((variant): Json => ({ ...variant, title: product.title })),
  )
  .filter((variant) => variant.availableForSale && variant.inventoryItem.requiresShipping);
const items = [shippable[0], shippable.find((variant) => variant.title !== shippable[0].title)!].map(
  (variant) => ({
    id: String(variant.id).split("/").pop()!,
    quantity: 1,
  }),
);

const buyer = SAMPLE_BUYER;
const address = SAMPLE_ADDRESS;

show("discovery", await client.discovery());
const created = show("create", await client.createCheckout(build.create({ items, buyer, address })));
const option = (created.fulfillment_options as Json[])[0];
const ready = show(
  "choose shipping",
  await client.updateCheckout(
    created.id,
    build.update({ fulfillmentOptionId: option.id, itemIds: items.map((item) => item.id) }),
  ),
);
const total = (ready.totals as Json[]).find((line) => line.type === "total")!.amount as number;

// The agent's PSP grants the merchant a Shared Payment Token for exactly this total.
const threeDSecure = process.env.SANDBOX_BUY_3DS === "1";
const form = new URLSearchParams({
  payment_method: threeDSecure ? "pm_card_authenticationRequired" : "pm_card_visa",
  "usage_limits[currency]": ready.currency,
  "usage_limits[max_amount]": String(total),
  "usage_limits[expires_at]": String(Math.floor(Date.now() / 1000) + 3600),
});
const token = (await fetch(`${info.stripeUrl}/v1/test_helpers/shared_payment/granted_tokens`, {
  method: "POST",
  headers: {
    Authorization: `Bearer ${info.stripeSecretKey}`,
    "Stripe-Version": STRIPE_API_VERSION,
    "Content-Type": "application/x-www-form-urlencoded",
  },
  body: form,
}).then((response) => response.json())) as Json;
process.stdout.write(`\n=== shared payment token ${token.id} (max ${total} ${ready.currency})\n`);

const payment = build.complete({
  paymentToken: token.id,
  handlerId: paymentHandlerIdFrom(ready) ?? undefined,
});
let completed = show("complete", await client.completeCheckout(created.id, payment));
if (completed.status === "authentication_required") {
  // The agent's 3DS provider authenticates the buyer (the Stripe stand-in plays the issuer).
  const result = (await fetch(
    `${info.stripeUrl}/v1/test_helpers/shared_payment/granted_tokens/${token.id}/authenticate`,
    {
      method: "POST",
      headers: { Authorization: `Bearer ${info.stripeSecretKey}`, "Stripe-Version": STRIPE_API_VERSION },
    },
  ).then((response) => response.json())) as Json;
  process.stdout.write(`\n=== 3-D Secure passed (transaction ${result.transaction_id})\n`);
  completed = show(
    "complete with authentication_result",
    await client.completeCheckout(created.id, {
      ...payment,
      authentication_result: {
        outcome: "authenticated",
        outcome_details: {
          three_ds_cryptogram: result.cryptogram,
          electronic_commerce_indicator: result.electronic_commerce_indicator,
          transaction_id: result.transaction_id,
          version: result.version,
        },
      },
    }),
  );
}
process.stdout.write(`\nOrder ${completed.order?.id} — status page: ${completed.order?.permalink_url}\n`);
