/** Admin API `DateTime`: ISO 8601 in UTC to the second ("2026-05-06T02:03:22Z"), as observed. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
