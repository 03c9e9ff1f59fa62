/**
 * Timestamps as the Python exporters' producers wrote them, normalised to
 * Unix seconds. Producers disagree on units: some write milliseconds, some
 * seconds, some nothing usable, so the magnitude decides (1e12 ms is
 * 2001-09-09, as is 1e9 s: anything smaller is neither a plausible time in
 * milliseconds nor in seconds).
 */

/** `value` as Unix seconds: ≥ 1e12 is taken as milliseconds, ≥ 1e9 as seconds; anything else (missing, 0, garbage, negative) is undefined. */
export function epochSeconds(value: string | number | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isFinite(n)) return undefined
  if (n >= 1e12) return n / 1000
  if (n >= 1e9) return n
  return undefined
}

/** The millisecond part of a stream entry id (`1737841080000-0` → 1737841080000). */
export function entryIdMs(id: string): number {
  const dash = id.indexOf('-')
  return Number(dash === -1 ? id : id.slice(0, dash))
}

/** An entry's time in Unix seconds: its `ts` field when usable, else the time in its id. */
export function entryTimeSeconds(ts: string | undefined, id: string): number {
  return epochSeconds(ts) ?? entryIdMs(id) / 1000
}

/**
 * A UTC date-time as Python's `isoformat()` writes it (`2026-01-03T10:15:23.123456`,
 * with or without `Z`/`+00:00`, `T` or a space), in Unix seconds; undefined when unparseable.
 * A time without a zone is UTC, not the agent's local time.
 */
export function utcSeconds(value: string | undefined): number | undefined {
  if (!value) return undefined
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim())
  if (!match) return undefined
  const [, date, time, fraction = '', zone = 'Z'] = match
  const ms = Date.parse(`${date}T${time}${fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : ''}${zone.toUpperCase()}`)
  return Number.isNaN(ms) ? undefined : ms / 1000
}
