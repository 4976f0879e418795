/**
 * A real subset of Shopify's search syntax (https://shopify.dev/docs/api/usage/search-syntax):
 * terms joined by implicit AND, `OR`, `AND`, `NOT`/`-` negation, parentheses, `field:value`,
 * comparators `field:>value` `>=` `<` `<=`, quoted values, trailing `*` prefix matches, and
 * comma lists (`status:active,draft`). Each connection declares the fields it understands;
 * an unknown field is ignored and reported as a warning, like Shopify's `extensions.search`.
 */

export type Comparator = ":" | ">" | ">=" | "<" | "<=";

export interface SearchTerm {
  kind: "term";
  /** null for a bare word (Shopify's "default" field). */
  field: string | null;
  comparator: Comparator;
  value: string;
  /** `value*`: prefix match. */
  prefix: boolean;
}

export type SearchNode =
  | SearchTerm
  | { kind: "and"; nodes: SearchNode[] }
  | { kind: "or"; nodes: SearchNode[] }
  | { kind: "not"; node: SearchNode };

type Token = { type: "word"; text: string; quoted: boolean } | { type: "(" } | { type: ")" };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const char = query[i];
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === "(" || char === ")") {
      tokens.push({ type: char });
      i += 1;
    } else {
      // A word runs to whitespace or a closing parenthesis; quotes may appear inside (field:"a b").
      let text = "";
      let quoted = false;
      while (i < query.length && !/\s/.test(query[i]) && query[i] !== ")") {
        if (query[i] === '"' || query[i] === "'") {
          const quote = query[i];
          const end = query.indexOf(quote, i + 1);
          const stop = end === -1 ? query.length : end;
          text += query.slice(i + 1, stop);
          quoted = true;
          i = stop + 1;
        } else if (query[i] === "(" && text === "") {
          break;
        } else {
          text += query[i];
          i += 1;
        }
      }
      if (text !== "" || quoted) tokens.push({ type: "word", text, quoted });
      else i += 1;
    }
  }
  return tokens;
}

function parseTerm(text: string, quoted: boolean): SearchTerm {
  const match = quoted && !/^[a-z_.]+:/i.test(text) ? null : /^([a-z_.]+):(>=|<=|>|<)?(.*)$/i.exec(text);
  if (!match) {
    const prefix = !quoted && text.endsWith("*");
    return { kind: "term", field: null, comparator: ":", value: prefix ? text.slice(0, -1) : text, prefix };
  }
  const [, field, comparator, rawValue] = match;
  const prefix = !quoted && rawValue.endsWith("*") && rawValue !== "*";
  return {
    kind: "term",
    field: field.toLowerCase(),
    comparator: (comparator as Comparator | undefined) ?? ":",
    value: prefix ? rawValue.slice(0, -1) : rawValue,
    prefix,
  };
}

export function parseSearch(query: string): SearchNode | null {
  const tokens = tokenize(query);
  let position = 0;

  const parseOr = (): SearchNode | null => {
    const nodes: SearchNode[] = [];
    let current = parseAnd();
    if (current) nodes.push(current);
    while (position < tokens.length) {
      const token = tokens[position];
      if (token.type === "word" && !token.quoted && token.text === "OR") {
        position += 1;
        current = parseAnd();
        if (current) nodes.push(current);
      } else break;
    }
    if (nodes.length === 0) return null;
    return nodes.length === 1 ? nodes[0] : { kind: "or", nodes };
  };

  const parseAnd = (): SearchNode | null => {
    const nodes: SearchNode[] = [];
    while (position < tokens.length) {
      const token = tokens[position];
      if (token.type === ")") break;
      if (token.type === "word" && !token.quoted && token.text === "OR") break;
      if (token.type === "word" && !token.quoted && token.text === "AND") {
        position += 1;
        continue;
      }
      const unary = parseUnary();
      if (unary) nodes.push(unary);
    }
    if (nodes.length === 0) return null;
    return nodes.length === 1 ? nodes[0] : { kind: "and", nodes };
  };

  const parseUnary = (): SearchNode | null => {
    const token = tokens[position];
    if (token.type === "word" && !token.quoted && token.text === "NOT") {
      position += 1;
      const inner = parseUnary();
      return inner ? { kind: "not", node: inner } : null;
    }
    if (token.type === "(") {
      position += 1;
      const inner = parseOr();
      if (tokens[position]?.type === ")") position += 1;
      return inner;
    }
    position += 1;
    if (token.type !== "word") return null;
    if (!token.quoted && token.text.startsWith("-") && token.text.length > 1) {
      return { kind: "not", node: parseTerm(token.text.slice(1), false) };
    }
    return parseTerm(token.text, token.quoted);
  };

  const root = parseOr();
  return root;
}

/** How one search field matches an item: gets the term, answers true/false. */
export type FieldMatcher<T> = (item: T, term: SearchTerm) => boolean;

