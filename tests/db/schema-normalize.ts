/**
 * Reduces a Prisma schema to what the database itself can tell: models, field types, optionality,
 * ids, uniques, indexes and database-side defaults. Client-side defaults (cuid(), @updatedAt) and
 * native type hints (@db.*) are not visible to introspection and are left out.
 */
export function normalizePrismaSchema(schema: string): Record<string, string[]> {
  const models: Record<string, string[]> = {};
  const modelPattern = /^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm;
  for (const match of schema.matchAll(modelPattern)) {
    const [, name, body] = match;
    const lines: string[] = [];
    for (const raw of body.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      if (!line) continue;
      if (line.startsWith("@@")) {
        lines.push(line.replace(/,\s*map:\s*"[^"]*"/g, "").replace(/\s+/g, ""));
        continue;
      }
      const [field, type, ...attributes] = line.split(/\s+(?![^(]*\))/);
      const kept = attributes
        .filter((attribute) => !attribute.startsWith("@db.") && attribute !== "@updatedAt")
        .filter((attribute) => !/^@default\((cuid|uuid|nanoid)\(/.test(attribute))
        .map((attribute) => attribute.replace(/\(map:\s*"[^"]*"\)/, ""));
      lines.push([field, type, ...kept].join(" "));
    }
    // `@@unique([field])` and `field … @unique` are the same index; introspection prints the latter.
    const normalized = lines.flatMap((line) => {
      const single = /^@@unique\(\[(\w+)\]\)$/.exec(line);
      return single ? [] : [line];
    });
    for (const line of lines) {
      const single = /^@@unique\(\[(\w+)\]\)$/.exec(line);
      if (!single) continue;
      const index = normalized.findIndex((candidate) => candidate.split(" ")[0] === single[1]);
      if (index >= 0 && !normalized[index].includes("@unique")) normalized[index] += " @unique";
    }
    models[name] = normalized.sort();
  }
  return models;
}
