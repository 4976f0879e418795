import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { signWebhookPayload } from "./webhook-receiver";

const here = path.dirname(fileURLToPath(import.meta.url));

it("starts both receivers standalone, prints where and with which secrets, and stops on SIGTERM", async () => {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(here, "cli.ts"),
      "--json",
      "--version",
      "2025-12-12",
      "--event-names",
      "openai",
    ],
    {
      cwd: path.resolve(here, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0]);
      });
      child.once("exit", (code) => reject(new Error(`cli exited early (${code})`)));
    });
    const summary = JSON.parse(firstLine);
    expect(summary.webhook).toMatchObject({
      version: "2025-12-12",
      eventNames: { create: "order_created" },
      signatureHeader: "Merchant-Signature",
    });
    expect(summary.webhook.url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/agentic_checkout\/webhooks\/order_events$/,
    );

    const body = JSON.stringify({
      type: "order_created",
      data: {
        type: "order",
        checkout_session_id: "cs_1",
        permalink_url: "https://shop.example/o/1",
        status: "created",
        refunds: [],
      },
    });
    const response = await fetch(summary.webhook.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Merchant-Signature": signWebhookPayload("2025-12-12", summary.webhook.secret, body),
      },
      body,
    });
    expect(response.status).toBe(200);

    const feeds = await fetch(`${summary.feeds.apiBase}/feeds`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${summary.feeds.token}`,
        "API-Version": "2026-04-17",
        "Content-Type": "application/json",
      },
      body: "{}",
    });
    expect(feeds.status).toBe(201);
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  }
});