export interface SearchSpec<T> {
  fields: Record<string, FieldMatcher<T>>;
  /** Bare words (no field). */
  default: FieldMatcher<T>;
}

export interface CompiledSearch<T> {
  matches(item: T): boolean;
  /** Fields the spec does not know; Shopify ignores them and warns. */
  unknownFields: string[];
}

export function compileSearch<T>(query: string | null | undefined, spec: SearchSpec<T>): CompiledSearch<T> {
  const root = query ? parseSearch(query) : null;
  const unknownFields = new Set<string>();
  const evaluate = (node: SearchNode, item: T): boolean => {
    switch (node.kind) {
      case "and":
        return node.nodes.every((child) => evaluate(child, item));
      case "or":
        return node.nodes.some((child) => evaluate(child, item));
      case "not":
        return !evaluate(node.node, item);
      case "term": {
        if (node.field === null) return spec.default(item, node);
        const matcher = spec.fields[node.field];
        if (!matcher) {
          unknownFields.add(node.field);
          return true;
        }
        return matcher(item, node);
      }
    }
  };
  // Walk once up front so unknown fields are reported even when the list is empty.
  if (root) collectFields(root).forEach((field) => field && !spec.fields[field] && unknownFields.add(field));
  return {
    matches: (item) => (root ? evaluate(root, item) : true),
    unknownFields: [...unknownFields],
  };
}

function collectFields(node: SearchNode): (string | null)[] {
  switch (node.kind) {
    case "term":
      return [node.field];
    case "not":
      return collectFields(node.node);
    default:
      return node.nodes.flatMap(collectFields);
  }
}

// ---- matchers shared by the connections ----

/** Exact, case-insensitive, comma lists allowed (`status:active,draft`), `field:*` = has a value. */
export function matchExact(values: (string | null | undefined)[], term: SearchTerm): boolean {
  const present = values.filter((value): value is string => !!value).map((value) => value.toLowerCase());
  if (term.value === "*") return present.length > 0;
  const wanted = term.value
    .toLowerCase()
    .split(",")
    .map((value) => value.trim());
  return wanted.some((value) =>
    present.some((candidate) => (term.prefix ? candidate.startsWith(value) : candidate === value)),
  );
}

/**
 * Text fields are matched word by word like Shopify's tokenized search: `title:shirt` finds
 * "Blue Shirt", a quoted phrase must appear in order, `shi*` matches word prefixes.
 */
export function matchText(
  values: (string | null | undefined)[],
  term: SearchTerm,
  prefixByDefault = false,
): boolean {
  if (term.value === "*") return values.some((value) => !!value);
  const needle = words(term.value);
  if (needle.length === 0) return true;
  return values.some((value) => {
    if (!value) return false;
    const haystack = words(value);
    for (let start = 0; start + needle.length <= haystack.length; start += 1) {
      const ok = needle.every((word, offset) => {
        const candidate = haystack[start + offset];
        const last = offset === needle.length - 1;
        return last && (term.prefix || prefixByDefault) ? candidate.startsWith(word) : candidate === word;
      });
      if (ok) return true;
    }
    return false;
  });
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, " ")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function compare(actual: number, term: SearchTerm, wanted: number): boolean {
  switch (term.comparator) {
    case ">":
      return actual > wanted;
    case ">=":
      return actual >= wanted;
    case "<":
      return actual < wanted;
    case "<=":
      return actual <= wanted;
    default:
      return actual === wanted;
  }
}

/** Numbers and numeric ids (`id:>=1234`, `inventory_total:<5`). Comma lists mean "any of". */
export function matchNumber(actual: number | null | undefined, term: SearchTerm): boolean {
  if (actual === null || actual === undefined) return false;
  if (term.comparator === ":" && term.value.includes(",")) {
    return term.value.split(",").some((value) => Number(value.trim()) === actual);
  }
  const wanted = Number(term.value);
  return Number.isFinite(wanted) && compare(actual, term, wanted);
}

/**
 * Dates: `updated_at:>2024-01-01`, `updated_at:>'2020-10-21T23:39:20Z'`, `created_at:<now`.
 * A bare date (no time) with `:` matches the whole day.
 */
export function matchDate(actual: string | null | undefined, term: SearchTerm, now: Date): boolean {
  if (!actual) return false;
  const at = Date.parse(actual);
  const raw = term.value.trim();
  const wanted =
    raw.toLowerCase() === "now" ? now.getTime() : Date.parse(/^\d{4}$/.test(raw) ? `${raw}-01-01` : raw);
  if (!Number.isFinite(wanted)) return false;
  if (term.comparator === ":" && /^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    return at >= wanted && at < wanted + 86_400_000;
  }
  return compare(at, term, wanted);
}

export function matchBoolean(actual: boolean, term: SearchTerm): boolean {
  return String(actual) === term.value.toLowerCase();
}
