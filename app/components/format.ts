import { toDecimalString } from "../lib/money";

/** "$1,234.50" in the merchant's locale conventions (en here; the admin is English-only for now). */
export function formatMoney(minor: number, currency: string): string {
  const code = currency.toUpperCase();
  const amount = Number(toDecimalString(minor, code));
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: code }).format(amount);
  } catch {
    return `${code} ${toDecimalString(minor, code)}`;
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * "Nov 24, 2026 14:05 UTC". Built by hand in one fixed zone: Intl output differs between Node's
 * and the browser's ICU versions, and any difference breaks hydration.
 */
export function formatDateTime(iso: string | null): string {
  if (!iso) return "—";
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

export function formatPercent(basisPoints: number): string {
  return `${(basisPoints / 100).toString()}%`;
}
