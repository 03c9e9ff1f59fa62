/**
 * Entry times as Loki wants them. Nanoseconds since the epoch exceed 2^53, so
 * they are built with BigInt or as separate seconds + nanos, never as a float.
 */

/** ns since the epoch as a decimal string (the JSON push format's timestamp). */
export function toUnixNanos(tsMs: number, tsNanos: number): string {
  return (BigInt(tsMs) * 1_000_000n + BigInt(tsNanos)).toString()
}

/** google.protobuf.Timestamp's seconds: may be negative, rounded down so that nanos stay positive. */
export const timestampSeconds = (tsMs: number): number => Math.floor(tsMs / 1000)

/** google.protobuf.Timestamp's nanos within `timestampSeconds(tsMs)`: 0 to 999,999,999. */
export const timestampNanos = (tsMs: number, tsNanos: number): number => (tsMs - timestampSeconds(tsMs) * 1000) * 1_000_000 + tsNanos

/** google.protobuf.Timestamp fields: seconds (may be negative) and nanos (always 0 to 999,999,999). */
export function toTimestamp(tsMs: number, tsNanos: number): { seconds: number; nanos: number } {
  return { seconds: timestampSeconds(tsMs), nanos: timestampNanos(tsMs, tsNanos) }
}
