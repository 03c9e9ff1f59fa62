/** Caps the distinct values one label may take, so a runaway field cannot explode Loki's stream count. */
import { MAX_LABEL_VALUE_CHARS, sanitizeLabelValue } from './label-value.js'

/** What a label value becomes once its label has reached the cap. */
export const OVERFLOW_VALUE = 'other'

/**
 * Returns a function mapping a raw label value to the value to ship: the
 * sanitized value while fewer than `maxValues` distinct values have been
 * admitted (or when this one already was), {@link OVERFLOW_VALUE} otherwise,
 * calling `onOverflow` each time with the number of lines the value stands
 * for (one, unless the caller admits a value once for several lines). Admitted
 * values stay admitted for the life of the guard: a stream that exists in Loki
 * keeps its name.
 */
export function createCardinalityGuard(maxValues: number, onOverflow: (lines: number) => void): (value: string, lines?: number) => string {
  if (!Number.isInteger(maxValues) || maxValues < 1) {
    throw new TypeError(`maxValues must be a positive integer, received ${String(maxValues)}`)
  }
  const admitted = new Set<string>()
  return function admit(value, lines = 1) {
    // The length test spares hashing a megabyte-long value on every line.
    if (value.length <= MAX_LABEL_VALUE_CHARS && admitted.has(value)) return value
    const clean = sanitizeLabelValue(value)
    if (admitted.has(clean)) return clean
    if (admitted.size >= maxValues) {
      onOverflow(lines)
      return OVERFLOW_VALUE
    }
    admitted.add(clean)
    return clean
  }
}
