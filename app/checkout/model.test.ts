import { describe, expect, it } from "vitest";
import { localized } from "../i18n/catalog";
import { withStoredTexts, type CheckoutMessage } from "./model";

describe("withStoredTexts", () => {
  it("reads the rendered English `content` of sessions stored before texts were keyed as a literal text", () => {
    const stored = [
      {
        type: "error",
        code: "not_found",
        target: null,
        content: "Old words.",
        contentType: "plain",
        resolution: null,
      },
    ] as unknown as CheckoutMessage[];
    expect(withStoredTexts(stored)).toEqual([
      {
        type: "error",
        code: "not_found",
        target: null,
        text: "Old words.",
        contentType: "plain",
        resolution: null,
      },
    ]);
  });

  it("leaves keyed texts as they are", () => {
    const message: CheckoutMessage = {
      type: "error",
      code: "expired",
      target: null,
      text: localized("session.expired"),
      contentType: "plain",
      resolution: "requires_buyer_review",
    };
    expect(withStoredTexts([message])[0]).toBe(message);
  });
});
