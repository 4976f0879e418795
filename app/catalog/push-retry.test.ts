import { describe, expect, it } from "vitest";
import { pushBackoffMs, retryAfterMs, retryDelayMs } from "./push-retry";

describe("push retry timing", () => {
  it("backs off exponentially from 1 s and stops growing at 15 minutes", () => {
    expect([1, 2, 3, 4, 5].map(pushBackoffMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(pushBackoffMs(30)).toBe(15 * 60_000);
  });

  it.each([
    ["120", 120_000],
    [" 0 ", 0],
    ["Tue, 24 Nov 2026 06:00:30 GMT", 30_000],
    ["Tue, 24 Nov 2026 05:59:00 GMT", 0],
    ["999999", 60 * 60_000],
    ["soon", null],
    [null, null],
  ])("reads Retry-After %j", (header, expected) => {
    expect(retryAfterMs(header, Date.parse("2026-11-24T06:00:00Z"))).toBe(expected);
  });

  it("waits for the longer of Retry-After and the backoff", () => {
    expect(retryDelayMs(1, 2_000)).toBe(2_000);
    expect(retryDelayMs(4, 2_000)).toBe(8_000);
    expect(retryDelayMs(2, null)).toBe(2_000);
  });
});
