// `npm run demo`: the embedded default on one machine. SQLite, built app on 127.0.0.1:3000.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const port = Number(process.env.PORT || 3000);
const host = "127.0.0.1";
const appUrl = `http://${host}:${port}`;

// Demo secrets are made once per checkout and kept out of git (.data/ is ignored).
mkdirSync(".data", { recursive: true });
const secretsFile = ".data/demo-secrets.json";
if (!existsSync(secretsFile)) {
  writeFileSync(
    secretsFile,
    JSON.stringify({
      apiSecret: randomBytes(24).toString("hex"),
      encryptionKeys: `demo1:${randomBytes(32).toString("base64")}`,
    }),
    { mode: 0o600 },
  );
}
const secrets = JSON.parse(readFileSync(secretsFile, "utf8"));

const env = {
  ...process.env,
  NODE_ENV: "production",
  HOST: host,
  PORT: String(port),
  DATABASE_URL: process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite",
  SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? "demo-api-key",
  SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET ?? secrets.apiSecret,
  SHOPIFY_APP_URL: appUrl,
  APP_ENCRYPTION_KEYS: process.env.APP_ENCRYPTION_KEYS ?? secrets.encryptionKeys,
};

execFileSync("node", ["scripts/setup.mjs"], { stdio: "inherit", env });
execFileSync("remix", ["vite:build", "--logLevel", "warn"], { stdio: "inherit", env });

const app = spawn("node", ["server.mjs"], { stdio: "inherit", env });
console.log(`\nACP app (demo) on ${appUrl}  — health: ${appUrl}/healthz`);
const stop = () => app.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
app.on("exit", (code) => process.exit(code ?? 0));
