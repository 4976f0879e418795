/**
 * `npm run secrets:reencrypt`: re-seals every stored secret with the first key of
 * APP_ENCRYPTION_KEYS (see reencrypt-secrets.server.ts). Run it with the app's environment after
 * every instance has been deployed with the new key first in the list; exits 1 if any secret
 * could not be read, 0 otherwise (also when there was nothing to do).
 */
import prisma from "../db.server";
import { reencryptSecrets } from "./reencrypt-secrets.server";

// `-- --batch-size=500` for fewer, larger round trips.
const batchArg = process.argv.find((arg) => arg.startsWith("--batch-size="));
const batchSize = batchArg ? Number(batchArg.split("=")[1]) : 200;

try {
  const result = await reencryptSecrets({ batchSize });
  console.log(
    JSON.stringify({
      level: result.unreadable.length ? "error" : "info",
      msg: "ops.secrets_reencrypted",
      found: result.found,
      reencrypted: result.reencrypted,
      raced: result.raced,
      unreadable: result.unreadable,
    }),
  );
  process.exitCode = result.unreadable.length ? 1 : 0;
} finally {
  await prisma.$disconnect();
}
