/**
 * Asynchronous Admin jobs (`Job { id done }`). Shopify runs orderCancel in the background and
 * answers `done: false` at once; the effect lands moments later. Here a job runs on the next tick,
 * or earlier when the next request touches the shop (so a read right after sees the result, as it
 * practically does on Shopify), never inside the mutation that queued it.
 */
import { randomUUID } from "node:crypto";
import type { Gid, SandboxJob, ShopState } from "../store";
import { timestamp } from "./time";

const pending = new WeakMap<ShopState, Map<Gid, () => void>>();

export function enqueueJob(shop: ShopState, now: Date, run: () => void): SandboxJob {
  const job: SandboxJob = {
    id: `gid://shopify/Job/${randomUUID()}`,
    done: false,
    createdAt: timestamp(now),
  };
  (shop.jobs ??= new Map()).set(job.id, job);
  const queue = pending.get(shop) ?? new Map<Gid, () => void>();
  queue.set(job.id, run);
  pending.set(shop, queue);
  setImmediate(() => runPendingJobs(shop));
  return job;
}

/** Runs every queued job of the shop, oldest first. Idempotent: a job runs once. */
export function runPendingJobs(shop: ShopState): void {
  const queue = pending.get(shop);
  if (!queue) return;
  for (const [id, run] of [...queue]) {
    queue.delete(id);
    run();
    const job = shop.jobs?.get(id);
    if (job) job.done = true;
  }
}

export function findJob(shop: ShopState, id: Gid): SandboxJob | null {
  return shop.jobs?.get(id) ?? null;
}
