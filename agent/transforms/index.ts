/**
 * The transform chain, RawLine → LogEvent: the agent's hot path. Per line it
 * costs one JSON.parse plus a few property reads and char-code scans; label
 * sets are cached, and counters are touched only for lines that need counting.
 */
import type { LogEvent, RawLine } from '../core/types.js'
import type { AgentMetrics } from '../metrics/internal.js'
import type { TransformsConfig } from './config.js'
import { correlationIdOf } from './correlation-id.js'
import { createLabeller, eventOf, serviceOf } from './labels.js'
import { levelOf } from './level.js'
import { PARSE_MAX_CHARS, contentStart, parseJsonObject, withoutTrailingCr } from './parse-json.js'
import { createTimestamper } from './timestamp.js'
import { truncateUtf8 } from './truncate.js'

/** Turns one raw line into an event, or null when the line is dropped (empty, counted). Never throws on any input. */
export type Transform = (raw: RawLine, sourceId: string) => LogEvent | null

/**
 * Builds the transform chain: parse_json, timestamp, level, labels (with the
 * cardinality guard), correlation id, truncate. The returned function keeps
 * state (the guards' admitted values, the label cache, the timestamp tie
 * breakers): create one per pipeline, not per line.
 *
 * Order matters for one step: lines are parsed before they are truncated, as a
 * cut JSON line no longer parses; lines over max(`max_line_bytes`, 1 Mi)
 * characters are not parsed at all and ship as unparsed.
 */
export function createTransform(config: TransformsConfig, ctx: { metrics: AgentMetrics }): Transform {
  const { metrics } = ctx
  const { max_line_bytes: maxLineBytes, default_service: defaultService } = config
  const parseMaxChars = Math.max(maxLineBytes, PARSE_MAX_CHARS)
  const stamp = createTimestamper({ maxAgeMs: config.max_entry_age, metrics })
  const labelsFor = createLabeller({ maxLabelValues: config.max_label_values, staticLabels: config.static_labels, metrics })

  return function transform(raw, sourceId) {
    const text = withoutTrailingCr(raw.text)
    const start = contentStart(text)
    if (start < 0) {
      metrics.linesDropped.inc({ reason: 'empty' })
      return null
    }
    const fields = parseJsonObject(text, start, parseMaxChars)
    if (fields === null) metrics.linesUnparsed.inc({ source: sourceId })
    const at = stamp(fields, raw, sourceId)
    const labels = labelsFor(serviceOf(fields, raw.origin, defaultService), fields === null ? 'unknown' : levelOf(fields), eventOf(fields))
    const line = truncateUtf8(text, maxLineBytes)
    if (line !== text) metrics.linesTruncated.inc({ source: sourceId })
    return {
      tsMs: at.ms,
      tsNanos: at.nanos,
      timeOrigin: at.origin,
      line,
      level: labels.level,
      service: labels.service,
      event: labels.event,
      correlationId: fields === null ? null : correlationIdOf(fields),
      labels,
      fields,
      source: sourceId,
    }
  }
}
