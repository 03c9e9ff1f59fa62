/**
 * Timestamp values as loggers write them: epoch numbers in s, ms, µs or ns
 * (as numbers or decimal strings) and ISO-8601 / RFC 3339 strings. The result
 * is split as LogEvent carries it: whole ms plus the ns within that ms.
 */

/** A point in time, written into by the parsers so the hot path allocates nothing. */
export interface Instant {
  /** Whole ms since the epoch. */
  ms: number
  /** ns within that ms, 0 to 999,999. */
  nanos: number
}

/**
 * Epoch magnitudes: below 1e11 is seconds (1e11 s is the year 5138), below 1e14
 * ms, below 1e17 µs, the rest ns. Each unit's plausible range lies inside its band.
 */
const MS_FROM = 1e11
const US_FROM = 1e14
const NS_FROM = 1e17

/**
 * An epoch number in any of the four units. Whole µs and ms are split exactly;
 * a JS number above 2^53 (any ns epoch) has already lost precision to about
 * 256 ns before it reaches us: loggers that care write ns as a decimal string,
 * which keeps every digit.
 */
export function parseEpochNumber(n: number, into: Instant): boolean {
  if (!(n >= 0) || n === Infinity) return false
  let fractionNs: number
  if (n < MS_FROM) {
    const msFloat = n * 1000
    into.ms = Math.floor(msFloat)
    fractionNs = (msFloat - into.ms) * 1e6
  } else {
    const unitsPerMs = n < US_FROM ? 1 : n < NS_FROM ? 1e3 : 1e6
    into.ms = Math.floor(n / unitsPerMs)
    fractionNs = (n - into.ms * unitsPerMs) * (1e6 / unitsPerMs)
  }
  // Float rounding can land a hair outside the ms: clamping costs at most 1 ns.
  into.nanos = Math.min(999_999, Math.max(0, Math.round(fractionNs)))
  return true
}

/** Digits with at most one inner '.', e.g. `1700000000.123` or `1700000000123456789`. */
export function isDecimal(text: string): boolean {
  let dot = -1
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 46 && dot < 0 && i > 0 && i < text.length - 1) dot = i
    else if (code < 48 || code > 57) return false
  }
  return text.length > 0
}

/**
 * An epoch in a decimal string (see {@link isDecimal}), exact to the ns: the
 * digits are shifted as a string, so no step goes through a double above 2^53.
 * The unit follows the count of integer digits, as in {@link parseEpochNumber}.
 */
export function parseEpochDigits(text: string, into: Instant): void {
  const dot = text.indexOf('.')
  let whole = dot < 0 ? text : text.slice(0, dot)
  const fraction = dot < 0 ? '' : text.slice(dot + 1)
  let zeros = 0
  while (zeros < whole.length - 1 && whole.charCodeAt(zeros) === 48) zeros++
  whole = whole.slice(zeros)
  const digits = whole.length
  // How many ns digits sit below the unit: s → 9, ms → 6, µs → 3, ns → 0.
  const shift = digits <= 11 ? 9 : digits <= 14 ? 6 : digits <= 17 ? 3 : 0
  // At least 10 digits (s shifts by 9), so both slices are non-empty.
  const ns = whole + fraction.slice(0, shift).padEnd(shift, '0')
  into.ms = Number(ns.slice(0, -6))
  into.nanos = Number(ns.slice(-6))
}

/** The value of `count` ASCII digits at `at`, or -1. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const code = text.charCodeAt(i)
    if (!(code >= 48 && code <= 57)) return -1
    value = value * 10 + code - 48
  }
  return value
}

/**
 * Nanoseconds in one unit of an n-digit fraction (n from 1 to 9; digits past
 * the 9th are ignored): `10 ** (9 - n)` called V8's pow on every line, 2 % of
 * the agent's CPU (`perf`, README "Performance").
 */
const NS_PER_FRACTION_UNIT = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1]

/** The last `YYYY-MM-DDThh` parsed and its start in ms (UTC): consecutive lines mostly share their hour, and Date.UTC was a third of a parse. */
let lastHour = ''
let lastHourMs = 0

/** Start of the hour `text` begins with (`YYYY-MM-DD`, `T`, `t` or space, `hh`), read as UTC; undefined when it is not one. */
function hourOf(text: string): number | undefined {
  if (lastHour !== '' && text.startsWith(lastHour)) return lastHourMs
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 2)
  const day = digitsAt(text, 8, 2)
  const hour = digitsAt(text, 11, 2)
  const separator = text.charCodeAt(10)
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
    text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 ||
    (separator !== 84 && separator !== 116 && separator !== 32)
  ) {
    return undefined
  }
  lastHour = text.slice(0, 13)
  lastHourMs = Date.UTC(year, month - 1, day, hour)
  return lastHourMs
}

/**
 * ISO-8601 / RFC 3339: `YYYY-MM-DD` + `T`, `t` or space + `hh:mm:ss`,
 * optional fraction (`.` or `,`, digits beyond the 9th ignored), optional
 * offset `Z`, `±hh:mm`, `±hhmm` or `±hh`. Without an offset the time is read
 * as UTC (Date.parse would take the host's zone, which differs between the
 * writer's and the agent's containers).
 */
export function parseIso8601(text: string, into: Instant): boolean {
  if (text.length < 19) return false
  const hourMs = hourOf(text)
  const minute = digitsAt(text, 14, 2)
  const second = digitsAt(text, 17, 2)
  if (hourMs === undefined || minute < 0 || minute > 59 || second < 0 || second > 60 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return false
  }
  let i = 19
  let fractionNs = 0
  const mark = text.charCodeAt(i)
  if (mark === 46 || mark === 44) {
    const first = ++i
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code < 48 || code > 57) break
      if (i - first < 9) fractionNs = fractionNs * 10 + code - 48
    }
    if (i === first) return false
    fractionNs *= NS_PER_FRACTION_UNIT[Math.min(9, i - first)]!
  }
  let offsetMinutes = 0
  const zone = text.charCodeAt(i)
  if (zone === 90 || zone === 122) {
    i++
  } else if (zone === 43 || zone === 45) {
    const hours = digitsAt(text, i + 1, 2)
    i += 3
    if (text.charCodeAt(i) === 58) i++
    const minutes = i < text.length ? digitsAt(text, i, 2) : 0
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return false
    if (i < text.length) i += 2
    offsetMinutes = (zone === 45 ? -1 : 1) * (hours * 60 + minutes)
  }
  if (i !== text.length) return false
  const msOfFraction = Math.floor(fractionNs / 1e6)
  into.ms = hourMs + minute * 60_000 + second * 1000 + msOfFraction - offsetMinutes * 60_000
  into.nanos = fractionNs - msOfFraction * 1e6
  return true
}

/** Any supported timestamp value; false when the value is none (a boolean, an object, an unknown format). */
export function parseTimestamp(value: unknown, into: Instant): boolean {
  if (typeof value === 'number') return parseEpochNumber(value, into)
  if (typeof value !== 'string') return false
  if (!isDecimal(value)) return parseIso8601(value, into)
  parseEpochDigits(value, into)
  return true
}
