import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { ROOT } from "../support/paths";
import { freshSqliteUrl } from "../support/database";
import { normalizePrismaSchema } from "./schema-normalize";
import { postgresSchemaFrom } from "../../scripts/sync-postgres-schema.mjs";

const prisma = (args: string[], databaseUrl: string) =>
  execFileSync("prisma", args, {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

/** Applies every migration of the provider to an empty database, then reads the schema back. */
function migratedSchema(databaseUrl: string) {
  prisma(["migrate", "deploy"], databaseUrl);
  return normalizePrismaSchema(prisma(["db", "pull", "--print"], databaseUrl));
}

const source = readFileSync(path.join(ROOT, "prisma/schema.prisma"), "utf8");

describe("migrations", () => {
  it("the PostgreSQL schema is the generated copy of the SQLite one", () => {
    const generated = readFileSync(path.join(ROOT, "prisma/postgresql/schema.prisma"), "utf8");
    expect(generated).toBe(postgresSchemaFrom(source));
  });

  it("the last migration snapshot matches the schema (no unmigrated change)", () => {
    const snapshot = readFileSync(path.join(ROOT, "prisma/migrations/schema.snapshot.prisma"), "utf8");
    expect(snapshot).toBe(source);
  });

  it("SQLite and PostgreSQL migrations build the same schema, equal to prisma/schema.prisma", () => {
    const expected = normalizePrismaSchema(source);
    const onSqlite = migratedSchema(freshSqliteUrl());
    const postgresUrl = inject("postgresUrl").replace(/\/postgres$/, "/postgres?schema=migrations_test");
    const onPostgres = migratedSchema(postgresUrl);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(onSqlite).toEqual(expected);
    expect(onPostgres).toEqual(expected);
    // Four Prisma CLI runs on the WebAssembly engine: slow on a loaded 2-core machine.
  }, 240_000);
});
