import { copyFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { TEMPLATE_SQLITE, TMP_DIR } from "./paths";

/** A new migrated SQLite database file for one test server. */
export function freshSqliteUrl(): string {
  const file = path.join(TMP_DIR, `db-${randomUUID()}.sqlite`);
  copyFileSync(TEMPLATE_SQLITE, file);
  return `file:${file}`;
}

/** A Prisma client on a test database, to arrange and inspect state around HTTP calls. */
export function testPrisma(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl.replace(/^file:/, "") }) });
}
