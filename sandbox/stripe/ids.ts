import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Base62 characters, like the tail of Stripe ids (`pi_3Ab…`). */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  // 62 does not divide 256; the slight bias is irrelevant for test ids.
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** Stripe-style object id: `prefix` includes the underscore and any version digit (`pi_3`, `req_`). */
export function objectId(prefix: string, length = 24): string {
  return `${prefix}${randomId(length)}`;
}
