import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { ensureAppBuilt, startAppServer, type AppServer } from "../support/app-server";
import { ROOT, TMP_DIR } from "../support/paths";

/**
 * Like `startAppServer`, but from a private copy of the build. A browser loads route modules
 * lazily for as long as the test runs; if another test run rebuilds `build/` meanwhile (several
 * people share a checkout), the fingerprinted files the page asks for disappear. The copy sits
 * under the repository, so the server bundle still resolves packages from its node_modules.
 */
export async function startIsolatedAppServer(
  options: { env?: Record<string, string>; databaseUrl?: string } = {},
): Promise<AppServer> {
  const root = await snapshotBuild();
  try {
    const server = await startAppServer({ ...options, root });
    return {
      ...server,
      async stop() {
        await server.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** Copies server.mjs and build/ once the copy is whole (every asset the server names is there). */
async function snapshotBuild(): Promise<string> {
  await ensureAppBuilt();
  // Another run's build takes under a minute; wait out a few.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const root = path.join(TMP_DIR, `e2e-app-${randomUUID()}`);
    mkdirSync(root, { recursive: true });
    try {
      cpSync(path.join(ROOT, "server.mjs"), path.join(root, "server.mjs"));
      cpSync(path.join(ROOT, "build"), path.join(root, "build"), { recursive: true });
      if (isComplete(root)) return root;
    } catch {
      // A rebuild was emptying build/ while we copied; try again.
    }
    rmSync(root, { recursive: true, force: true });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error("build/ kept changing while it was being copied");
}

function isComplete(root: string): boolean {
  const server = path.join(root, "build/server/index.js");
  if (!existsSync(server)) return false;
  const assets = readFileSync(server, "utf8").match(/\/assets\/[\w.-]+\.(js|css)/g) ?? [];
  return assets.length > 0 && assets.every((asset) => existsSync(path.join(root, "build/client", asset)));
}
