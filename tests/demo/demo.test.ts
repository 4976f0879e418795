import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { ensureAppBuilt } from "../support/app-server";
import { freshSqliteUrl } from "../support/database";
import { freePort } from "../support/net";
import { ROOT, TMP_DIR } from "../support/paths";

let stopDemo: (() => void) | undefined;

afterAll(() => stopDemo?.());

it("npm run demo writes SANDBOX_INFO_FILE, and every URL in it answers", async () => {
  await ensureAppBuilt();
  const infoFile = path.join(TMP_DIR, `sandbox-info-${Date.now()}.json`);
  const port = await freePort();
  const demo = spawn(process.execPath, ["--import", "tsx", "sandbox/demo.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATABASE_URL: freshSqliteUrl(), SANDBOX_INFO_FILE: infoFile },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  demo.stdout?.on("data", (chunk) => (output += chunk));
  demo.stderr?.on("data", (chunk) => (output += chunk));
  stopDemo = () => {
    try {
      process.kill(-demo.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + 90_000;
  while (!existsSync(infoFile) && Date.now() < deadline && demo.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(existsSync(infoFile), output.slice(-3000)).toBe(true);
  const info = JSON.parse(readFileSync(infoFile, "utf8")) as Record<string, string>;
  for (const key of [
    "shop",
    "adminUrl",
    "acpBaseUrl",
    "apiKey",
    "feedUrl",
    "stripeUrl",
    "webhookReceiverUrl",
  ]) {
    expect(info[key], key).toBeTruthy();
  }
  expect((await fetch(info.adminUrl)).status).toBe(200);
  expect((await fetch(`${info.acpBaseUrl}/.well-known/acp.json`)).status).toBe(200);
  const feed = await fetch(info.feedUrl);
  expect(feed.status).toBe(200);
  // The stand-ins answer too (their own status codes for a bare GET).
  for (const url of [info.stripeUrl, info.webhookReceiverUrl]) {
    const response = await fetch(url);
    expect(response.status).toBeLessThan(500);
  }
  const session = await fetch(`${info.acpBaseUrl}/checkout_sessions/cs_unknown`, {
    headers: { Authorization: `Bearer ${info.apiKey}`, "API-Version": "2026-04-17" },
  });
  expect(session.status).toBe(404);
}, 150_000);
