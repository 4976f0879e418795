/**
 * Money in integer minor units, formatted only at the edge. Pure.
 *
 * Shopify prints the two money scalars differently, and clients compare strings:
 * - `Decimal` (`MoneyV2.amount`, `MoneyBag`) drops trailing zeros but keeps one decimal: "10.0", "31.9", "949.95".
 * - `Money` (deprecated scalar fields, REST webhook payloads) uses the currency's decimals: "10.00", "31.90".
 * Both observed in live 2026-04 responses (`totalCapturable: "31.90"` next to `totalCapturableSet.amount: "31.9"`).
 */

/** ISO 4217 minor-unit exponents that differ from 2 (everything else has 2). */
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/**
 * Parses a decimal string ("10", "10.5", "-1.00") into minor units of `currency`, rounding half-up
 * when the input has more decimals than the currency (Shopify rounds e.g. 9.8789 to 9.88).
 */
export function toMinor(decimal: string | number, currency: string): number {
  const text = typeof decimal === "number" ? decimalString(decimal) : decimal.trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) {
    throw new RangeError(`Not a decimal amount: ${JSON.stringify(decimal)}`);
  }
  const [, sign, whole, fraction = ""] = match;
  const exponent = currencyExponent(currency);
  const kept = (fraction + "0".repeat(exponent)).slice(0, exponent);
  const rest = fraction.slice(exponent);
  let minor = Number(whole || "0") * 10 ** exponent + Number(kept || "0");
  if (rest !== "" && Number(rest[0]) >= 5) minor += 1;
  return sign === "-" ? -minor : minor;
}

export function isDecimal(text: unknown): boolean {
  return typeof text === "string" && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim());
}

function decimalString(value: number): string {
  // Avoids exponent notation for tiny/huge floats coming from GraphQL Float inputs.
  return value.toFixed(10);
}

/** `Decimal` scalar formatting: "10.0", "10.5", "10.55", "0.0", "1000.0" for JPY 1000. */
export function formatDecimal(minor: number, currency: string): string {
  const fixed = formatMoney(minor, currency);
  if (!fixed.includes(".")) return `${fixed}.0`;
  const trimmed = fixed.replace(/0+$/, "");
  return trimmed.endsWith(".") ? `${trimmed}0` : trimmed;
}

/** `Money` scalar / REST formatting with the currency's decimals: "10.00", "1000" for JPY. */
export function formatMoney(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(Math.round(minor))).padStart(exponent + 1, "0");
  const whole = exponent === 0 ? digits : digits.slice(0, digits.length - exponent);
  const fraction = exponent === 0 ? "" : `.${digits.slice(digits.length - exponent)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** `numerator / denominator` rounded half away from zero, exactly (BigInt), for integer inputs. */
export function divideRound(numerator: bigint, denominator: bigint): number {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (2n * n + d) / (2n * d);
  return Number(negative ? -quotient : quotient);
}

/** A tax or discount rate as an exact fraction (parts per 10^8; every real tax rate fits). */
export function rateParts(rate: number): bigint {
  return BigInt(Math.round(rate * 1e8));
}
const RATE_SCALE = 100_000_000n;

/** `minor * rate`, half-up: Shopify rounds each line's tax this way before summing. */
export function applyRate(minor: number, rate: number): number {
  return divideRound(BigInt(minor) * rateParts(rate), RATE_SCALE);
}

/** Tax included in a tax-inclusive `minor` amount: `minor * rate / (1 + totalRate)`, half-up. */
export function includedTax(minor: number, rate: number, totalRate: number): number {
  return divideRound(BigInt(minor) * rateParts(rate), RATE_SCALE + rateParts(totalRate));
}

/** Converts between currencies with a float rate, rounding half-up to the target's minor unit. */
export function convertMinor(minor: number, from: string, to: string, rate: number): number {
  if (from === to && rate === 1) return minor;
  const shift = currencyExponent(to) - currencyExponent(from);
  const scaled = BigInt(minor) * rateParts(rate) * 10n ** BigInt(Math.max(shift, 0));
  return divideRound(scaled, RATE_SCALE * 10n ** BigInt(Math.max(-shift, 0)));
}

/**
 * Splits `total` over `weights` so the parts sum exactly: each part gets its floor share, then the
 * leftover units go to the largest remainders, earlier lines first on ties. Matches Shopify's own
 * allocation in its order examples (10.00 across three equal lines → 3.34, 3.33, 3.33).
 */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  if (sum <= 0 || total === 0) return weights.map(() => 0);
  const sign = total < 0 ? -1 : 1;
  const magnitude = Math.abs(total);
  const exact = weights.map((weight) => ({
    floor: Number((BigInt(magnitude) * BigInt(weight)) / BigInt(sum)),
    remainder: (BigInt(magnitude) * BigInt(weight)) % BigInt(sum),
  }));
  let leftover = magnitude - exact.reduce((acc, part) => acc + part.floor, 0);
  const order = exact
    .map((part, index) => ({ index, remainder: part.remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  const parts = exact.map((part) => part.floor);
  for (const { index } of order) {
    if (leftover === 0) break;
    parts[index] += 1;
    leftover -= 1;
  }
  return parts.map((part) => part * sign);
}

const SYMBOLS: Record<string, string> = {
  USD: "$",
  CAD: "$",
  AUD: "$",
  NZD: "$",
  SGD: "$",
  HKD: "$",
  MXN: "$",
  EUR: "€",
  GBP: "£",
  JPY: "¥",
  CNY: "¥",
  INR: "₹",
  KRW: "₩",
};

/** "$25.00" / "€9.50" / "¥1000" as Shopify prints amounts inside error messages. */
export function formatWithSymbol(minor: number, currency: string): string {
  const symbol = SYMBOLS[currency];
  const amount = formatMoney(minor, currency);
  return symbol ? `${symbol}${amount}` : `${amount} ${currency}`;
}
