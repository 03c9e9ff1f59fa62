/**
 * The timeline of one request, built from whatever the backends found: one
 * merged list in time order, each row with its offset from the first event
 * and from the one before, its key fields and whether it is an error, and
 * every order submit paired with its response (or called out as unanswered).
 * Pure: the CLI, GET /api/trace/<id> and the page all render this one value.
 */
import type { TraceEvent } from './trace-event.js'

/** Fields shown on every row when present: what a person asks about an order first. */
export const KEY_FIELDS = ['symbol', 'order_id', 'status'] as const
export type KeyField = (typeof KEY_FIELDS)[number]

export const SUBMIT_EVENT = 'ORDER_SUBMIT'
export const RESPONSE_EVENT = 'ORDER_RESPONSE'
const ERROR_LEVELS = new Set(['error', 'fatal'])
const ERROR_STATUSES = new Set(['REJECTED', 'FAILED', 'ERROR', 'EXPIRED'])

export interface TimelineRow extends TraceEvent {
  /** Position in the timeline, from 0. */
  index: number
  /** ISO-8601 time (ms precision). */
  time: string
  /** ms since the first event (fractions from ns times). */
  offsetMs: number
  /** ms since the event before (0 for the first): the duration of that step. */
  sincePreviousMs: number
  keyFields: Partial<Record<KeyField, string>>
  /** An error or fatal line, an `*_ERROR`/`*_FAILED` event or a failed order status. */
  error: boolean
  /** A submit no response followed. */
  unanswered: boolean
  /** On a response: ms since its submit. */
  afterSubmitMs: number | null
}

/** An order submit and what became of it. */
export interface SubmitOutcome {
  orderId: string | null
  submitIndex: number
  /** The response's row, or null: a submit without a response. */
  responseIndex: number | null
  /** Response time minus submit time, ms. */
  gapMs: number | null
}

export interface Timeline {
  correlationId: string
  rows: TimelineRow[]
  /** Lanes in order of their first event. */
  lanes: string[]
  /** First to last event, ms. */
  durationMs: number
  submits: SubmitOutcome[]
}

const exactMs = (e: TraceEvent): number => e.tsMs + e.tsNanos / 1e6
/** Three decimals: µs, past which float noise would show. */
const round = (ms: number): number => Math.round(ms * 1000) / 1000

function keyFieldsOf(fields: Record<string, unknown>): Partial<Record<KeyField, string>> {
  const found: Partial<Record<KeyField, string>> = {}
  for (const name of KEY_FIELDS) {
    const value = fields[name]
    if (typeof value === 'string' || typeof value === 'number') found[name] = String(value)
  }
  return found
}

function isError(event: TraceEvent, keyFields: Partial<Record<KeyField, string>>): boolean {
  return ERROR_LEVELS.has(event.level) || /(_ERROR|_FAILED)$/.test(event.event) || ERROR_STATUSES.has(keyFields.status ?? '')
}

/**
 * Pairs each submit with the first later response for the same order id (or,
 * when the submit names none, the first later response naming none).
 */
function pairSubmits(rows: readonly TimelineRow[]): SubmitOutcome[] {
  const used = new Set<number>()
  return rows
    .filter((row) => row.event === SUBMIT_EVENT)
    .map((submit) => {
      const orderId = submit.keyFields.order_id ?? null
      const response = rows.find(
        (row) => row.index > submit.index && row.event === RESPONSE_EVENT && !used.has(row.index) && (row.keyFields.order_id ?? null) === orderId,
      )
      if (response) used.add(response.index)
      return {
        orderId,
        submitIndex: submit.index,
        responseIndex: response?.index ?? null,
        gapMs: response ? round(exactMs(response) - exactMs(submit)) : null,
      }
    })
}

/** Orders events by time (stable: backends' own order breaks ties) and derives everything the views show. */
export function buildTimeline(correlationId: string, events: readonly TraceEvent[]): Timeline {
  const sorted = [...events].sort((a, b) => a.tsMs - b.tsMs || a.tsNanos - b.tsNanos)
  const first = sorted[0] ? exactMs(sorted[0]) : 0
  const rows = sorted.map((event, index): TimelineRow => {
    const keyFields = keyFieldsOf(event.fields)
    const previous = sorted[index - 1]
    return {
      ...event,
      index,
      time: new Date(event.tsMs).toISOString(),
      offsetMs: round(exactMs(event) - first),
      sincePreviousMs: previous ? round(exactMs(event) - exactMs(previous)) : 0,
      keyFields,
      error: isError(event, keyFields),
      unanswered: false,
      afterSubmitMs: null,
    }
  })
  const submits = pairSubmits(rows)
  for (const { submitIndex, responseIndex, gapMs } of submits) {
    if (responseIndex === null) rows[submitIndex]!.unanswered = true
    else rows[responseIndex]!.afterSubmitMs = gapMs
  }
  return {
    correlationId,
    rows,
    lanes: [...new Set(rows.map((row) => row.lane))],
    durationMs: rows.length > 0 ? rows.at(-1)!.offsetMs : 0,
    submits,
  }
}
