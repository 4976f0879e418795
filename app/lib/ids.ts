import { randomBytes } from "node:crypto";

/** Public ids carry a prefix naming what they are (`cs_…` checkout session, `agt_…` agent). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url")}`;
}
