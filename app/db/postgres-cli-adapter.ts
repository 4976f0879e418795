import { PrismaPg } from "@prisma/adapter-pg";

// PostgreSQL type OIDs of `name` and `char`: catalog columns that Prisma Migrate reads.
const CATALOG_TEXT_TYPES = new Set([18, 19]);
const TEXT_OID = 25;
const patched = Symbol.for("acp.pgCatalogTextPatch");

type PerformIO = (query: unknown) => Promise<{ fields: { dataTypeID: number }[] }>;

/**
 * The pg driver adapter used by the Prisma CLI (prisma.config.ts). Prisma 6.19's adapter rejects
 * the `name` type that Migrate's own catalog queries return ("Column type 'name' could not be
 * deserialized", prisma/orm#27403), so migrate deploy fails. Those columns are plain text: report
 * them as text. Only the CLI uses this; the app's queries never select catalog columns.
 */
export async function postgresCliAdapter(connectionString: string) {
  const factory = new PrismaPg({ connectionString });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    patchQueryable(adapter);
    return adapter;
  };
  return factory;
}

function patchQueryable(adapter: object) {
  let proto: Record<string | symbol, unknown> | null = Object.getPrototypeOf(adapter);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, "performIO"))
    proto = Object.getPrototypeOf(proto);
  if (!proto || proto[patched]) return;
  const performIO = proto.performIO as PerformIO;
  proto.performIO = async function (this: unknown, query: unknown) {
    const result = await performIO.call(this, query);
    for (const field of result.fields)
      if (CATALOG_TEXT_TYPES.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    return result;
  };
  proto[patched] = true;
}
