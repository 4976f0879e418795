import { describe, expect, it } from "vitest";
import { negotiateLanguage, parseAcceptLanguage } from "./negotiate";

describe("parseAcceptLanguage", () => {
  it("reads ranges and q-values in header order", () => {
    expect(parseAcceptLanguage("de-CH, de;q=0.9 , en ; Q=0.5,*;q=0.1")).toEqual([
      { range: "de-ch", q: 1 },
      { range: "de", q: 0.9 },
      { range: "en", q: 0.5 },
      { range: "*", q: 0.1 },
    ]);
    expect(parseAcceptLanguage("fr,,  ,ja;q=1.000")).toEqual([
      { range: "fr", q: 1 },
      { range: "ja", q: 1 },
    ]);
  });

  it.each([
    ["de;q=2"],
    ["de;q=0.1234"],
    ["de;q="],
    ["de;level=1"],
    ["de_DE"],
    ["toolonglanguage"],
    ["de-"],
    ["en; q=0.5; q=0.4"],
    ["x".repeat(2000)],
  ])("treats %j as not sent", (header) => {
    expect(parseAcceptLanguage(header)).toBeNull();
  });

  it("is null for no header or only empty elements", () => {
    expect(parseAcceptLanguage(null)).toBeNull();
    expect(parseAcceptLanguage(" , ")).toBeNull();
  });
});

describe("negotiateLanguage", () => {
  it.each([
    ["de-CH;q=0.9, en;q=0.5", null, "de"],
    ["en;q=0.5, de-CH;q=0.9", null, "de"],
    ["fr-CA", null, "fr"],
    ["ja-JP-u-ca-japanese", null, "ja"],
    ["zh-Hant-x-private, nl;q=0.2", null, "nl"],
    ["pt-BR, es;q=0.8, it;q=0.8", null, "es"],
    ["sv, pl;q=0.5", null, "en"],
    [null, null, "en"],
    ["*", null, "en"],
    ["de;q=0, *", null, "en"],
    ["de;q=2", null, "en"],
    ["de, fr;level=1", null, "en"],
  ])("%j (locale %j) → %s", (header, locale, expected) => {
    expect(negotiateLanguage(header, locale)).toBe(expected);
  });

  it("takes the session's locale when the header names nothing the catalog has", () => {
    expect(negotiateLanguage(null, "it-IT")).toBe("it");
    expect(negotiateLanguage("*", "nl_NL")).toBe("nl");
    expect(negotiateLanguage("pt-BR", "fr-FR")).toBe("fr");
    expect(negotiateLanguage("de;q=malformed", "fr-FR")).toBe("fr");
  });

  it("prefers a language the header names over the locale", () => {
    expect(negotiateLanguage("es", "fr-FR")).toBe("es");
    expect(negotiateLanguage("pt, en;q=0.1", "fr-FR")).toBe("en");
  });

  it("excludes languages refused with q=0, the locale's too", () => {
    expect(negotiateLanguage("de-CH, de;q=0, fr;q=0.5", null)).toBe("fr");
    expect(negotiateLanguage("pt, fr;q=0", "fr-FR")).toBe("en");
    expect(negotiateLanguage("*;q=0, pt", "fr-FR")).toBe("en");
    // Refusing de-CH is not refusing de.
    expect(negotiateLanguage("de-CH;q=0, de;q=0.5", null)).toBe("de");
  });

  it("answers in English when a locale is not a language the catalog has", () => {
    expect(negotiateLanguage(null, "pt-BR")).toBe("en");
    expect(negotiateLanguage(null, "")).toBe("en");
  });
});
