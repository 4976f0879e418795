import { describe, expect, it } from "vitest";
import { localized, type RenderText } from "./catalog";
import { deferTexts, fillTexts } from "./deferred";

describe("deferred texts", () => {
  const serialize = (render: RenderText) => ({
    title: "Canvas Tote Bag",
    totals: [{ type: "total", display_text: render(localized("label.total")), amount: 500 }],
    messages: [
      { content: render(localized("line.out_of_stock", { name: "Tote" })) },
      { content: render("As given") },
    ],
  });

  it("keeps keys and parameters, not words, and fills them in any language", () => {
    const deferred = deferTexts(serialize);
    expect(JSON.stringify(deferred)).not.toMatch(/Total|out of stock/);
    expect(JSON.parse(JSON.stringify(deferred))).toEqual(deferred);
    expect(fillTexts(deferred, "de")).toEqual({
      title: "Canvas Tote Bag",
      totals: [{ type: "total", display_text: "Gesamt", amount: 500 }],
      messages: [{ content: "„Tote“ ist ausverkauft." }, { content: "As given" }],
    });
    expect(fillTexts(deferred, "en")).toMatchObject({ totals: [{ display_text: "Total" }] });
  });

  it("leaves strings alone that only look like a token", () => {
    const deferred = { template: { a: "\uE0009\uE001", b: "x\uE0000\uE001" }, texts: ["only one"] };
    expect(fillTexts(deferred, "fr")).toEqual({ a: "\uE0009\uE001", b: "x\uE0000\uE001" });
  });
});
