/**
 * The part of Stripe's Search Query Language (https://docs.stripe.com/search#search-query-language)
 * that PaymentIntents support: `field:value` clauses on amount, created, currency, customer,
 * metadata['key'] and status, numeric comparisons, `-` negation, and clauses joined by AND or by
 * OR (never both, at most 10). Anything else is a 400, because Stripe rejects it too.
 */

export type Comparator = ":" | ">" | "<" | ">=" | "<=";

export interface Clause {
  field: string;
  /** The key inside `metadata['…']`. */
  metadataKey?: string;
  comparator: Comparator;
  /** `null` for `metadata['k']:null`, the "key is absent" test. */
  value: string | number | null;
  negated: boolean;
}

export interface SearchQuery {
  join: "AND" | "OR";
  clauses: Clause[];
}

export class SearchSyntaxError extends Error {}

const STRING_FIELDS = new Set(["currency", "customer", "status"]);
const NUMBER_FIELDS = new Set(["amount", "created"]);
const MAX_CLAUSES = 10;

export function parseSearchQuery(query: string): SearchQuery {
  const tokens = tokenize(query);
  const clauses: Clause[] = [];
  let join: "AND" | "OR" | undefined;
  let position = 0;
  while (position < tokens.length) {
    const { clause, next } = parseClause(tokens, position);
    clauses.push(clause);
    position = next;
    if (position >= tokens.length) break;
    const keyword = tokens[position];
    if (keyword !== "AND" && keyword !== "OR") {
      throw new SearchSyntaxError(`Expected AND or OR after a clause, found '${keyword}'.`);
    }
    if (join && join !== keyword) {
      throw new SearchSyntaxError("A search query cannot combine AND and OR.");
    }
    join = keyword;
    position += 1;
    if (position >= tokens.length) throw new SearchSyntaxError(`Query ends after ${keyword}.`);
  }
  if (clauses.length === 0) throw new SearchSyntaxError("The search query is empty.");
  if (clauses.length > MAX_CLAUSES) {
    throw new SearchSyntaxError(`A search query can have at most ${MAX_CLAUSES} clauses.`);
  }
  return { join: join ?? "AND", clauses };
}

/** Splits on whitespace outside quotes; quotes stay on their token so values keep their type. */
function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (let i = 0; i < query.length; i++) {
    const char = query[i];
    if (quote) {
      current += char;
      if (char === "\\" && i + 1 < query.length) current += query[++i];
      else if (char === quote) quote = null;
    } else if (char === "'" || char === '"') {
      quote = char;
      current += char;
    } else if (/\s/.test(char)) {
      if (current) tokens.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (quote) throw new SearchSyntaxError("Unterminated quoted string in the search query.");
  if (current) tokens.push(current);
  return tokens;
}

const CLAUSE_PATTERN =
  /^(-?)([a-z_]+)(?:\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\])?(>=|<=|:|>|<)(.*)$/s;

function parseClause(tokens: string[], position: number): { clause: Clause; next: number } {
  const match = CLAUSE_PATTERN.exec(tokens[position]);
  if (!match) throw new SearchSyntaxError(`Could not parse the clause '${tokens[position]}'.`);
  const [, minus, field, singleKey, doubleKey, comparator, rawValue] = match;
  const metadataKey = singleKey ?? doubleKey;
  if (field === "metadata" && metadataKey === undefined) {
    throw new SearchSyntaxError("Search metadata with metadata['key']:'value'.");
  }
  if (field !== "metadata" && metadataKey !== undefined) {
    throw new SearchSyntaxError(`Field '${field}' has no sub-keys.`);
  }
  if (field !== "metadata" && !STRING_FIELDS.has(field) && !NUMBER_FIELDS.has(field)) {
    throw new SearchSyntaxError(`Field '${field}' is not a supported search field for payment_intents.`);
  }
  const value = parseValue(rawValue, field);
  if (comparator !== ":" && !NUMBER_FIELDS.has(field)) {
    throw new SearchSyntaxError(`Field '${field}' only supports the ':' operator.`);
  }
  if (value === null && field !== "metadata") {
    throw new SearchSyntaxError("Only metadata fields can be compared with null.");
  }
  if (NUMBER_FIELDS.has(field) && typeof value !== "number") {
    throw new SearchSyntaxError(`Field '${field}' needs a numeric value.`);
  }
  return {
    clause: {
      field,
      metadataKey: metadataKey === undefined ? undefined : unescape(metadataKey),
      comparator: comparator as Comparator,
      value,
      negated: minus === "-",
    },
    next: position + 1,
  };
}

function parseValue(raw: string, field: string): string | number | null {
  const quoted = /^'((?:[^'\\]|\\.)*)'$|^"((?:[^"\\]|\\.)*)"$/s.exec(raw);
  if (quoted) return unescape(quoted[1] ?? quoted[2]);
  if (raw === "null") return null;
  if (/^-?\d+$/.test(raw) && NUMBER_FIELDS.has(field)) return Number(raw);
  throw new SearchSyntaxError(`String values must be quoted: '${raw}'.`);
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

/** The fields a PaymentIntent exposes to search, as stored in the (lagging) search index. */
export interface SearchDocument {
  amount: number;
  created: number;
  currency: string;
  customer: string | null;
  status: string;
  metadata: Record<string, string>;
}

export function matches(query: SearchQuery, doc: SearchDocument): boolean {
  const results = query.clauses.map((clause) => matchClause(clause, doc) !== clause.negated);
  return query.join === "AND" ? results.every(Boolean) : results.some(Boolean);
}

function matchClause(clause: Clause, doc: SearchDocument): boolean {
  if (clause.field === "metadata") {
    const actual = doc.metadata[clause.metadataKey ?? ""];
    if (clause.value === null) return actual === undefined;
    return actual !== undefined && actual.toLowerCase() === String(clause.value).toLowerCase();
  }
  if (NUMBER_FIELDS.has(clause.field)) {
    const actual = clause.field === "amount" ? doc.amount : doc.created;
    const expected = clause.value as number;
    switch (clause.comparator) {
      case ":":
        return actual === expected;
      case ">":
        return actual > expected;
      case "<":
        return actual < expected;
      case ">=":
        return actual >= expected;
      case "<=":
        return actual <= expected;
    }
  }
  const actual =
    clause.field === "currency" ? doc.currency : clause.field === "status" ? doc.status : doc.customer;
  // ':' is an exact, case-insensitive match for strings.
  return actual !== null && actual.toLowerCase() === String(clause.value).toLowerCase();
}
