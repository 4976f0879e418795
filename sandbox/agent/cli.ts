/**
 * Starts the agent stand-ins standalone, for the demo or manual testing, and prints where they
 * listen and the secrets to configure in the app. Runs until Ctrl-C.
 *
 *   bash scripts/node22 tsx sandbox/agent/cli.ts [--version 2026-04-17] [--event-names spec|openai]
 *     [--secret whsec_…] [--signature-header Merchant-Signature] [--webhook-port 0]
 *     [--feed-token …] [--feed-port 0] [--json]
 */
import { parseArgs } from "node:util";
import { startFeedReceiver } from "./feed-receiver";
import { ACP_VERSIONS, LATEST_ACP_VERSION, isAcpVersion } from "./spec";
import { startWebhookReceiver } from "./webhook-receiver";

const { values } = parseArgs({
  options: {
    version: { type: "string", default: LATEST_ACP_VERSION },
    "event-names": { type: "string", default: "spec" },
    secret: { type: "string" },
    "signature-header": { type: "string" },
    "webhook-port": { type: "string", default: "0" },
    "feed-token": { type: "string" },
    "feed-port": { type: "string", default: "0" },
    json: { type: "boolean", default: false },
  },
});

if (!isAcpVersion(values.version)) {
  process.stderr.write(`--version must be one of ${ACP_VERSIONS.join(", ")}\n`);
  process.exit(2);
}
const eventNames = values["event-names"];
if (eventNames !== "spec" && eventNames !== "openai") {
  process.stderr.write("--event-names must be spec or openai\n");
  process.exit(2);
}

const webhooks = await startWebhookReceiver({
  version: values.version,
  secret: values.secret,
  signatureHeader: values["signature-header"],
  eventNames,
  port: Number(values["webhook-port"]),
});
const feeds = await startFeedReceiver({ token: values["feed-token"], port: Number(values["feed-port"]) });

const summary = {
  webhook: {
    url: webhooks.url,
    version: webhooks.version,
    secret: webhooks.secret,
    signatureHeader: webhooks.signatureHeader,
    eventNames: webhooks.eventNames,
  },
  feeds: {
    apiBase: feeds.origin,
    uploadUrl: feeds.uploadUrl("products.jsonl.gz"),
    token: feeds.token,
  },
};

if (values.json) {
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} else {
  process.stdout.write(
    [
      "ACP agent stand-in is listening",
      `  order webhooks  POST ${summary.webhook.url}`,
      `                  ACP ${summary.webhook.version}, ${summary.webhook.signatureHeader} signed with ${summary.webhook.secret}`,
      `                  event names ${summary.webhook.eventNames.create} / ${summary.webhook.eventNames.update}`,
      `  feed API        ${summary.feeds.apiBase}/feeds  (Bearer ${summary.feeds.token}, API-Version 2026-04-17)`,
      `  file upload     PUT ${summary.feeds.apiBase}/uploads/<name>.jsonl.gz|.csv.gz  (same token)`,
      "Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
}

// Report each arrival so a demo shows what the app sent and how the agent judged it.
const seen = { webhook: 0, feed: 0 };
const timer = setInterval(() => {
  for (const d of webhooks.deliveries().slice(seen.webhook)) {
    const reason = d.accepted
      ? "accepted"
      : ((d.response as { message?: string } | undefined)?.message ?? "");
    process.stdout.write(`webhook #${d.seq} ${d.eventType ?? "?"} → ${d.status} ${reason}\n`);
  }
  seen.webhook = webhooks.deliveries().length;
  for (const r of feeds.requests().slice(seen.feed)) {
    process.stdout.write(`feed #${r.seq} ${r.method} ${r.path} → ${r.status}\n`);
  }
  seen.feed = feeds.requests().length;
}, 500);

async function stop() {
  clearInterval(timer);
  await Promise.all([webhooks.close(), feeds.close()]);
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
