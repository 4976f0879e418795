/**
 * Small value conversions the feed needs: GTIN check digits, decimal strings ↔ integer minor units,
 * and OpenAI's "79.99 USD" price strings. Pure and allocation-light: they run once per variant.
 */

/**
 * Digits after the decimal point per ISO 4217 where it is not 2. Feeds carry minor units
 * (ACP `Price.amount`), so JPY 1200 is 1200 and KWD 1.250 is 1250.
 */
// prettier-ignore
const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export function currencyExponent(currency: string): number {
  return CURRENCY_EXPONENTS[currency] ?? 2;
}

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
 * "19.99" → 1999 (USD), "1200.0" → 1200 (JPY). Extra fraction digits round half up.
 * Returns null for anything that is not a plain non-negative decimal (no sign, exponent or separators),
 * so a malformed price is reported instead of guessed.
 */
export function decimalToMinorUnits(decimal: string, currency: string): number | null {
  const text = decimal.trim();
  const dot = text.indexOf(".");
  const whole = dot === -1 ? text : text.slice(0, dot);
  const fraction = dot === -1 ? "" : text.slice(dot + 1);
  if (!isDigits(whole) || (dot !== -1 && !isDigits(fraction))) return null;
  const exponent = currencyExponent(currency);
  let amount = Number(whole + fraction.slice(0, exponent).padEnd(exponent, "0"));
  if (fraction.length > exponent && fraction.charCodeAt(exponent) - CODE_0 >= 5) amount += 1;
  return Number.isSafeInteger(amount) ? amount : null;
}

/** 1999, "USD" → "19.99"; 1200, "JPY" → "1200". */
export function minorUnitsToDecimal(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return String(amount);
  const digits = String(amount).padStart(exponent + 1, "0");
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
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
