import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { inject } from "vitest";
import { freePort, waitForHttp } from "./net";
import { freshSqliteUrl } from "./database";
import { ROOT, TMP_DIR } from "./paths";

export const TEST_API_KEY = "test-api-key";
export const TEST_API_SECRET = "test-api-secret-0123456789";
/** A valid 32-byte key, used only by tests. */
export const TEST_ENCRYPTION_KEYS = "k1:" + Buffer.alloc(32, 7).toString("base64");

/**
 * Builds the production bundle once per test run, whichever worker gets here first; the others
 * wait on the lock directory.
 */
export async function ensureAppBuilt(): Promise<void> {
  const marker = path.join(TMP_DIR, `built-${inject("runId")}`);
  const lock = path.join(TMP_DIR, "build.lock");
  for (;;) {
    if (existsSync(marker)) return;
    try {
      mkdirSync(lock);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (!existsSync(marker)) {
        execFileSync("remix", ["vite:build", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
        writeFileSync(marker, "");
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface AppServer {
  url: string;
  databaseUrl: string;
  output: () => string;
  stop: () => Promise<void>;
  /** SIGKILL: the process dies mid-work, as in a crash. */
  kill?: () => Promise<void>;
}

/**
 * Starts the built production server on 127.0.0.1 with its own database, exactly as `npm start` does
 * (scripts/start-server, with its heap cap), and waits until it answers. `root` runs another copy
 * of server.mjs + build/ (see tests/e2e/isolated-app.ts); by default the repository's own build.
 */
export async function startAppServer(
  options: { env?: Record<string, string>; databaseUrl?: string; root?: string } = {},
): Promise<AppServer> {
  const root = options.root ?? ROOT;
  if (!options.root) await ensureAppBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const databaseUrl = options.databaseUrl ?? freshSqliteUrl();
  let output = "";
  const child: ChildProcess = spawn(
    "bash",
    [path.join(ROOT, "scripts/start-server"), path.join(root, "server.mjs")],
    {
      cwd: root,
      env: {
        // The Node running the tests is the one start-server finds first.
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(port),
        SHOPIFY_API_KEY: TEST_API_KEY,
        SHOPIFY_API_SECRET: TEST_API_SECRET,
        SHOPIFY_APP_URL: url,
        SCOPES: "read_products,write_orders",
        DATABASE_URL: databaseUrl,
        APP_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await Promise.race([
      waitForHttp(`${url}/healthz`),
      exited.then(() => {
        throw new Error(`app server exited during start:\n${output}`);
      }),
    ]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    url,
    databaseUrl,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}
