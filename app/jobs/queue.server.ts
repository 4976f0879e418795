import type { Prisma, PrismaClient } from "@prisma/client";

/** Anything that can run a Prisma write: the client itself or an interactive transaction. */
export type Db = PrismaClient | Prisma.TransactionClient;

export interface EnqueueOptions {
  kind: string;
  shop: string | null;
  payload: unknown;
  /** At most one queued job per key: a second enqueue with the same key is absorbed. */
  singletonKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * Adds a job to the durable queue. Call it inside the transaction that records the reason for the
 * job, so the two are written together or not at all.
 */
export async function enqueueJob(db: Db, options: EnqueueOptions): Promise<void> {
  const data = {
    kind: options.kind,
    shop: options.shop,
    payload: JSON.stringify(options.payload ?? null),
    singletonKey: options.singletonKey ?? null,
    runAt: options.runAt ?? new Date(),
    maxAttempts: options.maxAttempts ?? 8,
  };
  if (!options.singletonKey) {
    await db.job.create({ data });
    return;
  }
  // A pending job with this key already covers this work; a finished one is replaced.
  const existing = await db.job.findUnique({ where: { singletonKey: options.singletonKey } });
  if (existing && (existing.status === "queued" || existing.status === "running")) return;
  if (existing) await db.job.delete({ where: { id: existing.id } });
  await db.job.create({ data });
}
