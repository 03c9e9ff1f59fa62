/**
 * A pino line as a Loki entry: labelled by `service`, `level` and `event`
 * (plus the static labels), timed by the line's own `time` (pino's epoch ms)
 * or `ts` (the SDK's ISO string). `correlation_id` and everything else stays
 * in the line: ids as labels would make a stream per request.
 */
import { formatLabels } from '../loki/labels.js'
import type { LabelledEntry } from '../loki/types.js'

/** pino's numeric levels (pino.levels.labels). */
const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }
/** Loki's default max_label_value_length: a longer value would cost the whole push a 400. */
const MAX_LABEL_VALUE = 2048

const labelValue = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value.slice(0, MAX_LABEL_VALUE) : typeof value === 'number' ? String(value) : undefined

function levelOf(value: unknown): string {
  if (typeof value === 'number') return LEVEL_NAMES[value] ?? String(value)
  return typeof value === 'string' && value !== '' ? value.toLowerCase() : 'unknown'
}

function timeOf(fields: Record<string, unknown> | undefined, nowMs: number): number {
  const time = fields?.time ?? fields?.ts
  if (typeof time === 'number' && Number.isFinite(time)) return Math.floor(time)
  if (typeof time === 'string') {
    const parsed = Date.parse(time)
    if (!Number.isNaN(parsed)) return parsed
  }
  return nowMs
}

/**
 * Builds entries from lines. The selector text of each label set is made
 * once and reused, since a service logs through a handful of label sets.
 */
export function createEntryMaker(staticLabels: Readonly<Record<string, string>>, now: () => number = Date.now): (line: string) => LabelledEntry {
  const selectors = new Map<string, string>()
  return (line) => {
    let fields: Record<string, unknown> | undefined
    try {
      const parsed: unknown = JSON.parse(line)
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) fields = parsed as Record<string, unknown>
    } catch {
      // Not JSON: shipped as it is, labelled with what the options say.
    }
    const service = labelValue(fields?.service) ?? staticLabels.service ?? 'unknown'
    const level = levelOf(fields?.level)
    const event = labelValue(fields?.event) ?? 'LOG'
    const key = `${service}\u0000${level}\u0000${event}`
    let labels = selectors.get(key)
    if (labels === undefined) {
      labels = formatLabels({ ...staticLabels, service, level, event })
      // A pathological feed (an event per line) must not grow this without bound.
      if (selectors.size >= 4096) selectors.clear()
      selectors.set(key, labels)
    }
    return { labels, tsMs: timeOf(fields, now()), tsNanos: 0, line }
  }
}
