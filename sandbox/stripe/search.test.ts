import { describe, expect, it } from "vitest";
import { matches, parseSearchQuery, type SearchDocument } from "./search";

const doc: SearchDocument = {
  amount: 4_200,
  created: 1_800_000_000,
  currency: "usd",
  customer: null,
  status: "requires_capture",
  metadata: { checkout_session_id: "cs_1", shop: "demo.myshopify.com" },
};

describe("parseSearchQuery", () => {
  it.each([
    ["metadata['checkout_session_id']:'cs_1'", true],
    ['metadata["checkout_session_id"]:"cs_1"', true],
    ["metadata['checkout_session_id']:'CS_1'", true],
    ["metadata['checkout_session_id']:'cs_2'", false],
    ["-metadata['checkout_session_id']:'cs_2'", true],
    ["metadata['missing']:null", true],
    ["-metadata['checkout_session_id']:null", true],
    ["status:'requires_capture' AND currency:'usd'", true],
    ["status:'succeeded' OR amount>4000", true],
    ["status:'succeeded' AND amount>4000", false],
    ["amount:4200", true],
    ["amount>=4200 AND amount<=4200", true],
    ["created<1800000000", false],
    ["metadata['shop']:'demo.myshopify.com'", true],
  ])("%s → %s", (query, expected) => {
    expect(matches(parseSearchQuery(query), doc)).toBe(expected);
  });

  it.each([
    ["", "empty"],
    ["status:succeeded", "must be quoted"],
    ["status:'a' AND amount>1 OR currency:'usd'", "cannot combine AND and OR"],
    ["email:'a@b.c'", "not a supported search field"],
    ["metadata:'x'", "metadata['key']"],
    ["status>'a'", "only supports the ':' operator"],
    ["amount:'big'", "numeric value"],
    ["status:'a' AND", "ends after AND"],
    ["metadata['k']:'unterminated", "Unterminated"],
    [Array.from({ length: 11 }, (_, i) => `amount>${i}`).join(" AND "), "at most 10 clauses"],
  ])("rejects %j (%s)", (query, message) => {
    expect(() => parseSearchQuery(query)).toThrow(message);
  });

  it("keeps spaces inside quoted values", () => {
    const query = parseSearchQuery("metadata['note']:'two words'");
    expect(query.clauses[0]).toMatchObject({ metadataKey: "note", value: "two words" });
  });
});
