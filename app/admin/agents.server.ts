import { createPublicKey, randomUUID } from "node:crypto";
import { z } from "zod";
import prisma from "../db.server";
import { ACP_VERSIONS, LATEST_ACP_VERSION } from "../acp/version-adapter";
import { createAgent, issueApiKey, revokeApiKey } from "../agents/keys.server";
import { env } from "../env.server";
import { decryptSecret, encryptSecret, randomToken } from "../lib/crypto.server";
import { agentEventBody, type AgentOrder } from "../orders/events";
import { signWebhook } from "../orders/deliver.server";
import { failure, fieldErrorsOf, type ActionResult } from "./forms";
import { isTestAgentId, testAgentId } from "./test-agent";

/**
 * Agents and their keys for the admin pages. Every read and write is scoped by `shop`; secrets
 * (API keys, webhook and signing secrets) are returned once, when made, and never again.
 */

export interface AgentKeyView {
  id: string;
  label: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AgentSummary {
  id: string;
  name: string;
  createdAt: string;
  keys: AgentKeyView[];
}

export async function listAgents(shop: string): Promise<AgentSummary[]> {
  const [agents, keys] = await Promise.all([
    prisma.agent.findMany({
      // The built-in test agent (test purchases) has no keys to manage.
      where: { shop, deletedAt: null, NOT: { id: testAgentId(shop) } },
      orderBy: { createdAt: "asc" },
      select: { id: true, name: true, createdAt: true },
    }),
    prisma.agentApiKey.findMany({
      where: { shop },
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        agentId: true,
        label: true,
        prefix: true,
        createdAt: true,
        lastUsedAt: true,
        revokedAt: true,
      },
    }),
  ]);
  return agents.map((agent) => ({
    id: agent.id,
    name: agent.name,
    createdAt: agent.createdAt.toISOString(),
    keys: keys.filter((key) => key.agentId === agent.id).map(keyView),
  }));
}

