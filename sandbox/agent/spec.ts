/**
 * The vendored ACP spec (vendor/acp-spec, copied unchanged from upstream) as data and as compiled
 * JSON Schema validators. Everything reads the repository copy, never /work/shared, so a fresh clone
 * validates offline.
 *
 * One Ajv instance per version: every released version's checkout bundle declares the same `$id`
 * (`https://example.com/schemas/agentic-checkout/bundle.schema.json`), so versions cannot share one.
 * Inside an instance each file is registered under a file-path URI instead of its declared `$id`,
 * because upstream `$ref`s are written relative to file paths (`../json-schema/schema.cart.json`,
 * `./openapi.agentic_checkout.yaml#/...`, and `schema.agentic_checkout.json#/$defs/Buyer` from
 * schema.discount.json, whose own `$id` would point that ref at a URL no file declares).
 *
 * @example
 *   const result = validateDef("2026-04-17", "json-schema/schema.agentic_checkout.json", "CheckoutSession", body);
 *   if (!result.valid) throw new Error(formatErrors(result.errors));
 */
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import YAML from "yaml";

/** Released ACP versions, oldest first (the vendored `spec/<version>` folders). */
export const ACP_VERSIONS = ["2025-09-29", "2025-12-12", "2026-01-16", "2026-01-30", "2026-04-17"] as const;
export type AcpVersion = (typeof ACP_VERSIONS)[number];
export const LATEST_ACP_VERSION: AcpVersion = "2026-04-17";

export function isAcpVersion(value: unknown): value is AcpVersion {
  return typeof value === "string" && (ACP_VERSIONS as readonly string[]).includes(value);
}

export const VENDOR_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../vendor/acp-spec",
);

/** Never fetched: only a namespace so relative `$ref`s resolve between the vendored files. */
const BASE_URI = "https://vendor.acp-spec.invalid/";
const SPEC_SUBDIRS = ["json-schema", "openapi", "openrpc"] as const;

/** A spec file path relative to `spec/<version>/`, e.g. `json-schema/schema.feed.json`. */
export type SpecFile = string;

export interface SchemaError {
  /** JSON Pointer into the validated data ("" = the root). */
  instancePath: string;
  /** The same location as an RFC 9535 JSONPath, the form ACP uses in `param`. */
  jsonPath: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

export interface ValidationResult {
  valid: boolean;
  errors: SchemaError[];
  /** Which schema judged the data, as `spec/<version>/<file>#<pointer>`. */
  schema: string;
}

/**
 * Rewrites applied in memory (the files on disk stay unchanged). Only draft-04 leftovers that a
 * 2020-12 validator cannot even compile are rewritten, to the meaning they obviously had.
 */
export const SCHEMA_NORMALIZATIONS: ReadonlyArray<{
  version: AcpVersion;
  file: string;
  pointer: string;
  why: string;
}> = [
  {
    version: "2025-09-29",
    file: "json-schema/schema.agentic_checkout.json",
    pointer: "/$defs/Item/properties/quantity",
    why: "draft-04 `minimum: 0, exclusiveMinimum: true` becomes 2020-12 `exclusiveMinimum: 0` (quantity > 0)",
  },
  {
    version: "2025-09-29",
    file: "openapi/openapi.agentic_checkout.yaml",
    pointer: "/components/schemas/Item/properties/quantity",
    why: "same draft-04 boolean exclusiveMinimum as the JSON Schema bundle",
  },
];

const documents = new Map<string, unknown>();
const ajvs = new Map<AcpVersion, Ajv2020>();

function assertVersion(version: string): asserts version is AcpVersion {
  if (!isAcpVersion(version)) {
    throw new Error(`Unknown ACP version "${version}"; vendored versions are ${ACP_VERSIONS.join(", ")}`);
  }
}

/** Spec files of one version, relative to `spec/<version>/`, sorted. */
export function listSpecFiles(version: AcpVersion): SpecFile[] {
  assertVersion(version);
  const files: string[] = [];
  for (const dir of SPEC_SUBDIRS) {
    const full = path.join(VENDOR_ROOT, "spec", version, dir);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full).sort()) files.push(`${dir}/${name}`);
  }
  return files;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function parseFile(fullPath: string): unknown {
  const text = readFileSync(fullPath, "utf8");
  return fullPath.endsWith(".yaml") || fullPath.endsWith(".yml") ? YAML.parse(text) : JSON.parse(text);
}

/**
 * One vendored spec document (JSON Schema bundle, OpenAPI or OpenRPC), parsed once and frozen:
 * callers share it, so nobody may edit it.
 */
export function loadSchema(version: AcpVersion, file: SpecFile): unknown {
  assertVersion(version);
  const key = `spec/${version}/${file}`;
  if (!documents.has(key)) {
    const full = path.join(VENDOR_ROOT, key);
    if (!existsSync(full)) {
      throw new Error(`No vendored spec file ${key} (have: ${listSpecFiles(version).join(", ")})`);
    }
    documents.set(key, deepFreeze(parseFile(full)));
  }
  return documents.get(key);
}

