import { describe, expect, it } from "vitest";
import { currencyExponent } from "../lib/money";
import { decimalToMinorUnits, formatFeedPrice, legacyId, minorUnitsToDecimal, normalizeGtin } from "./format";

describe("decimalToMinorUnits", () => {
  it.each([
    ["19.99", "USD", 1999],
    ["28", "USD", 2800],
    ["28.5", "USD", 2850],
    ["0.00", "USD", 0],
    ["1200.0", "JPY", 1200],
    ["1200", "JPY", 1200],
    ["1.250", "KWD", 1250],
    ["12.345", "USD", 1235], // half up
    ["12.344", "USD", 1234],
    ["1199.5", "JPY", 1200],
    [" 5.00 ", "EUR", 500],
    ["-1.00", "USD", null],
    ["1e3", "USD", null],
    ["1,000.00", "USD", null],
    ["", "USD", null],
    [".5", "USD", null],
    ["5.", "USD", null],
    ["abc", "USD", null],
  ])("%j %s → %j", (decimal, currency, expected) => {
    expect(decimalToMinorUnits(decimal, currency)).toBe(expected);
  });
});

describe("minorUnitsToDecimal / formatFeedPrice", () => {
  it.each([
    [1999, "USD", "19.99", "19.99 USD"],
    [5, "USD", "0.05", "0.05 USD"],
    [0, "EUR", "0.00", "0.00 EUR"],
    [1200, "JPY", "1200", "1200 JPY"],
    [1250, "KWD", "1.250", "1.250 KWD"],
    [123456789, "CAD", "1234567.89", "1234567.89 CAD"],
  ])("%d %s", (amount, currency, decimal, price) => {
    expect(minorUnitsToDecimal(amount, currency)).toBe(decimal);
    expect(formatFeedPrice(amount, currency)).toBe(price);
  });

  it("knows zero-, two- and three-decimal currencies", () => {
    expect([currencyExponent("JPY"), currencyExponent("USD"), currencyExponent("BHD")]).toEqual([0, 2, 3]);
  });
});

describe("normalizeGtin", () => {
  it.each([
    ["96385074", "96385074"], // GTIN-8
    ["036000291452", "036000291452"], // UPC-A / GTIN-12
    ["4006381333931", "4006381333931"], // EAN-13
    ["9780201379624", "9780201379624"], // ISBN-13
    ["00012345600012", "00012345600012"], // GTIN-14
    ["4006-3813 33931", "4006381333931"], // typed as printed
    ["4006381333932", null], // wrong check digit
    ["400638133393", null], // 12 digits, wrong check digit
    ["1234567", null], // 7 digits
    ["123456789", null], // 9 digits
    ["ABC4006381333931", null],
    ["", null],
    [null, null],
  ])("%j → %j", (raw, expected) => {
    expect(normalizeGtin(raw)).toBe(expected);
  });
});

describe("legacyId", () => {
  it.each([
    ["gid://shopify/ProductVariant/123", "123"],
    ["gid://shopify/Product/9?x=1", "9"],
    ["456", "456"],
  ])("%s → %s", (gid, id) => expect(legacyId(gid)).toBe(id));
});
