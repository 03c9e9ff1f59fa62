/** Levels normalised to `trace debug info warn error fatal unknown`, whatever the logger wrote. */
import type { Level } from '../core/types.js'

/** Syslog severities 0–7 (RFC 5424; journald's PRIORITY). */
const SYSLOG: readonly Level[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug']

/** pino's numbers by tens: 10 trace … 60 fatal; a custom level in between takes the standard one below it. */
const PINO_TENS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal']

/** Names and common aliases (bunyan, winston, log4j, syslog, Go's zap and zerolog), lower case. */
const NAMES = new Map<string, Level>([
  ['trace', 'trace'],
  ['debug', 'debug'],
  ['dbg', 'debug'],
  ['verbose', 'debug'],
  ['info', 'info'],
  ['information', 'info'],
  ['informational', 'info'],
  ['notice', 'info'],
  ['warn', 'warn'],
  ['warning', 'warn'],
  ['error', 'error'],
  ['err', 'error'],
  ['fatal', 'fatal'],
  ['crit', 'fatal'],
  ['critical', 'fatal'],
  ['alert', 'fatal'],
  ['emerg', 'fatal'],
  ['emergency', 'fatal'],
  ['panic', 'fatal'],
])

/**
 * A numeric level: 0–7 is a syslog severity, 10–69 a pino level. The two
 * ranges do not overlap, so both are read without configuration; anything
 * else (8, 9, 70, negative, fractional) is `unknown`.
 */
function levelOfNumber(n: number): Level {
  if (!Number.isInteger(n)) return 'unknown'
  if (n >= 0 && n <= 7) return SYSLOG[n]!
  if (n >= 10 && n < 70) return PINO_TENS[Math.floor(n / 10) - 1]!
  return 'unknown'
}

function isDigits(text: string): boolean {
  if (text.length === 0 || text.length > 3) return false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 48 || code > 57) return false
  }
  return true
}

/** Normalises one level value: a number, a numeric string (journald writes `"6"`) or a name in any case. Booleans, objects and unknown names give `unknown`. */
export function normalizeLevel(value: unknown): Level {
  if (typeof value === 'number') return levelOfNumber(value)
  if (typeof value !== 'string') return 'unknown'
  // Most loggers write lower case: look up before paying for toLowerCase().
  const known = NAMES.get(value)
  if (known !== undefined) return known
  if (isDigits(value)) return levelOfNumber(Number(value))
  return NAMES.get(value.toLowerCase()) ?? 'unknown'
}

/**
 * The level of a parsed line, from the first of `level`, `lvl`, `severity`,
 * `PRIORITY` that is present and not null; `unknown` when none is. Named reads
 * for the inline caches, as in timestamp.ts.
 */
export function levelOf(fields: Readonly<Record<string, unknown>>): Level {
  return normalizeLevel(fields.level ?? fields.lvl ?? fields.severity ?? fields.PRIORITY)
}
