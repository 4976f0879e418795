import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type { PrismaClient } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { Logger, runMigrations } from "graphile-worker";
import pg from "pg";
import { ROOT } from "./paths";

const silentLogger = new Logger(() => () => undefined);

/**
 * A new database on the test PostgreSQL cluster with the app's migrations and graphile-worker's,
 * and a Prisma client on it.
 */
export async function freshPostgresDatabase(clusterUrl: string): Promise<{ url: string; db: PrismaClient }> {
  const name = `acp_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = clusterUrl.replace(/\/[^/]*$/, `/${name}`);
  execFileSync("prisma", ["migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "ignore", "inherit"],
  });
  // The job queue's own schema (graphile-worker), as the app installs it at start-up.
  await runMigrations({ connectionString: url, logger: silentLogger });
  // The PostgreSQL client is generated from the same models; its type is the SQLite client's.
  const require = createRequire(import.meta.url);
  const { PrismaClient: PostgresClient } = require("../../node_modules/.prisma/client-postgresql") as {
    PrismaClient: new (options: { adapter: unknown }) => PrismaClient;
  };
  return { url, db: new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) };
}
