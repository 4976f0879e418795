import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseProvider, sqliteFilePath } from "./db/url";
import { env } from "./env.server";
import type * as PgAdapterModule from "@prisma/adapter-pg";

/**
 * The Prisma client for DATABASE_URL. SQLite and PostgreSQL clients are generated from the same
 * models (prisma/schema.prisma and its generated PostgreSQL copy), so one type serves both.
 */
function createClient(): PrismaClient {
  const url = env().DATABASE_URL;
  if (databaseProvider(url) === "postgresql") {
    // Loaded lazily so the SQLite default never needs the pg client.
    const require = createRequire(import.meta.url);
    const { PrismaPg } = require("@prisma/adapter-pg") as typeof PgAdapterModule;
    const { PrismaClient: PostgresClient } = require(".prisma/client-postgresql") as {
      PrismaClient: new (options: { adapter: unknown }) => PrismaClient;
    };
    return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) });
  }
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: sqliteFilePath(url) }) });
  return client;
}

declare global {
  var __acpPrisma: PrismaClient | undefined;
}

// Kept on globalThis so Vite's dev server reloads do not open a new connection pool each time.
const prisma: PrismaClient = globalThis.__acpPrisma ?? createClient();
if (process.env.NODE_ENV !== "production") globalThis.__acpPrisma = prisma;

export default prisma;
