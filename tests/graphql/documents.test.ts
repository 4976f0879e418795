import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { buildSchema, parse, validate, type GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/paths";

/** Every `#graphql` document in app/ (the Admin API operations the app sends). */
function collectDocuments(): { file: string; source: string }[] {
  const documents: { file: string; source: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|tsx)$/.test(name) && !name.endsWith(".test.ts")) {
        const text = readFileSync(full, "utf8");
        for (const match of text.matchAll(/`#graphql([\s\S]*?)`/g)) {
          documents.push({ file: path.relative(ROOT, full), source: match[1] });
        }
      }
    }
  };
  walk(path.join(ROOT, "app"));
  return documents;
}

let schema: GraphQLSchema;
beforeAll(() => {
  schema = buildSchema(readFileSync(path.join(ROOT, "sandbox/shopify-admin/schema/2026-04.graphql"), "utf8"));
});

const documents = collectDocuments();

describe("Admin GraphQL documents validate against the 2026-04 schema", () => {
  it("finds the app's documents", () => {
    expect(documents.length).toBeGreaterThanOrEqual(3);
  });

  it.each(documents.map((document) => [document.file, document.source.trim().split("\n")[0], document]))(
    "%s: %s",
    (_file, _name, document) => {
      const errors = validate(schema, parse((document as { source: string }).source));
      expect(errors.map((error) => error.message)).toEqual([]);
    },
  );
});
