import { createHash } from "node:crypto";

/**
 * The built-in agent that makes the admin's test purchases (docs/decisions/013). Its id is fixed
 * per shop, so the app finds and marks it without a schema change.
 */
const TEST_AGENT_PREFIX = "agt_testpurchase_";
export const TEST_AGENT_NAME = "Test purchases (admin)";

export function testAgentId(shop: string): string {
  return `${TEST_AGENT_PREFIX}${createHash("sha256").update(shop).digest("hex").slice(0, 20)}`;
}

export function isTestAgentId(id: string): boolean {
  return id.startsWith(TEST_AGENT_PREFIX);
}
