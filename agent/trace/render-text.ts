/**
 * The timeline as the CLI prints it: one aligned row per event, errors
 * marked (and red on a terminal), unanswered submits and submit → response
 * gaps called out; or NDJSON, one row per line, for jq and scripts.
 */
import type { Timeline, TimelineRow } from './timeline.js'

const RED = '\x1b[31m'
const RESET = '\x1b[0m'

export const formatMs = (ms: number): string => (Number.isInteger(ms) ? `${ms}` : ms.toFixed(ms < 10 ? 3 : 1)) + ' ms'

/** Control characters of an untrusted line would move a terminal's cursor or recolour it: shown escaped. */
const printable = (text: string): string => text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)

function describe(row: TimelineRow): string {
  const keys = Object.entries(row.keyFields).map(([name, value]) => `${name}=${value}`)
  const notes = [
    ...(row.unanswered ? ['NO RESPONSE'] : []),
    ...(row.afterSubmitMs !== null ? [`${formatMs(row.afterSubmitMs)} after submit`] : []),
  ]
  return [row.message, keys.join(' '), notes.length ? `<< ${notes.join(', ')}` : ''].filter(Boolean).join('  ')
}

/** The timeline as text; `color` adds ANSI red to error rows. */
export function renderText(timeline: Timeline, { color = false }: { color?: boolean } = {}): string {
  const laneWidth = Math.max(...timeline.lanes.map((lane) => lane.length), 7)
  const eventWidth = Math.max(...timeline.rows.map((row) => row.event.length), 5)
  const lines = [`trace ${timeline.correlationId}: ${timeline.rows.length} events across ${timeline.lanes.join(', ')} in ${formatMs(timeline.durationMs)}`]
  for (const row of timeline.rows) {
    const text = printable(
      [
        row.error ? '!' : ' ',
        row.time,
        `+${formatMs(row.offsetMs)}`.padStart(13),
        row.lane.padEnd(laneWidth),
        row.level.padEnd(5),
        row.event.padEnd(eventWidth),
        describe(row),
      ].join(' '),
    )
    lines.push(color && row.error ? `${RED}${text}${RESET}` : text)
  }
  for (const submit of timeline.submits) {
    const order = submit.orderId ?? '(no order_id)'
    lines.push(submit.gapMs === null ? `no response to the submit of ${order} (row ${submit.submitIndex + 1})` : `${order}: response ${formatMs(submit.gapMs)} after submit`)
  }
  return lines.join('\n') + '\n'
}

/** NDJSON: one row per line, as the API returns them. */
export function renderNdjson(timeline: Timeline): string {
  return timeline.rows.map((row) => JSON.stringify({ correlation_id: timeline.correlationId, ...row })).join('\n') + '\n'
}
