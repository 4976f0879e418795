import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";

/**
 * Puts the app's database into the state a real install leaves behind, for the demo and the
 * tests: the shop row, its offline session (token the sandbox store accepts) and an agent with an
 * API key. Written against the app's tables directly so it needs no app environment.
 */
export async function seedShopInstall(
  db: PrismaClient,
  options: { shop: string; accessToken: string; scopes: string[] },
): Promise<void> {
  await db.shop.upsert({
    where: { domain: options.shop },
    create: { domain: options.shop, scopes: options.scopes.join(",") },
    update: { uninstalledAt: null, scopes: options.scopes.join(",") },
  });
  await db.session.upsert({
    where: { id: `offline_${options.shop}` },
    create: {
      id: `offline_${options.shop}`,
      shop: options.shop,
      state: "",
      isOnline: false,
      accessToken: options.accessToken,
      scope: options.scopes.join(","),
    },
    update: { accessToken: options.accessToken, scope: options.scopes.join(",") },
  });
}

export interface SeededAgent {
  agentId: string;
  apiKey: string;
}

/**
 * Creates an agent with one live API key. With a fixed `agentId` it is re-runnable (the demo
 * reuses its database): the agent is updated in place and every other key it had is revoked, so
 * the key returned is the only one that works.
 */
export async function seedAgent(
  db: PrismaClient,
  options: {
    shop: string;
    name: string;
    agentId?: string;
    apiKey?: string;
    keyLabel?: string;
    settings?: Record<string, unknown>;
  },
): Promise<SeededAgent> {
  const agentId = options.agentId ?? `agt_${randomBytes(9).toString("base64url")}`;
  const apiKey = options.apiKey ?? `acp_sk_${randomBytes(32).toString("base64url")}`;
  const keyHash = createHash("sha256").update(apiKey).digest("hex");
  const agent = { shop: options.shop, name: options.name, ...options.settings };
  await db.agent.upsert({
    where: { id: agentId },
    create: { id: agentId, ...agent },
    update: { ...agent, deletedAt: null },
  });
  await db.agentApiKey.updateMany({
    where: { agentId, revokedAt: null, keyHash: { not: keyHash } },
    data: { revokedAt: new Date() },
  });
  await db.agentApiKey.upsert({
    where: { keyHash },
    create: {
      id: `key_${randomBytes(9).toString("base64url")}`,
      shop: options.shop,
      agentId,
      label: options.keyLabel ?? "seed",
      prefix: apiKey.slice(0, 13),
      keyHash,
    },
    update: { revokedAt: null, agentId, shop: options.shop },
  });
  return { agentId, apiKey };
}

/** Connects the shop to a Stripe account: the key sealed with the app's encryption key ring. */
export async function seedStripeSettings(
  db: PrismaClient,
  options: { shop: string; accountId: string; sealedKey: string; last4: string },
): Promise<void> {
  const data = {
    stripeAccountId: options.accountId,
    stripeKeyEncrypted: options.sealedKey,
    stripeKeyLast4: options.last4,
    stripeLivemode: false,
    stripeCheckedAt: new Date(),
  };
  await db.shopSettings.upsert({ where: { shop: options.shop }, create: { shop: options.shop, ...data }, update: data });
}
