import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildASTSchema, parse, type GraphQLSchema } from "graphql";

/** The only Admin API version the sandbox serves; the vendored SDL is this version. */
export const SANDBOX_API_VERSION = "2026-04";

const SCHEMA_FILE = fileURLToPath(new URL("./schema/2026-04.graphql", import.meta.url));

let cached: { schema: GraphQLSchema; loadMs: number } | null = null;

/**
 * The Admin API 2026-04 schema, built once per process. The SDL is 3 MB: parsing it without
 * locations and trusting the SDL (it is an unmodified introspection of Shopify's API) halves
 * the start-up cost; graphql-js still validates the built schema on the first `validate` call.
 */
export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const started = performance.now();
    const document = parse(readFileSync(SCHEMA_FILE, "utf8"), { noLocation: true });
    const schema = buildASTSchema(document, { assumeValidSDL: true });
    cached = { schema, loadMs: performance.now() - started };
  }
  return cached.schema;
}

/** How long the first `adminSchema()` call took (ms), or null before it ran. */
export function adminSchemaLoadMs(): number | null {
  return cached?.loadMs ?? null;
}
