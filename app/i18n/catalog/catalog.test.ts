import { describe, expect, it } from "vitest";
import { CATALOGS, DEFAULT_LANGUAGE, LANGUAGES, localized, renderText, type MessageKey } from "./index";

const PLACEHOLDER = /\{(\w+)\}/g;
const placeholders = (template: string) =>
  [...template.matchAll(PLACEHOLDER)].map((match) => match[1]).sort();
const english = CATALOGS[DEFAULT_LANGUAGE];
const keys = Object.keys(english).sort() as MessageKey[];

describe("the message catalog", () => {
  it("has English plus at least German, French, Spanish, Italian, Dutch and Japanese", () => {
    expect(LANGUAGES[0]).toBe("en");
    expect([...LANGUAGES].sort()).toEqual(expect.arrayContaining(["de", "en", "es", "fr", "it", "ja", "nl"]));
    expect(Object.keys(CATALOGS).sort()).toEqual([...LANGUAGES].sort());
  });

  describe.each(LANGUAGES.filter((language) => language !== DEFAULT_LANGUAGE))("%s", (language) => {
    const catalog = CATALOGS[language];

    it("has exactly the English keys", () => {
      expect(Object.keys(catalog).sort()).toEqual(keys);
    });

    it.each(keys)("%s keeps exactly the English placeholders and says something", (key) => {
      expect(placeholders(catalog[key])).toEqual(placeholders(english[key]));
      expect(catalog[key].trim()).not.toBe("");
      // A short text stays short: a translation several times longer is a mistake.
      expect(catalog[key].length).toBeLessThan(english[key].length * 2.5 + 10);
    });

    it("translates the texts buyers see rather than copying the English", () => {
      const copied = keys.filter(
        (key) =>
          (key.startsWith("line.") || key.startsWith("payment.") || key === "session.expired") &&
          catalog[key] === english[key],
      );
      expect(copied).toEqual([]);
    });
  });
});

describe("renderText", () => {
  it("fills placeholders, nested texts in the same language", () => {
    const text = localized("request.wrong_type", {
      param: "$.line_items",
      expected: localized("json.array"),
      actual: localized("json.string"),
    });
    expect(renderText(text, "en")).toBe("$.line_items must be an array, not a string.");
    expect(renderText(text, "de")).toBe("$.line_items muss vom Typ Array sein, nicht Zeichenkette.");
  });

  it("renders numbers and leaves literal texts as they are", () => {
    expect(renderText(localized("line.only_left", { available: 2, name: "Tee" }), "fr")).toBe(
      "« Tee » : plus que 2 en stock.",
    );
    expect(renderText("Variant is out of stock", "ja")).toBe("Variant is out of stock");
  });

  it("falls back to English for a key a stored text has but the catalog lost", () => {
    const stale = { key: "line.out_of_stock", params: { name: "Tee" } } as const;
    const catalogs = CATALOGS as Record<string, Record<string, string>>;
    const saved = catalogs.nl["line.out_of_stock"];
    delete catalogs.nl["line.out_of_stock"];
    try {
      expect(renderText(stale, "nl")).toBe('"Tee" is out of stock.');
    } finally {
      catalogs.nl["line.out_of_stock"] = saved;
    }
  });
});
