/** Which Prisma provider a DATABASE_URL points at. Pure: shared by the app and the Prisma CLI config. */
export type DatabaseProvider = "sqlite" | "postgresql";

export function databaseProvider(url: string): DatabaseProvider {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgresql" : "sqlite";
}

/** `file:./prisma/dev.sqlite` → `./prisma/dev.sqlite` (relative to the working directory). */
export function sqliteFilePath(url: string): string {
  return url.replace(/^file:/, "");
}