function keyView(key: {
  id: string;
  label: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}): AgentKeyView {
  return {
    id: key.id,
    label: key.label,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

const nameSchema = z.string().trim().min(1, "Enter a name.").max(80, "Use at most 80 characters.");
const labelSchema = z.string().trim().max(80, "Use at most 80 characters.");

/** A key shown to the merchant once, right after it was made. */
export interface RevealedKey {
  agentId: string;
  agentName: string;
  keyId: string;
  key: string;
}

export async function createAgentWithKey(
  shop: string,
  values: { name?: string },
): Promise<ActionResult<{ revealed: RevealedKey }>> {
  const name = nameSchema.safeParse(values.name ?? "");
  if (!name.success) return failure("create", { name: name.error.issues[0].message });
  const agent = await createAgent(shop, name.data);
  const issued = await issueApiKey(shop, agent.id, "Default");
  return {
    ok: true,
    intent: "create",
    revealed: { agentId: agent.id, agentName: agent.name, keyId: issued.id, key: issued.key },
  };
}

export async function issueKey(
  shop: string,
  values: { agentId?: string; label?: string },
): Promise<ActionResult<{ revealed: RevealedKey }>> {
  const label = labelSchema.safeParse(values.label ?? "");
  if (!label.success) return failure("issue", { label: label.error.issues[0].message });
  const agent = await findAgent(shop, values.agentId ?? "");
  if (!agent) return failure("issue", {}, "That agent no longer exists.");
  const issued = await issueApiKey(shop, agent.id, label.data || "Key");
  return {
    ok: true,
    intent: "issue",
    revealed: { agentId: agent.id, agentName: agent.name, keyId: issued.id, key: issued.key },
  };
}

export async function revokeKey(shop: string, keyId: string): Promise<ActionResult<{ keyId: string }>> {
  const revoked = await revokeApiKey(shop, keyId);
  if (!revoked) return failure("revoke", {}, "That key was already revoked or does not exist.");
  return { ok: true, intent: "revoke", keyId };
}

function findAgent(shop: string, id: string) {
  if (isTestAgentId(id)) return Promise.resolve(null);
  return prisma.agent.findFirst({ where: { id, shop, deletedAt: null } });
}

/** An agent's settings as the detail page shows them: whether secrets are set, not the secrets. */
export interface AgentDetail {
  id: string;
  name: string;
  acceptedVersions: string[];
  completeStatus: 200 | 201;
  idempotencyConflictStatus: 409 | 422;
  eventNaming: "spec" | "openai";
  webhookUrl: string | null;
  webhookSecretSet: boolean;
  signingAlgorithm: "hmac-sha256" | "ed25519" | null;
  keys: AgentKeyView[];
}

export async function agentDetail(shop: string, id: string): Promise<AgentDetail | null> {
  const agent = await findAgent(shop, id);
  if (!agent) return null;
  const keys = await prisma.agentApiKey.findMany({
    where: { shop, agentId: agent.id },
    orderBy: { createdAt: "asc" },
  });
  return {
    id: agent.id,
    name: agent.name,
    acceptedVersions: agent.acceptedVersions?.split(",").filter(Boolean) ?? [],
    completeStatus: agent.completeStatus === 201 ? 201 : 200,
    idempotencyConflictStatus: agent.idempotencyConflictStatus === 409 ? 409 : 422,
    eventNaming: agent.eventNaming === "openai" ? "openai" : "spec",
    webhookUrl: agent.webhookUrl,
    webhookSecretSet: Boolean(agent.webhookSecretEncrypted),
    signingAlgorithm:
      agent.signingKeyEncrypted &&
      (agent.signingAlgorithm === "hmac-sha256" || agent.signingAlgorithm === "ed25519")
        ? agent.signingAlgorithm
        : null,
    keys: keys.map(keyView),
  };
}

/** Webhooks carry order data: https only, except to this machine in sandbox mode (demo, tests). */
function webhookUrlSchema() {
  return z
    .string()
    .trim()
    .max(2000, "Use at most 2000 characters.")
    .refine((value) => {
      if (value === "") return true;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return false;
      }
      if (url.protocol === "https:") return true;
      const loopback =
        url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
      return url.protocol === "http:" && loopback && env().ACP_SANDBOX;
    }, "Enter an https:// URL.");
}

const settingsSchema = z.object({
  name: nameSchema,
  acceptedVersions: z.array(z.enum(ACP_VERSIONS, { error: "Unknown API version." })),
  completeStatus: z.enum(["200", "201"], { error: "Choose 200 or 201." }).transform(Number),
  idempotencyConflictStatus: z.enum(["409", "422"], { error: "Choose 409 or 422." }).transform(Number),
  eventNaming: z.enum(["spec", "openai"], { error: "Choose an event naming." }),
  webhookUrl: webhookUrlSchema(),
});

export async function updateAgentSettings(shop: string, id: string, form: FormData): Promise<ActionResult> {
  const agent = await findAgent(shop, id);
  if (!agent) return failure("settings", {}, "That agent no longer exists.");
  const parsed = settingsSchema.safeParse({
    name: form.get("name") ?? "",
    acceptedVersions: form.getAll("acceptedVersions").map(String),
    completeStatus: form.get("completeStatus") ?? "",
    idempotencyConflictStatus: form.get("idempotencyConflictStatus") ?? "",
    eventNaming: form.get("eventNaming") ?? "",
    webhookUrl: form.get("webhookUrl") ?? "",
  });
  if (!parsed.success) return failure("settings", fieldErrorsOf(parsed.error));
  const values = parsed.data;
  await prisma.agent.updateMany({
    where: { id: agent.id, shop },
    data: {
      name: values.name,
      // Empty = every version the app supports (the handler treats null as "no restriction").
      acceptedVersions: values.acceptedVersions.length ? values.acceptedVersions.join(",") : null,
      completeStatus: values.completeStatus,
      idempotencyConflictStatus: values.idempotencyConflictStatus,
      eventNaming: values.eventNaming,
      webhookUrl: values.webhookUrl || null,
    },
  });
  return { ok: true, intent: "settings" };
}

/** A new webhook signing secret, sealed at rest; the plaintext goes back to the merchant once. */
export async function rotateWebhookSecret(
  shop: string,
  id: string,
): Promise<ActionResult<{ secret: string }>> {
  const agent = await findAgent(shop, id);
  if (!agent) return failure("webhook-secret", {}, "That agent no longer exists.");
  const secret = randomToken("whsec_", 24);
  await prisma.agent.updateMany({
    where: { id: agent.id, shop },
    data: { webhookSecretEncrypted: encryptSecret(secret) },
  });
  return { ok: true, intent: "webhook-secret", secret };
}

export interface TestDelivery {
  url: string;
  version: string;
  eventType: string;
  status: number | null;
  durationMs: number;
  responseSnippet: string | null;
  error: string | null;
}

const TEST_DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Posts a signed sample `order_created` event to the agent's webhook now and reports what came
 * back. It is signed exactly like real deliveries (`signWebhook`), in the newest version the agent
 * accepts, so the agent can check its verification code against it.
 */
export async function sendTestEvent(
  shop: string,
  id: string,
): Promise<ActionResult<{ delivery: TestDelivery }>> {
  const agent = await findAgent(shop, id);
  if (!agent) return failure("test-event", {}, "That agent no longer exists.");
  if (!agent.webhookUrl || !agent.webhookSecretEncrypted) {
    return failure("test-event", {}, "Save a webhook URL and generate a signing secret first.");
  }
  const accepted = agent.acceptedVersions?.split(",").filter(Boolean) ?? [];
  const version = accepted.length ? [...accepted].sort().at(-1)! : LATEST_ACP_VERSION;
  const testId = randomUUID().replace(/-/g, "").slice(0, 16);
  const order: AgentOrder = {
    orderId: `gid://shopify/Order/test-${testId}`,
    orderNumber: "#TEST",
    checkoutSessionId: `cs_test_${testId}`,
    permalinkUrl: `https://${shop}/account/orders/test-${testId}`,
    status: "created",
    currency: "usd",
    total: 0,
    refunds: [],
    fulfillments: [],
  };
  const naming = agent.eventNaming === "openai" ? "openai" : "spec";
  const payload = agentEventBody("order_created", order, version, naming);
  const body = JSON.stringify(payload);
  const headers = {
    "Content-Type": "application/json",
    "API-Version": version,
    "Request-Id": `evt_test_${testId}`,
    ...signWebhook(version, decryptSecret(agent.webhookSecretEncrypted), body),
  };
  const started = Date.now();
  const delivery: TestDelivery = {
    url: agent.webhookUrl,
    version,
    eventType: String(payload.type),
    status: null,
    durationMs: 0,
    responseSnippet: null,
    error: null,
  };
  try {
    const response = await fetch(agent.webhookUrl, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TEST_DELIVERY_TIMEOUT_MS),
    });
    delivery.status = response.status;
    delivery.responseSnippet = (await response.text()).slice(0, 500);
    if (!response.ok) delivery.error = `The agent answered HTTP ${response.status}.`;
  } catch (error) {
    delivery.error = error instanceof Error ? error.message : String(error);
  }
  delivery.durationMs = Date.now() - started;
  return { ok: true, intent: "test-event", delivery };
}

