import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startPostgres } from "../../scripts/lib/postgres.mjs";
import { TMP_DIR, TEMPLATE_SQLITE, ROOT } from "../support/paths";

/**
 * Once per run: migrate a template SQLite database that each test
 * server copies, and start one PostgreSQL cluster for the suites that need it.
 */
export default async function setup(project: TestProject) {
  mkdirSync(TMP_DIR, { recursive: true });
  rmSync(path.join(TMP_DIR, "build.lock"), { recursive: true, force: true });
  // The server bundle is built lazily by the first suite that starts the app (ensureAppBuilt),
  // so unit-only runs do not pay for it; this run id makes each run build at most once.
  project.provide("runId", `${process.pid}-${Date.now()}`);

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
    runId: string;
  }
}
