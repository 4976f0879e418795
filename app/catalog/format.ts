/**
 * Small value conversions the feed needs: GTIN check digits, decimal strings ↔ integer minor units,
 * and OpenAI's "79.99 USD" price strings. Pure and allocation-light: they run once per variant.
 */
import { toDecimalString, toMinorUnits } from "../lib/money";

const CODE_0 = 48;
const CODE_9 = 57;

function isDigits(value: string, from = 0, to = value.length): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c < CODE_0 || c > CODE_9) return false;
  }
  return true;
}

/**
 * "19.99" → 1999 (USD), "1200.0" → 1200 (JPY); the conversion itself is app/lib/money.ts's.
 * Returns null for anything that is not a plain non-negative decimal (no sign, exponent or separators),
 * so a malformed price is reported instead of guessed.
 */
export function decimalToMinorUnits(decimal: string, currency: string): number | null {
  const text = decimal.trim();
  const dot = text.indexOf(".");
  if (!isDigits(text, 0, dot === -1 ? text.length : dot)) return null;
  if (dot !== -1 && !isDigits(text, dot + 1)) return null;
  const amount = toMinorUnits(text, currency);
  return Number.isSafeInteger(amount) ? amount : null;
}

/** 1999, "USD" → "19.99"; 1200, "JPY" → "1200". */
export function minorUnitsToDecimal(amount: number, currency: string): string {
  return toDecimalString(amount, currency);
}

/** OpenAI file-upload price format: "79.99 USD" (decimal, space, ISO 4217 code). */
export function formatFeedPrice(amount: number, currency: string): string {
  return `${minorUnitsToDecimal(amount, currency)} ${currency}`;
}

/**
 * The GTIN in `raw` (GTIN-8, UPC-A/GTIN-12, EAN/GTIN-13 or GTIN-14) when its GS1 mod-10 check digit is
 * right, otherwise null. Spaces and hyphens are dropped because barcodes are often typed as printed;
 * leading zeros are kept because they are significant.
 * @see https://www.gs1.org/services/how-calculate-check-digit-manually
 */
export function normalizeGtin(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let digits = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === " " || ch === "-") continue;
    digits += ch;
  }
  const n = digits.length;
  if ((n !== 8 && n !== 12 && n !== 13 && n !== 14) || !isDigits(digits)) return null;
  // Weights alternate 3,1,3… starting from the digit left of the check digit.
  let sum = 0;
  for (let i = n - 2, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (digits.charCodeAt(i) - CODE_0) * weight;
  }
  const check = (10 - (sum % 10)) % 10;
  return check === digits.charCodeAt(n - 1) - CODE_0 ? digits : null;
}

/** Numeric part of a Shopify GID: "gid://shopify/ProductVariant/123" → "123". Non-GIDs pass through. */
export function legacyId(gid: string): string {
  const slash = gid.lastIndexOf("/");
  const tail = slash === -1 ? gid : gid.slice(slash + 1);
  const query = tail.indexOf("?");
  return query === -1 ? tail : tail.slice(0, query);
}
