import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type { Pool } from "pg";

/**
 * Writes of many rows, run on the database driver itself instead of through Prisma
 * (docs/decisions/014-bulk-writes-on-the-driver.md). Prisma's query compiler (WebAssembly) turned each
 * 2,000-row `createMany` of a catalog import into seconds of CPU and hundreds of MB of memory that
 * WebAssembly never gives back; the driver inserts the same rows in a tenth of the time.
 *
 * The writes run in one transaction, all or nothing, on the same tables Prisma migrates: SQL is written
 * once with `?` placeholders and quoted identifiers, which both SQLite and PostgreSQL read. Values are
 * converted the way Prisma's adapters store them, so Prisma reads the rows back unchanged.
 */

/** Where the writes go: the SQLite file, or the pool Prisma's pg adapter uses (app/db.server.ts). */
export type DatabaseDriver = { kind: "sqlite"; file: string } | { kind: "postgresql"; pool: Pool };

export type SqlValue = string | number | bigint | boolean | Date | null;

/** One statement: `?` placeholders, never inside a string literal. */
export interface SqlStatement {
  sql: string;
  params: SqlValue[];
}

/** Many rows into one table; with `upsertOn`, a row whose key exists replaces the other columns. */
export interface SqlInsert {
  table: string;
  columns: readonly string[];
  rows: SqlValue[][];
  /** The unique key (primary key or unique index) that decides "exists". */
  upsertOn?: readonly string[];
}

export type SqlWrite = SqlStatement | SqlInsert;

/**
 * An insert of whole records of a model, its columns taken from the model (Prisma's
 * `<Model>ScalarFieldEnum`): a column added to the model is a type error here until every caller
 * fills it, so the SQL never silently lags behind the schema.
 */
export function insertRecords<Column extends string>(
  table: string,
  fields: Record<string, Column>,
  records: Record<Column, SqlValue>[],
  options: { upsertOn?: Column[] } = {},
): SqlInsert {
  const columns = Object.values(fields);
  return {
    table,
    columns,
    rows: records.map((record) => columns.map((column) => record[column])),
    ...(options.upsertOn ? { upsertOn: options.upsertOn } : {}),
  };
}

const quote = (identifier: string) => `"${identifier}"`;

function isInsert(write: SqlWrite): write is SqlInsert {
  return "rows" in write;
}

/** `ON CONFLICT (key) DO UPDATE SET c = excluded.c, …`: the same text in SQLite and PostgreSQL. */
function conflictClause(write: SqlInsert): string {
  if (!write.upsertOn) return "";
  const key = new Set(write.upsertOn);
  const updates = write.columns
    .filter((column) => !key.has(column))
    .map((c) => `${quote(c)} = excluded.${quote(c)}`);
  return ` ON CONFLICT (${write.upsertOn.map(quote).join(", ")}) DO UPDATE SET ${updates.join(", ")}`;
}

/** Runs every write in one transaction; returns the rows each write changed. */
export async function writeAtomically(driver: DatabaseDriver, writes: SqlWrite[]): Promise<number[]> {
  if (writes.length === 0) return [];
  return driver.kind === "postgresql" ? writePostgres(driver.pool, writes) : writeSqlite(driver.file, writes);
}

// ---------------------------------------------------------------------------------------------------
// SQLite

