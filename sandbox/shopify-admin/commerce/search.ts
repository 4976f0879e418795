/**
 * The subset of Shopify's search syntax the app uses on `orders(query:)`: `field:value` terms,
 * implicit AND, `OR`, `-`/`NOT` negation, quoted values, and `>`/`>=`/`<`/`<=` on dates.
 * Supported fields: source_identifier, name, tag, created_at, updated_at, processed_at, email,
 * financial_status, fulfillment_status, status, id, source_name; a bare word matches name/email.
 *
 * @see https://shopify.dev/docs/api/usage/search-syntax
 */
import type { Order } from "../store";

type Predicate = (order: Order) => boolean;

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*(-?[\w.]+:(?:"[^"]*"|'[^']*'|\S+)|"[^"]*"|\(|\)|\S+)/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(query))) tokens.push(match[1]);
  return tokens;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

function compareDate(actual: string | null | undefined, raw: string): boolean {
  if (!actual) return false;
  const operator = /^(>=|<=|>|<)?(.*)$/.exec(raw)!;
  const wanted = Date.parse(unquote(operator[2]));
  const value = Date.parse(actual);
  if (Number.isNaN(wanted)) return false;
  switch (operator[1]) {
    case ">":
      return value > wanted;
    case ">=":
      return value >= wanted;
    case "<":
      return value < wanted;
    case "<=":
      return value <= wanted;
    default:
      return new Date(value).toISOString().slice(0, 10) === new Date(wanted).toISOString().slice(0, 10);
  }
}

function term(token: string): Predicate {
  const colon = token.indexOf(":");
  if (colon < 0) {
    const word = unquote(token).toLowerCase();
    return (order) =>
      order.name.toLowerCase().includes(word) || (order.email ?? "").toLowerCase().includes(word);
  }
  const field = token.slice(0, colon).toLowerCase();
  const raw = token.slice(colon + 1);
  const value = unquote(raw);
  const lower = value.toLowerCase();
  switch (field) {
    case "source_identifier":
      return (order) => order.sourceIdentifier === value;
    case "source_name":
      return (order) => (order.sourceName ?? "").toLowerCase() === lower;
    case "name":
      return (order) => order.name.toLowerCase() === lower || order.name.toLowerCase() === `#${lower}`;
    case "tag":
      return (order) => order.tags.some((tag) => tag.toLowerCase() === lower);
    case "email":
      return (order) => (order.email ?? "").toLowerCase() === lower;
    case "id":
      return (order) => order.legacyResourceId === value.replace(/^gid:\/\/shopify\/Order\//, "");
    case "financial_status":
      return (order) => order.displayFinancialStatus.toLowerCase() === lower;
    case "fulfillment_status":
      return (order) =>
        lower === "shipped"
          ? order.displayFulfillmentStatus === "FULFILLED"
          : lower === "unshipped"
            ? order.displayFulfillmentStatus === "UNFULFILLED"
            : order.displayFulfillmentStatus.toLowerCase() === lower;
    case "status":
      return (order) =>
        lower === "cancelled"
          ? order.cancelledAt !== null
          : lower === "closed"
            ? order.closed
            : lower === "open"
              ? !order.closed && order.cancelledAt === null
              : true;
    case "created_at":
      return (order) => compareDate(order.createdAt, raw);
    case "updated_at":
      return (order) => compareDate(order.updatedAt, raw);
    case "processed_at":
      return (order) => compareDate(order.processedAt, raw);
    default:
      // Shopify ignores unknown fields (with a search warning); so does the sandbox.
      return () => true;
  }
}

/** A predicate for `query`, or one that accepts everything for an empty query. */
export function orderFilter(query: string | null | undefined): Predicate {
  if (!query?.trim()) return () => true;
  const tokens = tokenize(query);
  let position = 0;

  function parseOr(): Predicate {
    const alternatives = [parseAnd()];
    while (tokens[position] === "OR") {
      position += 1;
      alternatives.push(parseAnd());
    }
    return (order) => alternatives.some((alternative) => alternative(order));
  }

  function parseAnd(): Predicate {
    const all: Predicate[] = [];
    while (position < tokens.length && tokens[position] !== "OR" && tokens[position] !== ")") {
      if (tokens[position] === "AND") {
        position += 1;
        continue;
      }
      all.push(parseUnary());
    }
    return (order) => all.every((predicate) => predicate(order));
  }

  function parseUnary(): Predicate {
    let token = tokens[position++];
    if (token === "NOT") {
      const inner = parseUnary();
      return (order) => !inner(order);
    }
    if (token === "(") {
      const inner = parseOr();
      if (tokens[position] === ")") position += 1;
      return inner;
    }
    const negated = token.startsWith("-") && token.length > 1;
    if (negated) token = token.slice(1);
    const predicate = term(token);
    return negated ? (order) => !predicate(order) : predicate;
  }

  return parseOr();
}

const SORTS: Record<string, (order: Order) => string | number> = {
  CREATED_AT: (order) => order.createdAt,
  UPDATED_AT: (order) => order.updatedAt,
  PROCESSED_AT: (order) => order.processedAt,
  ID: (order) => Number(order.legacyResourceId),
  ORDER_NUMBER: (order) => Number(order.name.replace(/\D/g, "")) || 0,
  TOTAL_PRICE: (order) => Number(order.total),
  CURRENT_TOTAL_PRICE: (order) => Number(order.total),
  FINANCIAL_STATUS: (order) => order.displayFinancialStatus,
  FULFILLMENT_STATUS: (order) => order.displayFulfillmentStatus,
  TOTAL_ITEMS_QUANTITY: (order) => order.lineItems.reduce((sum, line) => sum + line.quantity, 0),
};

/** Orders matching `query`, sorted by `sortKey` (ties by id, as Shopify). */
export function searchOrders(
  orders: Iterable<Order>,
  query: string | null | undefined,
  sortKey: string | null | undefined,
) {
  const filter = orderFilter(query);
  const key = SORTS[sortKey ?? "ID"] ?? SORTS.ID;
  return [...orders].filter(filter).sort((a, b) => {
    const left = key(a);
    const right = key(b);
    if (left < right) return -1;
    if (left > right) return 1;
    return Number(a.legacyResourceId) - Number(b.legacyResourceId);
  });
}
