import { describe, expect, it } from "vitest";
import { allocate, currencyExponent, toDecimalString, toMinorUnits } from "./money";

describe("money", () => {
  it.each([
    ["19.99", "USD", 1999],
    ["19.9", "usd", 1990],
    ["0.005", "USD", 1],
    ["12", "EUR", 1200],
    ["500", "JPY", 500],
    ["500.0", "JPY", 500],
    ["1.234", "KWD", 1234],
    ["1.2345", "KWD", 1235],
    ["-3.50", "USD", -350],
    ["0.1", "USD", 10],
  ])("%s %s → %i minor units", (decimal, currency, minor) => {
    expect(toMinorUnits(decimal, currency)).toBe(minor);
  });

  it.each([
    [1999, "USD", "19.99"],
    [5, "USD", "0.05"],
    [500, "JPY", "500"],
    [1234, "BHD", "1.234"],
    [-350, "USD", "-3.50"],
  ])("%i %s → %s", (minor, currency, decimal) => {
    expect(toDecimalString(minor, currency)).toBe(decimal);
  });

  it("knows zero- and three-decimal currencies", () => {
    expect([currencyExponent("jpy"), currencyExponent("USD"), currencyExponent("OMR")]).toEqual([0, 2, 3]);
  });

  it("rejects text that is not an amount", () => {
    expect(() => toMinorUnits("12,50", "EUR")).toThrow();
  });

  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [10, [3, 7], [3, 7]],
    [0, [5, 5], [0, 0]],
    [7, [0, 0], [7, 0]],
    [1, [1, 1], [1, 0]],
  ])("allocates %i over %j as %j, summing exactly", (total, weights, parts) => {
    expect(allocate(total, weights)).toEqual(parts);
    expect(allocate(total, weights).reduce((a, b) => a + b, 0)).toBe(total);
  });
});
