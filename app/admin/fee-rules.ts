import { z } from "zod";
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

const decimal = /^\d+(\.\d+)?$/;

/** Parses the rule form. `currency` is the shop's, used when the merchant leaves it empty. */
export function feeRuleSchema(shopCurrency: string, agentIds: string[]) {
  const optionalMoney = z
    .string()
    .trim()
    .refine((value) => value === "" || decimal.test(value), "Enter an amount like 1.50.");
  return z
    .object({
      label: z.string().trim().min(1, "Enter a label buyers will see.").max(60, "Use at most 60 characters."),
      description: z.string().trim().max(200, "Use at most 200 characters."),
      kind: z.enum(["fixed", "percentage"], { error: "Choose fixed or percentage." }),
      amount: z.string().trim().min(1, "Enter the fee."),
      minAmount: optionalMoney,
      maxAmount: optionalMoney,
      currency: z
        .string()
        .trim()
        .refine((value) => value === "" || /^[A-Za-z]{3}$/.test(value), "Use a 3-letter currency code."),
      agentIds: z.array(z.string().refine((id) => agentIds.includes(id), "Unknown agent.")),
      countries: z
        .string()
        .trim()
        .transform((value) =>
          value
            .split(/[\s,]+/)
            .filter(Boolean)
            .map((code) => code.toUpperCase()),
        )
        .refine(
          (codes) => codes.every((code) => /^[A-Z]{2}$/.test(code)),
          "Use 2-letter country codes, e.g. US, CA.",
        ),
      active: z.boolean(),
    })
    .transform((values, ctx) => {
      const currency = (values.currency || shopCurrency).toLowerCase();
      const exponent = currencyExponent(currency);
      const money = (field: "amount" | "minAmount" | "maxAmount", text: string): number | null => {
        if (text === "") return null;
        if (!decimal.test(text) || (text.split(".")[1]?.length ?? 0) > exponent) {
          ctx.addIssue({
            code: "custom",
            path: [field],
            message:
              exponent === 0
                ? `${currency.toUpperCase()} has no decimals.`
                : `Use at most ${exponent} decimals.`,
          });
          return null;
        }
        return toMinorUnits(text, currency);
      };
      let fixedAmount: number | null = null;
      let basisPoints: number | null = null;
      if (values.kind === "fixed") {
        fixedAmount = money("amount", values.amount);
        if (fixedAmount !== null && fixedAmount <= 0) {
          ctx.addIssue({ code: "custom", path: ["amount"], message: "Enter an amount above zero." });
        }
      } else {
        const percent = Number(values.amount);
        if (!decimal.test(values.amount) || (values.amount.split(".")[1]?.length ?? 0) > 2) {
          ctx.addIssue({ code: "custom", path: ["amount"], message: "Enter a percentage like 2.5." });
        } else if (percent <= 0 || percent > 100) {
          ctx.addIssue({
            code: "custom",
            path: ["amount"],
            message: "Enter a percentage between 0 and 100.",
          });
        } else {
          basisPoints = Math.round(percent * 100);
        }
      }
      const minAmount = money("minAmount", values.minAmount);
      const maxAmount = money("maxAmount", values.maxAmount);
      if (minAmount !== null && maxAmount !== null && minAmount > maxAmount) {
        ctx.addIssue({
          code: "custom",
          path: ["maxAmount"],
          message: "The maximum must not be below the minimum.",
        });
      }
      const rule: FeeRuleInput & { active: boolean } = {
        label: values.label,
        description: values.description || null,
        kind: values.kind,
        fixedAmount,
        basisPoints,
        minAmount,
        maxAmount,
        currency,
        agentIds: values.agentIds.length ? values.agentIds : null,
        countries: values.countries.length ? values.countries : null,
        active: values.active,
      };
      return rule;
    });
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
