/**
 * Minimum charge amounts in minor units, from Stripe's "Minimum and maximum charge amounts" table
 * (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts). The sandbox accepts
 * only these currencies; Stripe supports many more, so extend the table when a test needs one.
 */
const MINIMUM_AMOUNTS: Record<string, number> = {
  usd: 50,
  aud: 50,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  jpy: 50,
  mxn: 1000,
  nok: 300,
  nzd: 50,
  pln: 200,
  sek: 300,
  sgd: 50,
};

/** Stripe's upper bound for a single charge amount (eight digits). */
export const MAX_AMOUNT = 99_999_999;

export function isSupportedCurrency(currency: string): boolean {
  return currency in MINIMUM_AMOUNTS;
}

export function minimumAmount(currency: string): number {
  return MINIMUM_AMOUNTS[currency] ?? 50;
}

/** `$0.50`, `¥50`: minor units shown the way Stripe's error messages show them. */
export function formatAmount(amount: number, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}
