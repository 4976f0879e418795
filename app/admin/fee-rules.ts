import type { FeeRuleInput } from "../checkout/fees";
import { currencyExponent, toDecimalString, toMinorUnits } from "../lib/money";

/**
 * Fee rules as the Fees page edits them. Shared by the server (validation before saving) and the
 * page (the live example runs the same computeFees on the draft), so both agree to the cent.
 * Amounts are typed in major units ("2.50") and stored in minor units; percentages in basis points.
 */

export interface FeeRuleView extends FeeRuleInput {
  id: string;
  active: boolean;
  position: number;
}

const DECIMAL = /^\d+(\.\d+)?$/;

export type ParsedFeeRule =
  | { success: true; data: FeeRuleInput & { active: boolean } }
  | { success: false; fieldErrors: Record<string, string> };

/**
 * Checks the rule form and converts it, reporting every wrong field at once (keyed by field name).
 * `shopCurrency` applies when the merchant leaves the currency empty; `agentIds` are the shop's.
 */
export function parseFeeRule(draft: FeeRuleDraft, shopCurrency: string, agentIds: string[]): ParsedFeeRule {
  const errors: Record<string, string> = {};
  const label = draft.label.trim();
  if (!label) errors.label = "Enter a label buyers will see.";
  else if (label.length > 60) errors.label = "Use at most 60 characters.";
  const description = draft.description.trim();
  if (description.length > 200) errors.description = "Use at most 200 characters.";
  const kind = draft.kind === "fixed" || draft.kind === "percentage" ? draft.kind : null;
  if (!kind) errors.kind = "Choose fixed or percentage.";
  const currencyText = draft.currency.trim();
  if (currencyText && !/^[A-Za-z]{3}$/.test(currencyText)) errors.currency = "Use a 3-letter currency code.";
  const currency = (currencyText && !errors.currency ? currencyText : shopCurrency).toLowerCase();
  const exponent = currencyExponent(currency);

  const money = (field: "amount" | "minAmount" | "maxAmount"): number | null => {
    const text = draft[field].trim();
    if (text === "") return null;
    if (!DECIMAL.test(text)) {
      errors[field] = "Enter an amount like 1.50.";
      return null;
    }
    if ((text.split(".")[1]?.length ?? 0) > exponent) {
      errors[field] =
        exponent === 0 ? `${currency.toUpperCase()} has no decimals.` : `Use at most ${exponent} decimals.`;
      return null;
    }
    return toMinorUnits(text, currency);
  };

  let fixedAmount: number | null = null;
  let basisPoints: number | null = null;
  const amountText = draft.amount.trim();
  if (!amountText) errors.amount = "Enter the fee.";
  else if (kind === "fixed") {
    fixedAmount = money("amount");
    if (fixedAmount !== null && fixedAmount <= 0) errors.amount = "Enter an amount above zero.";
  } else if (kind === "percentage") {
    if (!DECIMAL.test(amountText) || (amountText.split(".")[1]?.length ?? 0) > 2) {
      errors.amount = "Enter a percentage like 2.5.";
    } else if (Number(amountText) <= 0 || Number(amountText) > 100) {
      errors.amount = "Enter a percentage between 0 and 100.";
    } else {
      basisPoints = Math.round(Number(amountText) * 100);
    }
  }
  const minAmount = money("minAmount");
  const maxAmount = money("maxAmount");
  if (minAmount !== null && maxAmount !== null && minAmount > maxAmount) {
    errors.maxAmount = "The maximum must not be below the minimum.";
  }
  if (draft.agentIds.some((id) => !agentIds.includes(id))) errors.agentIds = "Unknown agent.";
  const countries = draft.countries
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((code) => code.toUpperCase());
  if (countries.some((code) => !/^[A-Z]{2}$/.test(code))) {
    errors.countries = "Use 2-letter country codes, e.g. US, CA.";
  }

  if (Object.keys(errors).length > 0 || !kind) return { success: false, fieldErrors: errors };
  return {
    success: true,
    data: {
      label,
      description: description || null,
      kind,
      fixedAmount,
      basisPoints,
      minAmount,
      maxAmount,
      currency,
      agentIds: draft.agentIds.length ? draft.agentIds : null,
      countries: countries.length ? countries : null,
      active: draft.active,
    },
  };
}

/** The form's fields as strings (and the agent list), from FormData or the page's draft state. */
export interface FeeRuleDraft {
  label: string;
  description: string;
  kind: string;
  amount: string;
  minAmount: string;
  maxAmount: string;
  currency: string;
  agentIds: string[];
  countries: string;
  active: boolean;
}

export function draftFromForm(form: FormData): FeeRuleDraft {
  const text = (name: string) => String(form.get(name) ?? "");
  return {
    label: text("label"),
    description: text("description"),
    kind: text("kind"),
    amount: text("amount"),
    minAmount: text("minAmount"),
    maxAmount: text("maxAmount"),
    currency: text("currency"),
    agentIds: form.getAll("agentIds").map(String),
    countries: text("countries"),
    active: form.get("active") === "on" || form.get("active") === "true",
  };
}

/** A stored rule back into the form's strings, for editing. */
export function draftFromRule(rule: FeeRuleView): FeeRuleDraft {
  const currency = rule.currency ?? "usd";
  const money = (value: number | null) => (value === null ? "" : toDecimalString(value, currency));
  return {
    label: rule.label,
    description: rule.description ?? "",
    kind: rule.kind,
    amount: rule.kind === "fixed" ? money(rule.fixedAmount) : String((rule.basisPoints ?? 0) / 100),
    minAmount: money(rule.minAmount),
    maxAmount: money(rule.maxAmount),
    currency: currency.toUpperCase(),
    agentIds: rule.agentIds ?? [],
    countries: (rule.countries ?? []).join(", "),
    active: rule.active,
  };
}

export const EMPTY_DRAFT: FeeRuleDraft = {
  label: "",
  description: "",
  kind: "fixed",
  amount: "",
  minAmount: "",
  maxAmount: "",
  currency: "",
  agentIds: [],
  countries: "",
  active: true,
};

/** How a rule reads in a list: "2.5% (min 1.00, max 10.00)" or "USD 2.00". */
export function describeRule(rule: FeeRuleInput): string {
  const currency = rule.currency ?? "usd";
  const money = (value: number) => `${currency.toUpperCase()} ${toDecimalString(value, currency)}`;
  const base =
    rule.kind === "fixed" ? money(rule.fixedAmount ?? 0) : `${((rule.basisPoints ?? 0) / 100).toString()}%`;
  const bounds = [
    rule.minAmount !== null ? `min ${money(rule.minAmount)}` : null,
    rule.maxAmount !== null ? `max ${money(rule.maxAmount)}` : null,
  ].filter(Boolean);
  return bounds.length ? `${base} (${bounds.join(", ")})` : base;
}
