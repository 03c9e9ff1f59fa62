/**
 * What a correlation id may look like, and where a new one comes from.
 *
 * An id arrives from outside (HTTP headers, Redis entries), so it is trusted
 * only after validation, like hono's `requestId`: a bounded length and a
 * character class that cannot carry CR/LF, quotes or spaces into a log line
 * or a response header.
 */
import { randomUUID } from 'node:crypto'

/** The longest id accepted from outside. */
export const MAX_CORRELATION_ID_LENGTH = 128

const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/

/** What a valid id is, for error messages: "1-128 characters of [A-Za-z0-9._:-]". */
export const CORRELATION_ID_RULE = `1-${MAX_CORRELATION_ID_LENGTH} characters of [A-Za-z0-9._:-]`

/** W3C trace-context `traceparent`: version-traceid-parentid-flags, lowercase hex. */
const TRACEPARENT_PATTERN = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/
const ALL_ZERO = /^0+$/

/** Whether `value` may be used as a correlation id: 1–128 chars of `[A-Za-z0-9._:-]`. */
export function isValidCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID_PATTERN.test(value)
}

/** A fresh correlation id (UUID v4). */
export function newCorrelationId(): string {
  return randomUUID()
}

/**
 * The trace id of a valid W3C `traceparent` header, or undefined.
 *
 * Follows https://www.w3.org/TR/trace-context/#traceparent-header: version
 * `ff` is invalid, version `00` has exactly four fields, later versions may
 * append fields, and all-zero trace or parent ids are invalid.
 */
export function traceIdFromTraceparent(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined
  const match = TRACEPARENT_PATTERN.exec(value.trim())
  if (match === null) return undefined
  const [, version, traceId, parentId, , rest] = match
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined
  if (ALL_ZERO.test(traceId!) || ALL_ZERO.test(parentId!)) return undefined
  return traceId
}
