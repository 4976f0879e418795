import { GraphQLError } from "graphql";
import type { SandboxContext } from "./resolvers/types";
import type { Decimal } from "./store";

/**
 * Value formats exactly as the Admin API returns them. Shared by every resolver module so that
 * money and dates look the same wherever they come from.
 */

/**
 * `MoneyV2.amount` and other `Decimal` fields come from Ruby's BigDecimal: trailing zeros are
 * dropped but one decimal stays ("20.0", "19.9", "19.99"). App code must not assume two decimals.
 */
export function decimal(amount: Decimal | number): string {
  const text = typeof amount === "number" ? amount.toFixed(10) : amount.trim();
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace(/^[-+]/, "").split(".");
  const trimmed = fraction.replace(/0+$/, "");
  const integer = whole.replace(/^0+(?=\d)/, "") || "0";
  const sign = negative && (integer !== "0" || trimmed !== "") ? "-" : "";
  return `${sign}${integer}.${trimmed === "" ? "0" : trimmed}`;
}

/** The `Money` scalar (`ProductVariant.price`): a string with the currency's two decimals ("20.00"). */
export function moneyScalar(amount: Decimal | number): string {
  return Number(amount).toFixed(2);
}

export function moneyV2(
  amount: Decimal | number,
  currencyCode: string,
): { amount: string; currencyCode: string } {
  return { amount: decimal(amount), currencyCode };
}

/** `MoneyBag` (`priceSet`, `totalPriceSet`): shop and presentment money. */
export function moneyBag(
  shopAmount: Decimal | number,
  shopCurrency: string,
  presentmentAmount: Decimal | number = shopAmount,
  presentmentCurrency: string = shopCurrency,
) {
  return {
    shopMoney: moneyV2(shopAmount, shopCurrency),
    presentmentMoney: moneyV2(presentmentAmount, presentmentCurrency),
  };
}

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** `DateTime`: ISO 8601 in UTC without milliseconds ("2026-04-01T12:00:00Z"). */
export function dateTime(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  // Stored timestamps are usually already in this form; skip the Date round trip (hot in bulk runs).
  if (typeof value === "string" && ISO_SECONDS.test(value)) return value;
  const date = typeof value === "string" ? new Date(value) : value;
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `UnsignedInt64` (`legacyResourceId`, `objectCount`): serialized as a string. */
export function unsignedInt64(value: number | string): string {
  return String(value);
}

/** HTML → the single-line text `Product.description` returns, optionally truncated with "...". */
export function plainText(html: string, truncateAt?: number | null): string {
  const text = html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
  if (truncateAt && text.length > truncateAt) return `${text.slice(0, Math.max(0, truncateAt - 3))}...`;
  return text;
}

/** Scopes that also grant another (`write_products` covers `read_products`). */
function grants(granted: string[], scope: string): boolean {
  if (granted.includes(scope)) return true;
  const [verb, ...rest] = scope.split("_");
  return verb === "read" && granted.includes(`write_${rest.join("_")}`);
}

/**
 * Shopify answers a field the app has no scope for with ACCESS_DENIED (HTTP 200, field null).
 * Resolvers call this first so a missing toml scope shows up in tests, not in production.
 */
export function requireScope(ctx: SandboxContext, field: string, ...scopes: string[]): void {
  const granted = ctx.shop.installation.scopes;
  const missing = scopes.filter((scope) => !grants(granted, scope));
  if (missing.length === 0) return;
  const requiredAccess = `${missing.map((scope) => `\`${scope}\``).join(", ")} access scope${missing.length > 1 ? "s" : ""}.`;
  throw new GraphQLError(`Access denied for ${field} field. Required access: ${requiredAccess}`, {
    extensions: {
      code: "ACCESS_DENIED",
      documentation: "https://shopify.dev/api/usage/access-scopes",
      requiredAccess,
    },
  });
}

/**
 * REST/webhook timestamps are in the shop's time zone with an offset
 * ("2026-04-01T08:00:00-04:00"), unlike GraphQL's UTC `DateTime`.
 */
export function restTime(value: string | Date | null | undefined, timeZone: string): string | null {
  if (value === null || value === undefined) return null;
  const date = typeof value === "string" ? new Date(value) : value;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "longOffset",
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  const offset = parts.timeZoneName.replace("GMT", "") || "+00:00";
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
