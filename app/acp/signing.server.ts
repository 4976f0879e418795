import { createHmac, createPublicKey, verify } from "node:crypto";
import type { Agent } from "@prisma/client";
import { canonicalJson } from "../lib/canonical-json";
import { decryptSecret, safeEqual } from "../lib/crypto.server";
import { localized, type Text } from "../i18n/catalog";
import { AcpError } from "./errors";

/** How far a request's `Timestamp` may be from our clock (ACP RFC §7 asks for a bounded window). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const invalidSignature = (message: Text) =>
  new AcpError(401, "invalid_request", "invalid_signature", message);

/**
 * Verifies the optional request signature of agents that registered a signing key:
 * `Signature` = base64url(sig over canonical JSON of the body), `Timestamp` = RFC 3339 within the
 * tolerance. HMAC-SHA256 with a shared secret, or Ed25519 with the agent's public key (PEM).
 * Agents without a key are not checked (signing is optional in ACP).
 */
export function verifyRequestSignature(
  agent: Agent,
  body: unknown,
  headers: Headers,
  now = new Date(),
): void {
  if (!agent.signingAlgorithm || !agent.signingKeyEncrypted) return;
  // The signature covers the body; requests without one (GET, a bodyless cancel) rely on the key alone.
  if (body === undefined) return;
  const signature = headers.get("signature");
  const timestamp = headers.get("timestamp");
  if (!signature || !timestamp) throw invalidSignature(localized("error.signature_required"));
  const signedAt = Date.parse(timestamp);
  if (Number.isNaN(signedAt)) throw invalidSignature(localized("error.timestamp_invalid"));
  if (Math.abs(now.getTime() - signedAt) > SIGNATURE_TOLERANCE_SECONDS * 1000) {
    throw invalidSignature(localized("error.timestamp_skewed", { seconds: SIGNATURE_TOLERANCE_SECONDS }));
  }
  const payload = Buffer.from(canonicalJson(body ?? {}), "utf8");
  const key = decryptSecret(agent.signingKeyEncrypted);
  const given = Buffer.from(signature, "base64url");
  let valid = false;
  if (agent.signingAlgorithm === "hmac-sha256") {
    const expected = createHmac("sha256", key).update(payload).digest("base64url");
    valid = safeEqual(expected, given.toString("base64url"));
  } else if (agent.signingAlgorithm === "ed25519") {
    try {
      valid = verify(null, payload, createPublicKey(key), given);
    } catch {
      valid = false;
    }
  }
  if (!valid) throw invalidSignature(localized("error.signature_mismatch"));
}
