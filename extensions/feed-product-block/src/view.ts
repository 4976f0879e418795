/**
 * What the product block shows, from the app's answer (GET /api/extensions/product). Pure, so it
 * is tested without the admin (tests/e2e/extensions.test.ts).
 */

export const PRODUCT_API = "/api/extensions/product";

export interface StoredProblem {
  code: string;
  severity: "error" | "warning" | "excluded";
  field?: string;
  message: string;
}

export interface ProductFeedStatus {
  productId: string;
  counts: { valid: number; invalid: number; excluded: number };
  items: {
    itemId: string;
    title: string | null;
    markets: string[];
    status: "valid" | "invalid" | "excluded";
    problems: StoredProblem[];
  }[];
  eligibility: {
    isEligibleSearch: boolean;
    isEligibleCheckout: boolean;
    override: { isEligibleSearch?: boolean; isEligibleCheckout?: boolean } | null;
    defaults: { isEligibleSearch: boolean; isEligibleCheckout: boolean };
  };
}

export type Tone = "success" | "warning" | "critical" | "info" | "neutral";
/** The merchant's choice per flag: follow the shop default, or force it on or off for this product. */
export type Choice = "default" | "on" | "off";

export type ProductBlockView =
  | { kind: "error"; message: string }
  | { kind: "missing"; message: string }
  | {
      kind: "ready";
      headline: string;
      tone: Tone;
      summary: string;
      variants: { label: string; tone: Tone; status: string; problems: string[] }[];
      search: Choice;
      checkout: Choice;
      defaults: { search: boolean; checkout: boolean };
      effective: string;
    };

const STATUS_LABEL = { valid: "In the feed", invalid: "Has problems", excluded: "Left out" } as const;
const STATUS_TONE: Record<"valid" | "invalid" | "excluded", Tone> = {
  valid: "success",
  invalid: "critical",
  excluded: "neutral",
};

export function productBlockView(status: number, body: unknown): ProductBlockView {
  if (status === 404) {
    return {
      kind: "missing",
      message:
        "This product is not in the agent feed yet. It appears after the next sync if it matches your feed rules.",
    };
  }
  if (status !== 200 || !body || typeof body !== "object") {
    const message = (body as { message?: unknown } | null)?.message;
    return {
      kind: "error",
      message: typeof message === "string" ? message : `The app answered HTTP ${status}.`,
    };
  }
  const data = body as ProductFeedStatus;
  const { valid, invalid, excluded } = data.counts;
  const total = valid + invalid + excluded;
  const tone: Tone = invalid > 0 ? "critical" : valid > 0 ? "success" : "neutral";
  const headline =
    invalid > 0 ? "Needs attention" : valid > 0 ? "Agents can find this product" : "Not offered to agents";
  const parts = [
    `${valid} of ${total} ${total === 1 ? "variant" : "variants"} in the feed`,
    ...(invalid ? [`${invalid} with problems`] : []),
    ...(excluded ? [`${excluded} left out by your rules`] : []),
  ];
  const override = data.eligibility.override ?? {};
  return {
    kind: "ready",
    headline,
    tone,
    summary: parts.join(", "),
    variants: data.items.map((item) => ({
      label: item.title ?? item.itemId,
      tone: STATUS_TONE[item.status],
      status: STATUS_LABEL[item.status],
      problems: item.problems.map((problem) =>
        problem.field ? `${problem.field}: ${problem.message}` : problem.message,
      ),
    })),
    search: choiceOf(override.isEligibleSearch),
    checkout: choiceOf(override.isEligibleCheckout),
    defaults: {
      search: data.eligibility.defaults.isEligibleSearch,
      checkout: data.eligibility.defaults.isEligibleCheckout,
    },
    effective: effectiveText(data.eligibility.isEligibleSearch, data.eligibility.isEligibleCheckout),
  };
}

function choiceOf(value: boolean | undefined): Choice {
  return value === undefined ? "default" : value ? "on" : "off";
}

export function effectiveText(search: boolean, checkout: boolean): string {
  if (!search) return "Hidden from agent search (and so not buyable in chat).";
  return checkout
    ? "Shown in agent search and buyable in chat."
    : "Shown in agent search; buyers check out on your store.";
}

/** The label of a choice, naming what "default" means for this shop. */
export function choiceLabel(choice: Choice, shopDefault: boolean): string {
  if (choice === "default") return `Shop default (${shopDefault ? "on" : "off"})`;
  return choice === "on" ? "On for this product" : "Off for this product";
}

/** The POST body for a change of one flag (the other keeps its current choice). */
export function eligibilityRequest(
  productId: string,
  choices: { search: Choice; checkout: Choice },
): { id: string; isEligibleSearch: boolean | null; isEligibleCheckout: boolean | null } {
  const flag = (choice: Choice) => (choice === "default" ? null : choice === "on");
  return {
    id: productId,
    isEligibleSearch: flag(choices.search),
    isEligibleCheckout: flag(choices.checkout),
  };
}
