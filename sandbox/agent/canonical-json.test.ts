import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";

describe("canonicalJson", () => {
  it.each([
    [
      "sorts keys recursively, no whitespace",
      { b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } },
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    ],
    ["keeps array order (arrays are order-sensitive)", [3, 1, 2], "[3,1,2]"],
    ["keeps null (null means clear) and drops undefined (absent)", { a: null, b: undefined }, '{"a":null}'],
    [
      "writes 1.0 as 1 and exponents the JSON.stringify way",
      { a: 1.0, b: 1e21, c: -0, d: 0.000001 },
      '{"a":1,"b":1e+21,"c":0,"d":0.000001}',
    ],
    ["escapes strings as JSON.stringify does", { s: 'q"\\\n\u2028é' }, '{"s":"q\\"\\\\\\n\u2028é"}'],
    [
      "sorts by UTF-16 code units (RFC 8785)",
      { "\u00e9": 1, z: 2, A: 3, "\ud83d\ude00": 4, "\ufb01": 5 },
      '{"A":3,"z":2,"é":1,"😀":4,"ﬁ":5}',
    ],
    ["turns array holes and undefined into null", [undefined, 1], "[null,1]"],
    [
      "serializes Dates via toJSON",
      { at: new Date("2026-01-02T03:04:05.000Z") },
      '{"at":"2026-01-02T03:04:05.000Z"}',
    ],
    ["handles scalars at the top level", "x", '"x"'],
  ])("%s", (_name, input, expected) => {
    expect(canonicalJson(input)).toBe(expected);
  });

  it("is stable across key order and JSON round trips", () => {
    const a = {
      line_items: [{ id: "x", quantity: 2 }],
      currency: "usd",
      buyer: { email: "a@b.c", first_name: "A" },
    };
    const b = JSON.parse(
      '{"buyer":{"first_name":"A","email":"a@b.c"},"currency":"usd","line_items":[{"quantity":2.0,"id":"x"}]}',
    );
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(JSON.parse(canonicalJson(a))).toEqual(a);
  });

  it("refuses what JSON cannot carry instead of guessing", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/\$\.a is NaN/);
    expect(() => canonicalJson({ a: [Infinity] })).toThrow(/\$\.a\[0\] is Infinity/);
    expect(() => canonicalJson({ amount: 10n })).toThrow(/bigint/);
    expect(() => canonicalJson(undefined)).toThrow(/top-level/);
  });
});