// The better-sqlite3 adapter stores DateTime as ISO 8601 with "+00:00" (its default `timestampFormat`);
// rows compared with Prisma's (`syncedAt < startedAt`) must be written the same way.
function sqliteValue(value: SqlValue): string | number | bigint | null {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  // Prisma stores Boolean as 0/1 in SQLite.
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

interface SqliteWriter {
  db: BetterSqlite3.Database;
  statements: Map<string, BetterSqlite3.Statement>;
}

declare global {
  // Kept across Vite dev-server reloads, like the Prisma client, so a reload does not leak a connection.
  var __acpBulkSqlite: SqliteWriter | null | undefined;
}

let sqlite: SqliteWriter | null = globalThis.__acpBulkSqlite ?? null;

/**
 * A connection of its own: Prisma's is not reachable, and must not carry our transaction into one of
 * its own. No busy timeout: better-sqlite3 waits synchronously, which would block the event loop that
 * Prisma's open transaction needs to finish. A busy database is retried after yielding instead.
 */
function sqliteWriter(file: string): SqliteWriter {
  if (sqlite && sqlite.db.name === file && sqlite.db.open) return sqlite;
  sqlite?.db.close();
  const require = createRequire(import.meta.url);
  const Database = require("better-sqlite3") as typeof BetterSqlite3;
  sqlite = { db: new Database(file, { timeout: 0 }), statements: new Map() };
  globalThis.__acpBulkSqlite = sqlite;
  return sqlite;
}

function prepared(writer: SqliteWriter, sql: string): BetterSqlite3.Statement {
  let statement = writer.statements.get(sql);
  if (!statement) {
    statement = writer.db.prepare(sql);
    // One per table and column list; the bound only guards against a caller that varies them.
    if (writer.statements.size > 50) writer.statements.clear();
    writer.statements.set(sql, statement);
  }
  return statement;
}

const BUSY_RETRY_MS = 30_000;

async function writeSqlite(file: string, writes: SqlWrite[]): Promise<number[]> {
  const writer = sqliteWriter(file);
  // Synchronous from BEGIN to COMMIT: nothing else in this process runs while the write lock is held.
  const run = writer.db.transaction(() =>
    writes.map((write) => {
      // Other statements vary with their IN lists; preparing one costs microseconds.
      if (!isInsert(write)) return writer.db.prepare(write.sql).run(write.params.map(sqliteValue)).changes;
      // One prepared single-row INSERT per row is better-sqlite3's fastest path: no SQL text per batch.
      const statement = prepared(
        writer,
        `INSERT INTO ${quote(write.table)} (${write.columns.map(quote).join(", ")}) VALUES (${write.columns.map(() => "?").join(", ")})${conflictClause(write)}`,
      );
      let changes = 0;
      for (const row of write.rows) changes += statement.run(row.map(sqliteValue)).changes;
      return changes;
    }),
  ).immediate;
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 250)) {
    try {
      return run();
    } catch (error) {
      // Another connection holds the database (a Prisma transaction waiting on this event loop, or
      // another process). The transaction was rolled back; run it again once that one is done.
      const code = (error as { code?: string }).code ?? "";
      if (!code.startsWith("SQLITE_BUSY") || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Closes the SQLite connection (tests that delete the database file). */
export function closeBulkWriter(): void {
  sqlite?.db.close();
  sqlite = null;
  globalThis.__acpBulkSqlite = null;
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

// `timestamp(3)` columns hold UTC wall time, as Prisma's pg adapter writes it: the ISO string without
// its zone (a zone would be converted from the server's time zone).
function postgresValue(value: SqlValue): string | number | boolean | null {
  if (value instanceof Date) return value.toISOString().slice(0, -1);
  if (typeof value === "bigint") return value.toString();
  return value;
}

function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** Rows per INSERT: 12 columns × 500 = 6,000 parameters, well under PostgreSQL's 65,535. */
const POSTGRES_ROWS_PER_INSERT = 500;

async function writePostgres(pool: Pool, writes: SqlWrite[]): Promise<number[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const changes: number[] = [];
    for (const write of writes) {
      if (!isInsert(write)) {
        const result = await client.query(numbered(write.sql), write.params.map(postgresValue));
        changes.push(result.rowCount ?? 0);
        continue;
      }
      let count = 0;
      for (let start = 0; start < write.rows.length; start += POSTGRES_ROWS_PER_INSERT) {
        const rows = write.rows.slice(start, start + POSTGRES_ROWS_PER_INSERT);
        const width = write.columns.length;
        const values = rows
          .map((_, r) => `(${write.columns.map((__, c) => `$${r * width + c + 1}`).join(", ")})`)
          .join(", ");
        const result = await client.query(
          `INSERT INTO ${quote(write.table)} (${write.columns.map(quote).join(", ")}) VALUES ${values}${conflictClause(write)}`,
          rows.flat().map(postgresValue),
        );
        count += result.rowCount ?? 0;
      }
      changes.push(count);
    }
    await client.query("COMMIT");
    return changes;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    // A connection whose rollback failed is destroyed, not handed to the next caller mid-transaction.
    client.release(broken);
  }
}
