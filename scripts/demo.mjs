// `npm run demo`: migrate the SQLite database, build the app, then start it with the sandbox
// store, Stripe stand-in and agent receiver (sandbox/demo.ts).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite" };

execFileSync("node", ["scripts/setup.mjs"], { stdio: "inherit", env });
execFileSync("remix", ["vite:build", "--logLevel", "warn"], { stdio: "inherit", env });
execFileSync("node", ["--import", "tsx", "sandbox/demo.ts"], { stdio: "inherit", env });
