import { describe, expect, it } from "vitest";
import { computeFees } from "../checkout/fees";
import { draftFromRule, EMPTY_DRAFT, parseFeeRule, type FeeRuleDraft } from "./fee-rules";

const draft = (overrides: Partial<FeeRuleDraft>): FeeRuleDraft => ({
  ...EMPTY_DRAFT,
  label: "Fee",
  ...overrides,
});

describe("parseFeeRule", () => {
  it.each([
    [
      { kind: "fixed", amount: "2.50" },
      { fixedAmount: 250, basisPoints: null, currency: "usd" },
    ],
    [
      { kind: "fixed", amount: "3", currency: "eur" },
      { fixedAmount: 300, currency: "eur" },
    ],
    [
      { kind: "fixed", amount: "500", currency: "JPY" },
      { fixedAmount: 500, currency: "jpy" },
    ],
    [
      { kind: "percentage", amount: "2.5" },
      { basisPoints: 250, fixedAmount: null },
    ],
    [
      { kind: "percentage", amount: "10", minAmount: "1", maxAmount: "5.5" },
      { basisPoints: 1000, minAmount: 100, maxAmount: 550 },
    ],
    [{ kind: "fixed", amount: "1", countries: "us, ca" }, { countries: ["US", "CA"] }],
  ])("%j → %j", (input, expected) => {
    const parsed = parseFeeRule(draft(input), "usd", []);
    expect(parsed.success && parsed.data).toMatchObject(expected);
  });

  it("reports every wrong field at once", () => {
    const parsed = parseFeeRule(
      draft({
        label: "",
        kind: "percentage",
        amount: "150",
        minAmount: "5",
        maxAmount: "1",
        countries: "USA",
      }),
      "usd",
      [],
    );
    expect(parsed.success).toBe(false);
    expect(!parsed.success && parsed.fieldErrors).toEqual({
      label: "Enter a label buyers will see.",
      amount: "Enter a percentage between 0 and 100.",
      maxAmount: "The maximum must not be below the minimum.",
      countries: "Use 2-letter country codes, e.g. US, CA.",
    });
  });

  it.each([
    [{ amount: "2.505" }, { amount: "Use at most 2 decimals." }],
    [{ amount: "1.5", currency: "JPY" }, { amount: "JPY has no decimals." }],
    [{ amount: "0" }, { amount: "Enter an amount above zero." }],
    [{ amount: "abc" }, { amount: "Enter an amount like 1.50." }],
    [{ amount: "1", currency: "dollars" }, { currency: "Use a 3-letter currency code." }],
    [{ amount: "1", agentIds: ["agt_other_shop"] }, { agentIds: "Unknown agent." }],
  ])("refuses %j", (input, errors) => {
    const parsed = parseFeeRule(draft({ kind: "fixed", ...input }), "usd", ["agt_mine"]);
    expect(!parsed.success && parsed.fieldErrors).toEqual(errors);
  });

  it("round-trips a stored rule through the edit form", () => {
    const parsed = parseFeeRule(draft({ kind: "percentage", amount: "2.5", maxAmount: "10" }), "usd", []);
    if (!parsed.success) throw new Error("expected a valid rule");
    const again = parseFeeRule(draftFromRule({ ...parsed.data, id: "fee_1", position: 0 }), "usd", []);
    expect(again).toEqual(parsed);
  });

  it("gives the live example the same fee checkout computes", () => {
    const parsed = parseFeeRule(draft({ kind: "percentage", amount: "3", minAmount: "0.50" }), "usd", []);
    if (!parsed.success) throw new Error("expected a valid rule");
    const cart = { subtotal: 1234, currency: "usd", agentId: "agt_1", country: "US" };
    expect(computeFees([parsed.data], cart)).toEqual([{ label: "Fee", amount: 50, description: null }]);
    expect(computeFees([parsed.data], { ...cart, subtotal: 10_000 })[0].amount).toBe(300);
  });
});
