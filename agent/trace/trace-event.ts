/**
 * One thing that happened to a request, whatever it came from: a log line
 * (from the store or from Loki) or a Redis stream entry. Every lookup backend
 * turns what it found into these, so the timeline builder never knows where
 * an event was read.
 */

/** An event as a backend found it, before the timeline orders it. */
export interface TraceEvent {
  /** Whole ms since the epoch. */
  tsMs: number
  /** ns within that ms (0 to 999,999). */
  tsNanos: number
  /** The lane it is drawn in: the service that logged it, or `stream:<name>` for a stream entry. */
  lane: string
  /** Where it was read: `store`, `loki` or `redis`. */
  origin: 'store' | 'loki' | 'redis'
  level: string
  event: string
  message: string
  /** The line's JSON fields, or the stream entry's fields. */
  fields: Record<string, unknown>
  /** The log line as stored, or the stream entry's id. */
  raw: string
}

/** The JSON object of a line, or `{}` for a line that is not one (it still shows, as its text). */
function parseFields(line: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

/** What a log line says about itself; `known` (the store's indexed columns, Loki's labels) wins over the line. */
export function eventFromLine(
  line: string,
  time: { tsMs: number; tsNanos: number },
  origin: 'store' | 'loki',
  known: { service?: string; level?: string; event?: string } = {},
): TraceEvent {
  const fields = parseFields(line)
  return {
    tsMs: time.tsMs,
    tsNanos: time.tsNanos,
    lane: text(known.service) ?? text(fields.service) ?? 'unknown',
    origin,
    level: text(known.level) ?? text(fields.level) ?? 'unknown',
    event: text(known.event) ?? text(fields.event) ?? 'LOG',
    message: text(fields.msg) ?? text(fields.message) ?? (Object.keys(fields).length === 0 ? line : ''),
    fields,
    raw: line,
  }
}

/** A stream entry: its id is `<ms>-<seq>`, the time it was added, which orders it among the lines. */
export function eventFromStreamEntry(stream: string, id: string, fields: Record<string, string>): TraceEvent {
  const tsMs = Number(id.split('-')[0])
  return {
    tsMs,
    tsNanos: 0,
    lane: `stream:${stream}`,
    origin: 'redis',
    level: text(fields.level) ?? 'info',
    event: text(fields.event) ?? 'STREAM_ENTRY',
    message: text(fields.msg) ?? text(fields.message) ?? `entry ${id}`,
    fields,
    raw: id,
  }
}
