/**
 * `npm run bench [name…]`: runs the named benchmarks (default: every one) one after the other; each
 * writes its figures to bench/results/<name>.json. A failing bench does not stop the others.
 */
import { runAcpLoadBench } from "./acp-load";
import { runFeedSyncBench } from "./feed-sync";

const BENCHES: Record<string, () => Promise<unknown>> = {
  "feed-sync": runFeedSyncBench,
  "acp-load": runAcpLoadBench,
};

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`Unknown bench ${unknown.join(", ")}; choose from ${Object.keys(BENCHES).join(", ")}`);
  process.exit(2);
}
let failed = false;
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
  console.log(`\n== bench ${name}`);
  try {
    await BENCHES[name]();
  } catch (error) {
    failed = true;
    console.error(`bench ${name} failed:`, error);
  }
}
process.exit(failed ? 1 : 0);
