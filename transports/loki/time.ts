/**
 * Entry times as Loki wants them. Nanoseconds since the epoch exceed 2^53, so
 * they are built with BigInt or as separate seconds + nanos, never as a float.
 */

/** ns since the epoch as a decimal string (the JSON push format's timestamp). */
export function toUnixNanos(tsMs: number, tsNanos: number): string {
  return (BigInt(tsMs) * 1_000_000n + BigInt(tsNanos)).toString()
}

/** google.protobuf.Timestamp fields: seconds (may be negative) and nanos (always 0 to 999,999,999). */
export function toTimestamp(tsMs: number, tsNanos: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(tsMs / 1000)
  return { seconds, nanos: (tsMs - seconds * 1000) * 1_000_000 + tsNanos }
}
