/** Human-friendly durations and sizes in config files: `30s`, `500ms`, `7d`, `256KiB`, `1MB`. */

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
}

/** Parses `1h30m`, `500ms`, `10s` or a bare number of ms. Returns undefined when malformed. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : undefined
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return undefined
  return parts.reduce((total, [, value, unit]) => total + Number(value) * DURATION_UNITS_MS[unit!]!, 0)
}

/** Parses `256KiB`, `1MB`, `4 MiB` or a bare number of bytes. Returns undefined when malformed. */
export function parseBytes(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isInteger(text) && text >= 0 ? text : undefined
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  if (!match) return undefined
  const unit = SIZE_UNITS[(match[2] || 'b').toLowerCase()]
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit)
}
