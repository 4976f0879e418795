/**
 * Money in integer minor units. ISO 4217 exponents: most currencies have 2 decimals; these have
 * 0, 3 or 4. Conversions go through strings so 19.99 never becomes 1998.9999.
 */
const ZERO_DECIMAL = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "UYI",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DECIMAL = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);
/** Unidades de fomento (Chile, Uruguay): four decimals. */
const FOUR_DECIMAL = new Set(["CLF", "UYW"]);

export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  if (FOUR_DECIMAL.has(code)) return 4;
  return 2;
}

/** "19.99" (major units, as Shopify returns `Decimal`) → 1999. Rounds half away from zero past the exponent. */
export function toMinorUnits(decimal: string | number, currency: string): number {
  const exponent = currencyExponent(currency);
  const text = typeof decimal === "number" ? decimal.toFixed(exponent + 2) : decimal.trim();
  const match = /^(-)?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === "" && !match[3])) throw new Error(`Not a decimal amount: "${decimal}"`);
  const [, sign, whole, fraction = ""] = match;
  const kept = fraction.slice(0, exponent).padEnd(exponent, "0");
  let units = Number(whole || "0") * 10 ** exponent + Number(kept || "0");
  if (fraction.length > exponent && Number(fraction[exponent]) >= 5) units += 1;
  return sign && units !== 0 ? -units : units;
}

/** 1999 → "19.99"; 500 JPY → "500". */
export function toDecimalString(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (!Number.isInteger(minor)) throw new Error(`Minor units must be an integer: ${minor}`);
  if (exponent === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Splits `total` across `weights` proportionally so the parts sum exactly to `total`
 * (largest remainder; ties go to the earlier part).
 */
export function allocate(total: number, weights: number[]): number[] {
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  if (weights.length === 0) return [];
  if (weightSum === 0) return weights.map((_, index) => (index === 0 ? total : 0));
  const exact = weights.map((weight) => (total * weight) / weightSum);
  const parts = exact.map(Math.floor);
  let remainder = total - parts.reduce((sum, part) => sum + part, 0);
  const order = exact
    .map((value, index) => ({ index, fraction: value - Math.floor(value) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (const { index } of order) {
    if (remainder <= 0) break;
    parts[index] += 1;
    remainder -= 1;
  }
  return parts;
}
