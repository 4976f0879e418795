import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const TMP_DIR = path.join(ROOT, "tests/.tmp");
/** Migrated once per run by the global setup; every test database starts as a copy of it. */
export const TEMPLATE_SQLITE = path.join(TMP_DIR, "template.sqlite");