/** Example files of one version, relative to `examples/<version>/`, JSON only, sorted. */
export function listExampleFiles(version: AcpVersion): string[] {
  assertVersion(version);
  const root = path.join(VENDOR_ROOT, "examples", version);
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir))
      .sort()
      .flatMap((name) => {
        const rel = dir ? `${dir}/${name}` : name;
        if (statSync(path.join(root, rel)).isDirectory()) return walk(rel);
        return name.endsWith(".json") ? [rel] : [];
      });
  return existsSync(root) ? walk("") : [];
}

/** One vendored example file, parsed once and frozen. */
export function loadExample(version: AcpVersion, file: string): unknown {
  assertVersion(version);
  const key = `examples/${version}/${file}`;
  if (!documents.has(key)) {
    const full = path.join(VENDOR_ROOT, key);
    if (!existsSync(full)) throw new Error(`No vendored example file ${key}`);
    documents.set(key, deepFreeze(parseFile(full)));
  }
  return documents.get(key);
}

/** The URI a schema location is registered under, e.g. for a `$ref` in a schema of your own. */
export function schemaUri(version: AcpVersion, file: SpecFile, pointer = ""): string {
  const fragment = pointer ? `#${pointer.split("/").map(encodeURIComponent).join("/")}` : "";
  return `${BASE_URI}spec/${version}/${file}${fragment}`;
}

function normalizeDraft4Bounds(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(normalizeDraft4Bounds);
    return;
  }
  if (!node || typeof node !== "object") return;
  const schema = node as Record<string, unknown>;
  for (const [bound, exclusive] of [
    ["minimum", "exclusiveMinimum"],
    ["maximum", "exclusiveMaximum"],
  ] as const) {
    if (typeof schema[exclusive] === "boolean") {
      if (schema[exclusive] === true && typeof schema[bound] === "number") {
        schema[exclusive] = schema[bound];
        delete schema[bound];
      } else {
        delete schema[exclusive];
      }
    }
  }
  Object.values(schema).forEach(normalizeDraft4Bounds);
}

/**
 * The Ajv (JSON Schema 2020-12) instance for one version with every spec file of that version
 * registered; compiled validators are cached inside it. Use it to compile schemas of your own that
 * `$ref` spec locations via {@link schemaUri}.
 */
export function specAjv(version: AcpVersion): Ajv2020 {
  assertVersion(version);
  let ajv = ajvs.get(version);
  if (ajv) return ajv;
  // strict: false because upstream files legitimately use what strict mode rejects: OpenAPI-only
  // keywords (`example`, `discriminator`) and `required` inside oneOf branches naming properties
  // declared only on the parent (e.g. SelectedFulfillmentOption in 2025-12-12).
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const file of listSpecFiles(version)) {
    const copy = structuredClone(loadSchema(version, file)) as Record<string, unknown>;
    normalizeDraft4Bounds(copy);
    ajv.addSchema({ ...copy, $id: schemaUri(version, file) });
  }
  ajvs.set(version, ajv);
  return ajv;
}

/** The compiled validator for one location, e.g. (`openapi/openapi.feed.yaml`, `/components/schemas/Product`). */
export function compileSchema(version: AcpVersion, file: SpecFile, pointer: string): ValidateFunction {
  const uri = schemaUri(version, file, pointer);
  const validate = specAjv(version).getSchema(uri);
  if (!validate) throw new Error(`No schema at spec/${version}/${file}#${pointer}`);
  return validate;
}