/**
 * Optional request signing (docs/decisions/004): a shared HMAC secret we generate (shown once),
 * or the agent's Ed25519 public key (PEM), which is not secret but is stored the same way.
 */
export async function setSigningKey(
  shop: string,
  id: string,
  values: { algorithm?: string; publicKey?: string },
): Promise<ActionResult<{ secret: string | null }>> {
  const agent = await findAgent(shop, id);
  if (!agent) return failure("signing-key", {}, "That agent no longer exists.");
  if (values.algorithm === "hmac-sha256") {
    const secret = randomToken("sigsec_", 32);
    await prisma.agent.updateMany({
      where: { id: agent.id, shop },
      data: { signingAlgorithm: "hmac-sha256", signingKeyEncrypted: encryptSecret(secret) },
    });
    return { ok: true, intent: "signing-key", secret };
  }
  if (values.algorithm === "ed25519") {
    const pem = (values.publicKey ?? "").trim();
    if (!pem) return failure("signing-key", { publicKey: "Paste the agent's Ed25519 public key (PEM)." });
    try {
      const key = createPublicKey(pem);
      if (key.asymmetricKeyType !== "ed25519") {
        return failure("signing-key", { publicKey: "This is not an Ed25519 key." });
      }
    } catch {
      return failure("signing-key", { publicKey: "This is not a PEM public key." });
    }
    await prisma.agent.updateMany({
      where: { id: agent.id, shop },
      data: { signingAlgorithm: "ed25519", signingKeyEncrypted: encryptSecret(pem) },
    });
    return { ok: true, intent: "signing-key", secret: null };
  }
  if (values.algorithm === "none") {
    await prisma.agent.updateMany({
      where: { id: agent.id, shop },
      data: { signingAlgorithm: null, signingKeyEncrypted: null },
    });
    return { ok: true, intent: "signing-key", secret: null };
  }
  return failure("signing-key", { algorithm: "Choose HMAC-SHA256, Ed25519 or none." });
}
