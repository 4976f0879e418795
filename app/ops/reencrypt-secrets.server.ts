import prisma from "../db.server";
import { env } from "../env.server";
import { decryptSecret, encryptSecret, parseKeyRing } from "../lib/crypto.server";
import type { JobHandler } from "../jobs/worker.server";

/**
 * Key rotation, step 2 of 3 (app/lib/crypto.server.ts): with the new key first in
 * APP_ENCRYPTION_KEYS and the old one still listed, re-seal every stored secret with the new key.
 * Then the old key can be dropped. Runs in batches, writes a row only if it still holds the value
 * that was read (a secret changed meanwhile is left as the merchant set it, already on the new
 * key), and skips what is already on the current key, so it can be stopped and run again.
 */

/** Every column that holds a sealed secret. */
const SECRET_COLUMNS = [
  { model: "shopSettings", id: "shop", column: "stripeKeyEncrypted" },
  { model: "agent", id: "id", column: "webhookSecretEncrypted" },
  { model: "agent", id: "id", column: "signingKeyEncrypted" },
  { model: "completion", id: "id", column: "paymentTokenEncrypted" },
  { model: "feedDestination", id: "id", column: "secretEncrypted" },
] as const;

type Row = Record<string, string | null>;
interface Delegate {
  findMany(args: unknown): Promise<Row[]>;
  updateMany(args: unknown): Promise<{ count: number }>;
}

export interface ReencryptResult {
  /** Sealed values found on an older key. */
  found: number;
  reencrypted: number;
  /** Changed by someone else between read and write (left alone: already re-sealed). */
  raced: number;
  /** Sealed with a key that is no longer configured: these cannot be read at all. */
  unreadable: { column: string; id: string }[];
}

export async function reencryptSecrets(
  options: { batchSize?: number; keys?: string } = {},
): Promise<ReencryptResult> {
  const spec = options.keys ?? env().APP_ENCRYPTION_KEYS;
  if (!spec) throw new Error("APP_ENCRYPTION_KEYS is not set: there is nothing to re-encrypt with");
  const ring = parseKeyRing(spec);
  const current = `v1:${ring.primary.id}:`;
  const batchSize = options.batchSize ?? 200;
  const result: ReencryptResult = { found: 0, reencrypted: 0, raced: 0, unreadable: [] };
  for (const { model, id, column } of SECRET_COLUMNS) {
    const table = (prisma as unknown as Record<string, Delegate>)[model];
    let cursor: string | null = null;
    for (;;) {
      const rows = await table.findMany({
        where: {
          ...(cursor ? { [id]: { gt: cursor } } : {}),
          // Already on the current key, unset, or erased (a spent payment token is ""): nothing to do.
          NOT: [{ [column]: { startsWith: current } }, { [column]: "" }],
        },
        select: { [id]: true, [column]: true },
        orderBy: { [id]: "asc" },
        take: batchSize,
      });
      for (const row of rows) {
        const sealed = row[column];
        if (!sealed || sealed.startsWith(current)) continue;
        result.found++;
        let plaintext: string;
        try {
          plaintext = decryptSecret(sealed, ring);
        } catch {
          result.unreadable.push({ column: `${model}.${column}`, id: row[id]! });
          continue;
        }
        const written = await table.updateMany({
          where: { [id]: row[id], [column]: sealed },
          data: { [column]: encryptSecret(plaintext, ring) },
        });
        if (written.count === 1) result.reencrypted++;
        else result.raced++;
      }
      if (rows.length < batchSize) break;
      cursor = rows[rows.length - 1][id];
    }
  }
  return result;
}

/** The same as a job (kind `ops.reencrypt_secrets`), e.g. enqueued after a deploy with a new key. */
export const reencryptSecretsJob: JobHandler = async () => {
  const result = await reencryptSecrets();
  console.log(
    JSON.stringify({
      level: "info",
      msg: "ops.secrets_reencrypted",
      found: result.found,
      reencrypted: result.reencrypted,
      raced: result.raced,
      unreadable: result.unreadable.length,
    }),
  );
  if (result.unreadable.length) {
    // Fails the job so it shows in the admin; retrying will not help until the key is back.
    throw new Error(
      `${result.unreadable.length} secret(s) use a key that is no longer configured: ` +
        result.unreadable.map((entry) => `${entry.column} ${entry.id}`).join(", "),
    );
  }
};
