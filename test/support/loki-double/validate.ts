/**
 * What a default Loki (v3) refuses, with its messages. Rules and defaults:
 * grafana/loki pkg/distributor/validator.go (ValidateLabels, ValidateEntry),
 * pkg/validation/limits.go (RegisterFlags defaults) and
 * pkg/validation/validate.go (error texts). A stream with bad labels loses
 * all its entries; a bad entry loses only itself.
 */
import { goQuote, type ReceivedStream } from './decode.js'

export interface LokiLimits {
  /** max_line_size: 256KB, which Loki's ByteSize (c2h5oh/datasize) reads as 256 KiB. */
  maxLineBytes: number
  /** max_label_names_per_series (service_name is not counted). */
  maxLabelNamesPerSeries: number
  maxLabelNameLength: number
  maxLabelValueLength: number
  /** reject_old_samples_max_age, with reject_old_samples on. */
  rejectOldSamplesMaxAgeMs: number
  /** creation_grace_period: how far ahead of the server clock an entry may be. */
  creationGracePeriodMs: number
}

export const DEFAULT_LIMITS: Readonly<LokiLimits> = Object.freeze({
  maxLineBytes: 256 * 1024,
  maxLabelNamesPerSeries: 15,
  maxLabelNameLength: 1024,
  maxLabelValueLength: 2048,
  rejectOldSamplesMaxAgeMs: 168 * 3_600_000,
  creationGracePeriodMs: 10 * 60_000,
})

export interface ValidEntry {
  tsNs: bigint
  line: string
}

export interface ValidStream {
  /** Labels as Loki prints them: sorted, Go-quoted. */
  labels: string
  labelSet: Readonly<Record<string, string>>
  entries: ValidEntry[]
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const byteLength = (text: string) => Buffer.byteLength(text)
const rfc3339 = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString()

function checkLabels(stream: ReceivedStream, limits: LokiLimits): [string, string][] | string {
  const { selector, pairs } = stream
  if (pairs instanceof Error) return `Error parsing labels '${selector}' with error: ${pairs.message}`
  const badName = pairs.find(([name]) => !LABEL_NAME.test(name))
  if (badName) return `Error parsing labels '${selector}' with error: parse error: invalid label name ${JSON.stringify(badName[0])}`
  if (pairs.length === 0) return 'error at least one label pair is required per stream'
  const counted = pairs.filter(([name]) => name !== 'service_name').length
  if (counted > limits.maxLabelNamesPerSeries) {
    return `entry for stream '${selector}' has ${counted} label names; limit ${limits.maxLabelNamesPerSeries}`
  }
  const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  let last = ''
  for (const [name, value] of sorted) {
    if (byteLength(name) > limits.maxLabelNameLength) return `stream '${selector}' has label name too long: '${name}'`
    if (byteLength(value) > limits.maxLabelValueLength) return `stream '${selector}' has label value too long: '${value}'`
    if (name === last) return `stream '${selector}' has duplicate label name: '${name}'`
    last = name
  }
  return sorted
}

/** The timestamps a push may carry, worked out once per stream rather than per entry. */
interface TimeBounds {
  oldest: bigint
  newest: bigint
}

function checkEntry(entry: ValidEntry, labels: string, { oldest, newest }: TimeBounds, limits: LokiLimits): string | undefined {
  if (entry.tsNs < oldest) {
    return `entry for stream '${labels}' has timestamp too old: ${rfc3339(entry.tsNs)}, oldest acceptable timestamp is: ${rfc3339(oldest)}`
  }
  if (entry.tsNs > newest) {
    return `entry for stream '${labels}' has timestamp too new: ${rfc3339(entry.tsNs)}`
  }
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so a short line cannot be too long and is not measured.
  if (entry.line.length * 3 <= limits.maxLineBytes) return undefined
  const length = byteLength(entry.line)
  if (length > limits.maxLineBytes) {
    return `Max entry size '${limits.maxLineBytes}' bytes exceeded for stream '${labels}' while adding an entry with length '${length}' bytes`
  }
  return undefined
}

/** Splits a received stream into what Loki keeps and the errors it reports for the rest. */
export function validateStream(
  stream: ReceivedStream,
  nowNs: bigint,
  limits: LokiLimits,
): { valid?: ValidStream; errors: string[] } {
  const pairs = checkLabels(stream, limits)
  if (typeof pairs === 'string') return { errors: [pairs] }
  const labels = `{${pairs.map(([n, v]) => `${n}=${goQuote(v)}`).join(', ')}}`
  const errors: string[] = []
  const bounds: TimeBounds = {
    oldest: nowNs - BigInt(limits.rejectOldSamplesMaxAgeMs) * 1_000_000n,
    newest: nowNs + BigInt(limits.creationGracePeriodMs) * 1_000_000n,
  }
  const entries = stream.entries.filter((entry) => {
    const error = checkEntry(entry, labels, bounds, limits)
    if (error) errors.push(error)
    return !error
  })
  return { valid: { labels, labelSet: Object.freeze(Object.fromEntries(pairs)), entries }, errors }
}
