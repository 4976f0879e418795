// Prisma CLI configuration. The Rust schema engine cannot be downloaded on our machines, so the CLI
// runs its WebAssembly engine through a driver adapter (see docs/decisions/002).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { databaseProvider, sqliteFilePath } from "./app/db/url";

const databaseUrl = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
const provider = databaseProvider(databaseUrl);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema:
    provider === "postgresql"
      ? path.join("prisma", "postgresql", "schema.prisma")
      : path.join("prisma", "schema.prisma"),
  migrations: {
    path:
      provider === "postgresql"
        ? path.join("prisma", "postgresql", "migrations")
        : path.join("prisma", "migrations"),
  },
  async adapter() {
    if (provider === "postgresql") {
      const { postgresCliAdapter } = await import("./app/db/postgres-cli-adapter");
      return postgresCliAdapter(databaseUrl);
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: sqliteFilePath(databaseUrl) });
  },
});
