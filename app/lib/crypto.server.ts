import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "../env.server";

/**
 * Secrets at rest (Stripe keys, webhook and signing secrets) are AES-256-GCM encrypted with the
 * first key of APP_ENCRYPTION_KEYS and tagged with its id, so keys rotate without downtime: add a
 * new key first in the list, keep the old one until `reencryptAll` has run, then drop it.
 */
const FORMAT = "v1";

interface KeyRing {
  primary: { id: string; key: Buffer };
  byId: Map<string, Buffer>;
}

export function parseKeyRing(spec: string): KeyRing {
  const entries = spec.split(",").map((entry) => {
    const [id, base64] = entry.split(":");
    const key = Buffer.from(base64, "base64");
    if (!id || key.length !== 32) throw new Error(`Encryption key "${id}" must be 32 bytes (base64)`);
    return { id, key };
  });
  return { primary: entries[0], byId: new Map(entries.map((entry) => [entry.id, entry.key])) };
}

let ring: KeyRing | undefined;
function keyRing(): KeyRing {
  if (ring) return ring;
  const spec = env().APP_ENCRYPTION_KEYS;
  if (!spec) throw new Error("APP_ENCRYPTION_KEYS is not set: secrets cannot be stored");
  ring = parseKeyRing(spec);
  return ring;
}

export function encryptSecret(plaintext: string, keys: KeyRing = keyRing()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keys.primary.key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    FORMAT,
    keys.primary.id,
    iv.toString("base64"),
    tag.toString("base64"),
    ciphertext.toString("base64"),
  ].join(":");
}

export function decryptSecret(sealed: string, keys: KeyRing = keyRing()): string {
  const [format, keyId, iv, tag, ciphertext] = sealed.split(":");
  if (format !== FORMAT) throw new Error("Unknown secret format");
  const key = keys.byId.get(keyId);
  if (!key) throw new Error(`Secret was encrypted with key "${keyId}", which is no longer configured`);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString(
    "utf8",
  );
}

/** Whether a sealed secret was made with an older key (to re-encrypt during rotation). */
export function needsReencryption(sealed: string, keys: KeyRing = keyRing()): boolean {
  return sealed.split(":")[1] !== keys.primary.id;
}

export function sha256Hex(value: string | Buffer): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Constant-time string comparison (lengths may leak, contents do not). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

/** A random token with a readable prefix, e.g. `acp_sk_…` (base62-ish, 256 bits). */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString("base64url")}`;
}
