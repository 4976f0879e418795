import type { Agent } from "@prisma/client";
import prisma from "../db.server";
import { randomToken, safeEqual, sha256Hex } from "../lib/crypto.server";
import { newId } from "../lib/ids";

const KEY_PREFIX = "acp_sk_";
/** lastUsedAt is a hint for the merchant; writing it on every request would serialize traffic. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface AuthenticatedAgent {
  shop: string;
  agent: Agent;
  keyId: string;
}

export async function createAgent(shop: string, name: string): Promise<Agent> {
  return prisma.agent.create({ data: { id: newId("agt"), shop, name } });
}

/** Issues a new key. The plaintext is returned once and never stored. */
export async function issueApiKey(
  shop: string,
  agentId: string,
  label: string,
): Promise<{ id: string; key: string; prefix: string }> {
  const agent = await prisma.agent.findFirst({ where: { id: agentId, shop, deletedAt: null } });
  if (!agent) throw new Error("Agent not found");
  const key = randomToken(KEY_PREFIX);
  const id = newId("key");
  const prefix = key.slice(0, KEY_PREFIX.length + 6);
  await prisma.agentApiKey.create({ data: { id, shop, agentId, label, prefix, keyHash: sha256Hex(key) } });
  return { id, key, prefix };
}

export async function revokeApiKey(shop: string, keyId: string): Promise<boolean> {
  const result = await prisma.agentApiKey.updateMany({
    where: { id: keyId, shop, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return result.count === 1;
}

/**
 * Resolves `Authorization: Bearer <key>` to the shop and agent. The lookup is by digest (an index
 * hit, so timing does not depend on how much of the key matches) and the digests are compared
 * in constant time once more.
 */
export async function authenticateApiKey(authorization: string | null): Promise<AuthenticatedAgent | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match || !match[1].startsWith(KEY_PREFIX)) return null;
  const digest = sha256Hex(match[1]);
  const record = await prisma.agentApiKey.findUnique({ where: { keyHash: digest } });
  if (!record || record.revokedAt || !safeEqual(record.keyHash, digest)) return null;
  const [agent, shop] = await Promise.all([
    prisma.agent.findFirst({ where: { id: record.agentId, shop: record.shop, deletedAt: null } }),
    prisma.shop.findUnique({ where: { domain: record.shop } }),
  ]);
  if (!agent || !shop || shop.uninstalledAt) return null;
  const now = Date.now();
  if (!record.lastUsedAt || now - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await prisma.agentApiKey.update({ where: { id: record.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { shop: record.shop, agent, keyId: record.id };
}
