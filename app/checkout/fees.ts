import type { FeeLine } from "./model";

/** A merchant's fee rule as checkout applies it (stored in FeeRule). Amounts in minor units. */
export interface FeeRuleInput {
  label: string;
  description: string | null;
  kind: "fixed" | "percentage";
  fixedAmount: number | null;
  basisPoints: number | null;
  minAmount: number | null;
  maxAmount: number | null;
  /** Lower-case currency a fixed amount is in; null = the shop currency. */
  currency: string | null;
  /** Only for these agents (null = all). */
  agentIds: string[] | null;
  /** Only for these destination countries (null = all). */
  countries: string[] | null;
}

/**
 * The fee lines for a cart. Percentages apply to the discounted items subtotal and round half up
 * to a minor unit, then clamp to [min, max]. A fixed fee in another currency than the session's
 * is not converted: it does not apply (the merchant sets one rule per currency).
 */
export function computeFees(
  rules: FeeRuleInput[],
  cart: { subtotal: number; currency: string; agentId: string; country: string | null },
): FeeLine[] {
  const fees: FeeLine[] = [];
  for (const rule of rules) {
    if (rule.agentIds && !rule.agentIds.includes(cart.agentId)) continue;
    if (rule.countries && (!cart.country || !rule.countries.includes(cart.country))) continue;
    let amount: number;
    if (rule.kind === "fixed") {
      if (rule.currency && rule.currency !== cart.currency) continue;
      amount = rule.fixedAmount ?? 0;
    } else {
      amount = Math.floor(((rule.basisPoints ?? 0) * cart.subtotal + 5000) / 10000);
    }
    if (rule.minAmount !== null) amount = Math.max(amount, rule.minAmount);
    if (rule.maxAmount !== null) amount = Math.min(amount, rule.maxAmount);
    if (amount > 0) fees.push({ label: rule.label, amount, description: rule.description });
  }
  return fees;
}
