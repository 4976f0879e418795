import { z } from "zod";

/**
 * Every environment variable the app reads, checked once at start-up. Each entry says what it is
 * for, so a failed start names the variable and its purpose (README: Configuration).
 */
const booleanFlag = z
  .enum(["1", "0", "true", "false", ""])
  .transform((value) => value === "1" || value === "true");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  SHOPIFY_API_KEY: z.string().min(1).describe("the app's client id from the Partner Dashboard"),
  SHOPIFY_API_SECRET: z
    .string()
    .min(1)
    .describe("the app's client secret; signs sessions and verifies webhook HMACs"),
  SHOPIFY_APP_URL: z.url().describe("public https URL of this app (also the ACP base URL)"),
  SCOPES: z
    .string()
    .optional()
    .describe("access scopes; normally taken from shopify.app.toml, set only to override"),
  DATABASE_URL: z
    .string()
    .default("file:./prisma/dev.sqlite")
    .describe("file:<path> for SQLite (default) or postgresql://… for several instances"),
  APP_ENCRYPTION_KEYS: z
    .string()
    .regex(
      /^([a-z0-9_-]+:[A-Za-z0-9+/]{43}=)(,[a-z0-9_-]+:[A-Za-z0-9+/]{43}=)*$/,
      "expected id:base64key[,id:base64key…] with 32-byte keys",
    )
    .optional()
    .describe("keys that encrypt stored secrets (first one encrypts; all decrypt, for rotation)"),
  ACP_SANDBOX: booleanFlag
    .default(false)
    .describe("route Shopify and Stripe calls to the local sandbox (demo and tests)"),
  SANDBOX_SHOPIFY_URL: z
    .url()
    .optional()
    .describe("base URL of the sandbox Shopify Admin API (sandbox mode only)"),
  SANDBOX_STRIPE_URL: z.url().optional().describe("base URL of the sandbox Stripe API (sandbox mode only)"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info").describe("log verbosity"),
  COMPLETION_LEASE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(60)
    .describe("how long a completion's driver holds it before recovery may take over"),
  IDEMPOTENCY_LEASE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(300)
    .default(15)
    .describe(
      "how long a running request holds its Idempotency-Key without renewing it; a dead instance's keys are free after this",
    ),
  RECOVERY_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe("how often stalled completions are looked for"),
  BUYER_DATA_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe("days buyer names, emails, phones and addresses stay on checkout records (default 90)"),
  METRICS_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe("bearer token for GET /metrics; without it /metrics answers direct loopback requests only"),
  ACP_RATE_LIMITS: z
    .string()
    .regex(/^\d+\/[sm](,\d+\/[sm])*$/, "expected <count>/s and/or <count>/m, e.g. 100/s,3000/m")
    .default("100/s,3000/m")
    .describe("requests each agent key may make to the ACP endpoints per second and per minute"),
  DISCOVERY_RATE_LIMITS: z
    .string()
    .regex(/^\d+\/[sm](,\d+\/[sm])*$/, "expected <count>/s and/or <count>/m, e.g. 20/s,300/m")
    .default("20/s,300/m")
    .describe("requests each client address may make to /.well-known/acp.json per second and per minute"),
  FEED_RATE_LIMITS: z
    .string()
    .regex(/^\d+\/[sm](,\d+\/[sm])*$/, "expected <count>/s and/or <count>/m, e.g. 60/s,1200/m")
    .default("60/s,1200/m")
    .describe("feed pull requests (index and files) each client address may make per second and per minute"),
  SHOPIFY_ADMIN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe("how long one Shopify Admin API call may take before it is abandoned and retried"),
});

function isLoopbackUrl(value: string): boolean {
  try {
    const host = new URL(value).hostname;
    return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** Rules that involve several variables; checked even when single variables are also wrong. */
function crossFieldProblems(source: Record<string, string | undefined>): { name: string; message: string }[] {
  const problems: { name: string; message: string }[] = [];
  const sandbox = source.ACP_SANDBOX === "1" || source.ACP_SANDBOX === "true";
  const production = (source.NODE_ENV ?? "production") === "production";
  if (production && !sandbox && !source.APP_ENCRYPTION_KEYS) {
    problems.push({ name: "APP_ENCRYPTION_KEYS", message: "required in production" });
  }
  if (sandbox && production) {
    problems.push({ name: "ACP_SANDBOX", message: "sandbox mode cannot run with NODE_ENV=production" });
  }
  if (sandbox && !source.SANDBOX_SHOPIFY_URL) {
    problems.push({ name: "SANDBOX_SHOPIFY_URL", message: "required when ACP_SANDBOX=1" });
  }
  for (const name of ["SANDBOX_SHOPIFY_URL", "SANDBOX_STRIPE_URL"] as const) {
    const value = source[name];
    if (sandbox && value && !isLoopbackUrl(value)) {
      problems.push({ name, message: "must point at this machine (127.0.0.1, ::1 or localhost)" });
    }
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;

export class InvalidEnvironmentError extends Error {}

/** Parses `source`; on failure the message lists every bad variable with what it is for. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  const problems = crossFieldProblems(source);
  if (result.success && problems.length === 0) return result.data;
  const shape = envSchema.shape as Record<string, z.ZodType>;
  for (const issue of result.error?.issues ?? []) {
    const name = String(issue.path[0] ?? "?");
    problems.push({ name, message: source[name] === undefined ? "missing" : issue.message });
  }
  const lines = problems.map(({ name, message }) => {
    const purpose = shape[name]?.description;
    return `  - ${name}: ${message}${purpose ? ` (${purpose})` : ""}`;
  });
  throw new InvalidEnvironmentError(`Invalid environment configuration:\n${lines.join("\n")}`);
}

let cached: Env | undefined;

/** The validated environment of this process (parsed on first use, at start-up). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
