// `npm run setup`: generates both Prisma clients (SQLite and PostgreSQL share one model) and
// applies the migrations of the provider DATABASE_URL points at.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";

const databaseUrl = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
const run = (args, env = {}) =>
  execFileSync("prisma", args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...env } });

export function generateClients() {
  // Generation never connects; the URL only makes prisma.config.ts pick the schema and adapter.
  run(["generate"], { DATABASE_URL: "file:./prisma/dev.sqlite" });
  run(["generate"], { DATABASE_URL: "postgresql://generate@127.0.0.1:1/none" });
}

export async function migrate(url = databaseUrl) {
  if (url.startsWith("file:")) mkdirSync(path.dirname(url.slice(5)), { recursive: true });
  run(["migrate", "deploy"], { DATABASE_URL: url });
  // On PostgreSQL the job queue is graphile-worker, with its own schema and migrations (the app
  // also applies them at start-up; doing it here lets a web-only instance start on a fresh database).
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const { runMigrations } = await import("graphile-worker");
    await runMigrations({ connectionString: url });
  }
}

if (process.argv.includes("--generate-only")) generateClients();
else {
  generateClients();
  await migrate();
}
