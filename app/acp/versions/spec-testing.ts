/**
 * Test-only view of the vendored ACP spec for the adapters: official example requests and checkout
 * schema validation, both through the shared loader in sandbox/agent/spec.ts (vendor/acp-spec,
 * draft-04 leftovers normalized, one Ajv per version).
 */
import { loadExample, loadSchema, validateDef, type ValidationResult } from "../../../sandbox/agent/spec";
import type { AcpVersion } from "../version-adapter";

const CHECKOUT_SCHEMA = "json-schema/schema.agentic_checkout.json";
const CHECKOUT_EXAMPLES = "examples.agentic_checkout.json";

export type RequestKind = "create" | "update" | "complete" | "cancel";

export interface ExampleRequest {
  name: string;
  kind: RequestKind;
  body: unknown;
}

/** Every official example request of a version: keys with a `_request` word, variants included. */
export function exampleRequests(version: AcpVersion): ExampleRequest[] {
  const examples = loadExample(version, CHECKOUT_EXAMPLES) as Record<string, unknown>;
  const requests: ExampleRequest[] = [];
  for (const [name, body] of Object.entries(examples)) {
    if (!/_request(_|$)/.test(name)) continue;
    const kind = name.split("_")[0];
    if (kind !== "create" && kind !== "update" && kind !== "complete" && kind !== "cancel") {
      throw new Error(`Example ${version}/${name} is a request of an unknown kind`);
    }
    requests.push({ name, kind, body });
  }
  return requests;
}

export function exampleNamed(version: AcpVersion, name: string): unknown {
  return (loadExample(version, CHECKOUT_EXAMPLES) as Record<string, unknown>)[name];
}

/** Property names the version's `CheckoutSessionBase` declares. */
export function sessionBaseProperties(version: AcpVersion): string[] {
  const schema = loadSchema(version, CHECKOUT_SCHEMA) as {
    $defs: { CheckoutSessionBase: { properties: Record<string, unknown> } };
  };
  return Object.keys(schema.$defs.CheckoutSessionBase.properties);
}

/**
 * Validates against a `$defs` entry of the version's checkout bundle. `splitClosedAllOf` reads
 * `CheckoutSessionWithOrder` as "base plus order" (SOURCE.md caveat 2); without it the schema is
 * applied exactly as vendored.
 */
export function validateCheckout(
  version: AcpVersion,
  def: string,
  data: unknown,
  splitClosedAllOf = false,
): ValidationResult {
  return validateDef(version, CHECKOUT_SCHEMA, def, data, { splitClosedAllOf });
}
