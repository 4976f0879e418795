import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, readdirSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startPostgres } from "../../scripts/lib/postgres.mjs";
import { TMP_DIR, TEMPLATE_SQLITE, ROOT } from "../support/paths";

/** Newest modification time under a directory (to rebuild only when sources changed). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Once per run: build the real server bundle, migrate a template SQLite database that each test
 * server copies, and start one PostgreSQL cluster for the suites that need it.
 */
export default async function setup(project: TestProject) {
  mkdirSync(TMP_DIR, { recursive: true });
  const serverBundle = path.join(ROOT, "build/server/index.js");
  const sourcesChanged =
    !existsSync(serverBundle) || newestMtime(path.join(ROOT, "app")) > statSync(serverBundle).mtimeMs;
  if (process.env.CI || sourcesChanged) {
    execFileSync("remix", ["vite:build", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
  }

  rmSync(TEMPLATE_SQLITE, { force: true });
  execFileSync("prisma", ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${TEMPLATE_SQLITE}` },
    stdio: ["ignore", "ignore", "inherit"],
  });

  const postgres = await startPostgres();
  project.provide("postgresUrl", postgres.url());
  return () => postgres.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
