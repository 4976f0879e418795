// Writes prisma/postgresql/schema.prisma from prisma/schema.prisma: same models, PostgreSQL
// datasource, client generated into its own folder. Run after editing the SQLite schema.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function postgresSchemaFrom(sqliteSchema) {
  const header =
    "// GENERATED from ../schema.prisma by `npm run prisma:sync`. Do not edit: edit the SQLite schema.\n";
  return (
    header +
    sqliteSchema
      .replace(
        /provider = "sqlite"\n(\s*)url\s*= "file:dev.sqlite"/,
        'provider = "postgresql"\n$1url      = env("DATABASE_URL")',
      )
      .replace(
        /engineType {6}= "client"\n/,
        'engineType      = "client"\n  output          = "../../node_modules/.prisma/client-postgresql"\n',
      )
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
  mkdirSync(path.join(root, "prisma/postgresql"), { recursive: true });
  writeFileSync(path.join(root, "prisma/postgresql/schema.prisma"), postgresSchemaFrom(source));
  console.log("prisma/postgresql/schema.prisma written");
}
