// Creates a migration for both providers from the change between the last migrated model
// (prisma/migrations/schema.snapshot.prisma) and prisma/schema.prisma:
//   npm run migration -- add_checkout_sessions
// Why not `prisma migrate dev`: it needs a shadow database per provider and fails offline on a
// new SQLite file; diffing two datamodels needs neither (docs/decisions/002).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { postgresSchemaFrom } from "./sync-postgres-schema.mjs";
import { startPostgres } from "./lib/postgres.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run migration -- <snake_case_name>");
  process.exit(2);
}
const schemaPath = path.join(root, "prisma/schema.prisma");
const snapshotPath = path.join(root, "prisma/migrations/schema.snapshot.prisma");
const current = readFileSync(schemaPath, "utf8");
writeFileSync(path.join(root, "prisma/postgresql/schema.prisma"), postgresSchemaFrom(current));

const scratch = mkdtempSync(path.join(tmpdir(), "acp-migration-"));
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const folder = `${stamp}_${name}`;

// The PostgreSQL diff runs through the pg driver adapter, which needs a live server.
const postgres = await startPostgres();
try {
  for (const provider of ["sqlite", "postgresql"]) {
    const toSchema = provider === "sqlite" ? current : postgresSchemaFrom(current);
    const toPath = path.join(scratch, `to-${provider}.prisma`);
    writeFileSync(toPath, toSchema);
    const args = ["prisma", "migrate", "diff", "--script", "--to-schema-datamodel", toPath];
    if (existsSync(snapshotPath)) {
      const previous = readFileSync(snapshotPath, "utf8");
      const fromPath = path.join(scratch, `from-${provider}.prisma`);
      writeFileSync(fromPath, provider === "sqlite" ? previous : postgresSchemaFrom(previous));
      args.push("--from-schema-datamodel", fromPath);
    } else {
      args.push("--from-empty");
    }
    const env = {
      ...process.env,
      DATABASE_URL: provider === "sqlite" ? `file:${path.join(scratch, "x.sqlite")}` : postgres.url(),
    };
    const out = execFileSync("npx", args, { cwd: root, env, encoding: "utf8" });
    // The CLI prints a config notice on stdout before the script.
    const sql = out.slice(out.indexOf("--"));
    const dir = path.join(
      root,
      provider === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations",
      folder,
    );
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql);
    console.log(`${path.relative(root, dir)}/migration.sql`);
  }
} finally {
  postgres.stop();
}
writeFileSync(snapshotPath, current);
