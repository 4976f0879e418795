import { Prisma, type Job, type PrismaClient, type PrivacyRequest } from "@prisma/client";

/** Polls `check` until it returns something truthy (or the time is up). */
export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the newest job of `kind` for `shop` has finished, and returns it. */
export function jobDone(db: PrismaClient, kind: string, where: Prisma.JobWhereInput = {}): Promise<Job> {
  return waitFor(async () => {
    const job = await db.job.findFirst({ where: { kind, ...where }, orderBy: { createdAt: "desc" } });
    if (job?.status === "dead") throw new Error(`${kind} died: ${job.lastError}`);
    return job?.status === "done" ? job : null;
  });
}

/** Waits until the compliance request delivered as `webhookId` has been carried out (or refused). */
export function privacyRequestDone(db: PrismaClient, webhookId: string): Promise<PrivacyRequest> {
  return waitFor(async () => {
    const request = await db.privacyRequest.findUnique({ where: { id: webhookId } });
    return request && ["done", "refused"].includes(request.status) ? request : null;
  });
}

function delegateName(model: string): string {
  return model[0].toLowerCase() + model.slice(1);
}

/**
 * Every row of every table, as one JSON text, so a test can say "this string is nowhere in the
 * database" without knowing where the app keeps things (tables added later are included).
 */
export async function dumpDatabase(db: PrismaClient): Promise<string> {
  const tables: Record<string, unknown[]> = {};
  for (const model of Prisma.dmmf.datamodel.models) {
    const delegate = (db as unknown as Record<string, { findMany(): Promise<unknown[]> }>)[
      delegateName(model.name)
    ];
    tables[model.name] = await delegate.findMany();
  }
  return JSON.stringify(tables, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
}

/** Row counts per model of every table with a `shop` column (and Shop by domain). */
export async function shopRowCounts(db: PrismaClient, shop: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const model of Prisma.dmmf.datamodel.models) {
    const field = model.fields.some((f) => f.name === "shop")
      ? "shop"
      : model.name === "Shop"
        ? "domain"
        : null;
    if (!field) continue;
    const delegate = (db as unknown as Record<string, { count(args: unknown): Promise<number> }>)[
      delegateName(model.name)
    ];
    counts[model.name] = await delegate.count({ where: { [field]: shop } });
  }
  return counts;
}
