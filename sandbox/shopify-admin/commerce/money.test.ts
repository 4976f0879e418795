import { describe, expect, it } from "vitest";
import {
  allocate,
  applyRate,
  convertMinor,
  formatDecimal,
  formatMoney,
  formatWithSymbol,
  includedTax,
  toMinor,
} from "./money";

describe("toMinor", () => {
  it.each([
    ["10", "USD", 1000],
    ["10.5", "USD", 1050],
    ["10.55", "USD", 1055],
    ["9.8789", "USD", 988],
    ["0.005", "USD", 1],
    ["0.004", "USD", 0],
    ["-1.00", "USD", -100],
    ["1500", "JPY", 1500],
    ["1500.4", "JPY", 1500],
    ["1.2345", "KWD", 1235],
  ])("%s %s → %i", (decimal, currency, minor) => {
    expect(toMinor(decimal, currency)).toBe(minor);
  });

  it("rejects what is not a decimal", () => {
    expect(() => toMinor("ten", "USD")).toThrow(RangeError);
  });
});

describe("formatting", () => {
  it.each([
    [1000, "USD", "10.0", "10.00"],
    [3190, "USD", "31.9", "31.90"],
    [94995, "USD", "949.95", "949.95"],
    [0, "USD", "0.0", "0.00"],
    [-250, "USD", "-2.5", "-2.50"],
    [14025, "JPY", "14025.0", "14025"],
    [1235, "KWD", "1.235", "1.235"],
  ])("%i %s → Decimal %s, Money %s", (minor, currency, decimal, money) => {
    expect(formatDecimal(minor, currency)).toBe(decimal);
    expect(formatMoney(minor, currency)).toBe(money);
  });

  it("prints amounts in messages the way Shopify does", () => {
    expect(formatWithSymbol(2500, "USD")).toBe("$25.00");
    expect(formatWithSymbol(950, "EUR")).toBe("€9.50");
    expect(formatWithSymbol(1000, "CHF")).toBe("10.00 CHF");
  });
});

describe("rates", () => {
  it.each([
    [5000, 0.0725, 363], // 3.625 rounds half up
    [333, 0.08875, 30], // 0.2955
    [999, 0.08875, 89], // 0.8866
    [10000, 0.09975, 998], // 9.975
  ])("applyRate(%i, %d) = %i", (minor, rate, tax) => {
    expect(applyRate(minor, rate)).toBe(tax);
  });

  it("extracts included tax: 60.00 incl. 19% holds 9.58", () => {
    expect(includedTax(6000, 0.19, 0.19)).toBe(958);
    expect(includedTax(1800, 0.19, 0.19)).toBe(287);
  });

  it("converts across exponents", () => {
    expect(convertMinor(2500, "USD", "JPY", 150)).toBe(3750);
    expect(convertMinor(1299, "USD", "EUR", 0.92)).toBe(1195);
    expect(convertMinor(14025, "JPY", "USD", 1 / 150)).toBe(9350);
  });
});

describe("allocate", () => {
  it.each([
    [1000, [1, 1, 1], [334, 333, 333]],
    [500, [333, 333, 333], [167, 167, 166]],
    [230, [999, 1299], [100, 130]],
    [4, [1, 1, 1], [2, 1, 1]],
    [0, [5, 5], [0, 0]],
    [100, [0, 0], [0, 0]],
    [-10, [1, 2], [-3, -7]],
  ])("allocate(%i, %j) = %j", (total, weights, parts) => {
    const result = allocate(total, weights);
    expect(result).toEqual(parts);
    if (weights.some((weight) => weight > 0)) expect(result.reduce((a, b) => a + b, 0)).toBe(total);
  });
});
