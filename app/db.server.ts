import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { DatabaseDriver } from "./db/bulk-writes.server";
import { databaseProvider, sqliteFilePath } from "./db/url";
import { env } from "./env.server";
import type * as PgAdapterModule from "@prisma/adapter-pg";
import type * as PgModule from "pg";

/**
 * The Prisma client for DATABASE_URL. SQLite and PostgreSQL clients are generated from the same
 * models (prisma/schema.prisma and its generated PostgreSQL copy), so one type serves both.
 */

interface Database {
  client: PrismaClient;
  driver: DatabaseDriver;
}

function createDatabase(): Database {
  const url = env().DATABASE_URL;
  if (databaseProvider(url) === "postgresql") {
    // Loaded lazily so the SQLite default never needs the pg client.
    const require = createRequire(import.meta.url);
    const { PrismaPg } = require("@prisma/adapter-pg") as typeof PgAdapterModule;
    const pg = require("pg") as typeof PgModule;
    const { PrismaClient: PostgresClient } = require(".prisma/client-postgresql") as {
      PrismaClient: new (options: { adapter: unknown }) => PrismaClient;
    };
    // One pool for Prisma and the bulk writes, so they share the instance's connection budget.
    const pool = new pg.Pool({ connectionString: url });
    // An idle connection the server dropped (restart, failover) must not crash the process; the
    // pool replaces it on the next checkout.
    pool.on("error", (error) =>
      console.warn(JSON.stringify({ level: "warn", msg: "db.idle_connection_error", error: error.message })),
    );
    return {
      client: new PostgresClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }),
      driver: { kind: "postgresql", pool },
    };
  }
  const file = sqliteFilePath(url);
  return {
    client: new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file }) }),
    driver: { kind: "sqlite", file },
  };
}

declare global {
  var __acpDatabase: Database | undefined;
}

// Kept on globalThis so Vite's dev server reloads do not open a new connection pool each time.
const database: Database = globalThis.__acpDatabase ?? createDatabase();
if (process.env.NODE_ENV !== "production") globalThis.__acpDatabase = database;

const prisma: PrismaClient = database.client;

/** The SQLite file, or the pool Prisma's pg adapter uses: for the driver-level bulk writes. */
export function databaseDriver(): DatabaseDriver {
  return database.driver;
}

export default prisma;