/** JSON Pointer → RFC 9535 JSONPath (`/line_items/0/id` → `$.line_items[0].id`). */
export function toJsonPath(instancePath: string): string {
  if (!instancePath) return "$";
  return (
    "$" +
    instancePath
      .split("/")
      .slice(1)
      .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
      .map((part) =>
        /^\d+$/.test(part) ? `[${part}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? `.${part}` : `['${part}']`,
      )
      .join("")
  );
}

function toSchemaErrors(errors: ErrorObject[] | null | undefined): SchemaError[] {
  return (errors ?? []).map((error) => {
    let message = error.message ?? error.keyword;
    if (error.keyword === "additionalProperties") message += `: "${String(error.params.additionalProperty)}"`;
    if (error.keyword === "enum") message += `: ${JSON.stringify(error.params.allowedValues)}`;
    return {
      instancePath: error.instancePath,
      jsonPath: toJsonPath(error.instancePath),
      keyword: error.keyword,
      message,
      params: error.params as Record<string, unknown>,
    };
  });
}

/** Validates data against one schema location of one version. Never throws for invalid data. */
export function validateWithSchema(
  version: AcpVersion,
  file: SpecFile,
  pointer: string,
  data: unknown,
): ValidationResult {
  const validate = compileSchema(version, file, pointer);
  const valid = validate(data) as boolean;
  return {
    valid,
    errors: valid ? [] : toSchemaErrors(validate.errors),
    schema: `spec/${version}/${file}#${pointer}`,
  };
}

export interface ValidateDefOptions {
  /**
   * Read `allOf: [{$ref: Base}, {properties: {…}}]` where `Base` has `additionalProperties: false`
   * as "Base plus these properties", which is what upstream means and how its examples are written
   * (vendor/acp-spec/SOURCE.md caveat 2). A strict reading rejects every instance that uses the
   * added properties. When set and the shape matches, the data minus the added properties is
   * checked against `Base`, each added property against its own schema, and the extension's
   * `required` is enforced. Other definitions validate exactly as written.
   */
  splitClosedAllOf?: boolean;
}

/**
 * Validates against a named definition: `$defs/<name>` in a JSON Schema bundle,
 * `components/schemas/<name>` in an OpenAPI or OpenRPC document.
 */
export function validateDef(
  version: AcpVersion,
  file: SpecFile,
  name: string,
  data: unknown,
  options: ValidateDefOptions = {},
): ValidationResult {
  const defsPointer = file.startsWith("json-schema/") ? "/$defs" : "/components/schemas";
  const extension = options.splitClosedAllOf
    ? closedAllOfExtension(version, file, defsPointer, name)
    : undefined;
  if (!extension || !data || typeof data !== "object" || Array.isArray(data)) {
    return validateWithSchema(version, file, `${defsPointer}/${name}`, data);
  }
  const rest: Record<string, unknown> = {};
  const added: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data))
    (extension.added.includes(key) ? added : rest)[key] = value;
  const errors = [...validateWithSchema(version, file, `${defsPointer}/${extension.base}`, rest).errors];
  for (const key of extension.required) {
    if (!(key in data)) {
      errors.push({
        instancePath: "",
        jsonPath: "$",
        keyword: "required",
        message: `must have required property '${key}'`,
        params: { missingProperty: key },
      });
    }
  }
  for (const [key, value] of Object.entries(added)) {
    const pointer = `${defsPointer}/${name}/allOf/${extension.index}/properties/${key}`;
    for (const error of validateWithSchema(version, file, pointer, value).errors) {
      const instancePath = `/${key}${error.instancePath}`;
      errors.push({ ...error, instancePath, jsonPath: toJsonPath(instancePath) });
    }
  }
  return {
    valid: errors.length === 0,
    errors,
    schema: `spec/${version}/${file}#${defsPointer}/${name} (allOf read as ${extension.base} + ${extension.added.join(", ")})`,
  };
}

/** The `allOf[{$ref: closed Base}, {properties}]` shape, if `name` has it and adds properties Base lacks. */
function closedAllOfExtension(version: AcpVersion, file: SpecFile, defsPointer: string, name: string) {
  const defs = defsPointer
    .split("/")
    .slice(1)
    .reduce<Record<string, unknown> | undefined>(
      (node, key) => node?.[key] as Record<string, unknown> | undefined,
      loadSchema(version, file) as Record<string, unknown>,
    ) as
    | Record<
        string,
        {
          allOf?: Array<Record<string, unknown>>;
          properties?: Record<string, unknown>;
          additionalProperties?: unknown;
        }
      >
    | undefined;
  const allOf = defs?.[name]?.allOf;
  if (!allOf || allOf.length !== 2) return undefined;
  const ref = allOf[0].$ref;
  const prefix = `#${defsPointer}/`;
  if (typeof ref !== "string" || !ref.startsWith(prefix)) return undefined;
  const base = ref.slice(prefix.length);
  const baseSchema = defs?.[base];
  const extra = allOf[1] as { properties?: Record<string, unknown>; required?: string[] };
  if (!baseSchema || baseSchema.additionalProperties !== false || !extra.properties) return undefined;
  const added = Object.keys(extra.properties).filter(
    (key) => !Object.hasOwn(baseSchema.properties ?? {}, key),
  );
  if (added.length === 0) return undefined;
  return { base, index: 1, added, required: extra.required ?? [] };
}

/** Whether a named definition exists in a file (without compiling it). */
export function hasDef(version: AcpVersion, file: SpecFile, name: string): boolean {
  const doc = loadSchema(version, file) as Record<string, Record<string, unknown> | undefined>;
  const defs = file.startsWith("json-schema/")
    ? doc.$defs
    : (doc.components as Record<string, Record<string, unknown>> | undefined)?.schemas;
  return Boolean(defs && Object.hasOwn(defs, name));
}

/** One line per error, for assertion messages and logs. */
export function formatErrors(errors: SchemaError[]): string {
  return errors.map((error) => `${error.jsonPath} ${error.message}`).join("\n");
}
