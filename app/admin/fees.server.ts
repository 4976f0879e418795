import type { FeeRule } from "@prisma/client";
import prisma from "../db.server";
import { newId } from "../lib/ids";
import { adminGraphql } from "../shopify/admin.server";
import { draftFromForm, parseFeeRule, type FeeRuleView } from "./fee-rules";
import { testAgentId } from "./test-agent";
import { failure, type ActionResult } from "./forms";

/** Fee rules and agents' platform fee rates, all scoped by `shop`. */

export function feeRuleView(rule: FeeRule): FeeRuleView {
  return {
    id: rule.id,
    label: rule.label,
    description: rule.description,
    kind: rule.kind === "percentage" ? "percentage" : "fixed",
    fixedAmount: rule.fixedAmount,
    basisPoints: rule.basisPoints,
    minAmount: rule.minAmount,
    maxAmount: rule.maxAmount,
    currency: rule.currency,
    agentIds: rule.agentIds ? (JSON.parse(rule.agentIds) as string[]) : null,
    countries: rule.countries ? (JSON.parse(rule.countries) as string[]) : null,
    active: rule.active,
    position: rule.position,
  };
}

export async function listFeeRules(shop: string): Promise<FeeRuleView[]> {
  const rules = await prisma.feeRule.findMany({
    where: { shop },
    orderBy: [{ position: "asc" }, { createdAt: "asc" }],
  });
  return rules.map(feeRuleView);
}

const SHOP_CURRENCY = `#graphql
  query AdminShopCurrency {
    shop {
      currencyCode
    }
  }
`;

/** The shop's currency (fees default to it); null when Shopify cannot be reached right now. */
export async function shopCurrency(shop: string): Promise<string | null> {
  try {
    const data = await adminGraphql<{ shop: { currencyCode: string } }>(shop, SHOP_CURRENCY);
    return data.shop.currencyCode.toLowerCase();
  } catch {
    return null;
  }
}

export async function agentChoices(shop: string) {
  return prisma.agent.findMany({
    // The built-in test agent is no platform: no rate to set.
    where: { shop, deletedAt: null, NOT: { id: testAgentId(shop) } },
    orderBy: { createdAt: "asc" },
    select: { id: true, name: true, platformFeeBasisPoints: true },
  });
}

/** Creates the rule, or updates it when `form` carries the id of one of this shop's rules. */
export async function saveFeeRule(
  shop: string,
  form: FormData,
  currency: string,
): Promise<ActionResult<{ rule: FeeRuleView }>> {
  const agents = await agentChoices(shop);
  const parsed = parseFeeRule(
    draftFromForm(form),
    currency,
    agents.map((agent) => agent.id),
  );
  if (!parsed.success) return failure("save", parsed.fieldErrors);
  const rule = parsed.data;
  const data = {
    label: rule.label,
    description: rule.description,
    kind: rule.kind,
    fixedAmount: rule.fixedAmount,
    basisPoints: rule.basisPoints,
    minAmount: rule.minAmount,
    maxAmount: rule.maxAmount,
    currency: rule.currency,
    agentIds: rule.agentIds ? JSON.stringify(rule.agentIds) : null,
    countries: rule.countries ? JSON.stringify(rule.countries) : null,
    active: rule.active,
  };
  const id = String(form.get("id") ?? "");
  if (id) {
    const updated = await prisma.feeRule.updateMany({ where: { id, shop }, data });
    if (updated.count !== 1) return failure("save", {}, "That fee no longer exists.");
    const saved = await prisma.feeRule.findFirstOrThrow({ where: { id, shop } });
    return { ok: true, intent: "save", rule: feeRuleView(saved) };
  }
  const last = await prisma.feeRule.findFirst({ where: { shop }, orderBy: { position: "desc" } });
  const saved = await prisma.feeRule.create({
    data: { id: newId("fee"), shop, position: (last?.position ?? -1) + 1, ...data },
  });
  return { ok: true, intent: "save", rule: feeRuleView(saved) };
}

export async function deleteFeeRule(shop: string, id: string): Promise<ActionResult> {
  const deleted = await prisma.feeRule.deleteMany({ where: { id, shop } });
  if (deleted.count !== 1) return failure("delete", {}, "That fee no longer exists.");
  return { ok: true, intent: "delete" };
}

export async function setFeeRuleActive(shop: string, id: string, active: boolean): Promise<ActionResult> {
  const updated = await prisma.feeRule.updateMany({ where: { id, shop }, data: { active } });
  if (updated.count !== 1) return failure("toggle", {}, "That fee no longer exists.");
  return { ok: true, intent: "toggle" };
}

/** The agent platform's own fee on each order (basis points), for net revenue on the Orders page. */
export async function setPlatformFee(shop: string, agentId: string, percent: string): Promise<ActionResult> {
  const text = percent.trim();
  const value = Number(text);
  if (!/^\d+(\.\d{1,2})?$/.test(text) || value > 100) {
    return failure("platform-fee", {
      [`platformFee.${agentId}`]: "Enter a percentage between 0 and 100, like 4 or 2.5.",
    });
  }
  const updated = await prisma.agent.updateMany({
    where: { id: agentId, shop, deletedAt: null },
    data: { platformFeeBasisPoints: Math.round(value * 100) },
  });
  if (updated.count !== 1) return failure("platform-fee", {}, "That agent no longer exists.");
  return { ok: true, intent: "platform-fee" };
}
