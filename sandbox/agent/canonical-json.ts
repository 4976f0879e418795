/**
 * Canonical JSON for ACP request signatures: object keys sorted recursively, no whitespace.
 *
 * ACP says only "canonical JSON" (rfc.agentic_checkout.md §2.1, rfc.delegate_payment.md) and names
 * RFC 8785 (JCS) as one way to compare bodies (§6.2). This follows JCS where it matters for JSON
 * that ACP carries: keys sorted by UTF-16 code units (what `Array.prototype.sort` compares),
 * numbers and strings serialized exactly as `JSON.stringify` does (which is what JCS specifies), so
 * `1.0` and `1` canonicalize alike. Anything JSON cannot carry is an error rather than a guess.
 *
 * @example canonicalJson({ b: 1, a: [true, { d: null, c: "x" }] }) === '{"a":[true,{"c":"x","d":null}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const out = serialize(value, "$");
  if (out === undefined)
    throw new TypeError("canonicalJson: the top-level value is not JSON (undefined or a function)");
  return out;
}

function serialize(value: unknown, where: string): string | undefined {
  if (value === null) return "null";
  // Dates and other objects with toJSON serialize as JSON.stringify would, so a body canonicalizes
  // the same before and after a JSON round trip.
  if (typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return serialize((value as { toJSON: () => unknown }).toJSON(), where);
  }
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value))
        throw new TypeError(`canonicalJson: ${where} is ${value}, which JSON cannot represent`);
      return JSON.stringify(value);
    case "bigint":
      throw new TypeError(
        `canonicalJson: ${where} is a bigint; send money as integer minor units in a number`,
      );
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (Array.isArray(value)) {
    // As in JSON.stringify, holes and undefined inside arrays become null (positions are meaningful).
    return `[${value.map((item, i) => serialize(item, `${where}[${i}]`) ?? "null").join(",")}]`;
  }
  const entries: string[] = [];
  for (const key of Object.keys(value as object).sort()) {
    const item = serialize((value as Record<string, unknown>)[key], `${where}.${key}`);
    // Absent and undefined are the same on the wire; null stays (ACP: null means "clear").
    if (item !== undefined) entries.push(`${JSON.stringify(key)}:${item}`);
  }
  return `{${entries.join(",")}}`;
}
