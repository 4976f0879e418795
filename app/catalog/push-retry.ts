/**
 * When a failed push is tried again (app/catalog/push.server.ts): exponential backoff from 1 s,
 * capped at 15 minutes, or later when the receiver's `Retry-After` asks for it.
 */

const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 15 * 60_000;
/** Longest Retry-After honoured; a longer one is capped so a push is not parked for days. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

export function pushBackoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, failures - 1));
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(MAX_RETRY_AFTER_MS, Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}

/** How long to wait before attempt `failures + 1`. */
export function retryDelayMs(failures: number, retryAfter: number | null): number {
  return Math.max(retryAfter ?? 0, pushBackoffMs(failures));
}
