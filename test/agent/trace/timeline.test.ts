import t from 'tap'
import { buildTimeline } from '../../../agent/trace/timeline.js'
import { eventFromLine, eventFromStreamEntry, type TraceEvent } from '../../../agent/trace/trace-event.js'
import { renderNdjson, renderText } from '../../../agent/trace/render-text.js'

const T0 = 1_800_000_000_000
const line = (ms: number, fields: Record<string, unknown>, nanos = 0): TraceEvent =>
  eventFromLine(JSON.stringify({ level: 'info', ...fields }), { tsMs: T0 + ms, tsNanos: nanos }, 'store')

t.test('orders by time (ns included), stable for ties, with offsets and steps', async (t) => {
  const timeline = buildTimeline('c1', [
    line(10, { service: 'b', event: 'SECOND', msg: 'two' }, 500_000),
    eventFromStreamEntry('s1', `${T0 + 3}-0`, { correlation_id: 'c1' }),
    line(0, { service: 'a', event: 'FIRST' }),
    line(10, { service: 'b', event: 'SECOND_TIE' }, 500_000),
  ])
  t.same(timeline.rows.map((r) => r.event), ['FIRST', 'STREAM_ENTRY', 'SECOND', 'SECOND_TIE'])
  t.same(timeline.rows.map((r) => r.offsetMs), [0, 3, 10.5, 10.5])
  t.same(timeline.rows.map((r) => r.sincePreviousMs), [0, 3, 7.5, 0])
  t.same(timeline.lanes, ['a', 'stream:s1', 'b'])
  t.equal(timeline.durationMs, 10.5)
  t.equal(timeline.rows[0]!.time, new Date(T0).toISOString())
  t.same(timeline.rows.map((r) => r.index), [0, 1, 2, 3])
})

t.test('key fields, errors, and submits paired with their responses by order id', async (t) => {
  const timeline = buildTimeline('c1', [
    line(0, { service: 'x', event: 'ORDER_SUBMIT', symbol: 'BTCUSDT', order_id: 'o1' }),
    line(1, { service: 'x', event: 'ORDER_SUBMIT', order_id: 'o2' }),
    line(2, { service: 'x', event: 'ORDER_SUBMIT' }),
    line(9, { service: 'x', event: 'ORDER_RESPONSE', order_id: 'o2', status: 'REJECTED' }),
    line(12, { service: 'x', event: 'ORDER_RESPONSE', order_id: 'o1', status: 'FILLED' }),
    line(13, { service: 'x', event: 'ORDER_RESPONSE', order_id: 'o1', status: 'FILLED' }),
    line(20, { service: 'x', event: 'PAYMENT_FAILED' }),
    line(21, { service: 'x', level: 'fatal', event: 'CRASH', order_id: 7 }),
  ])
  t.same(timeline.rows[0]!.keyFields, { symbol: 'BTCUSDT', order_id: 'o1' })
  t.same(timeline.rows[7]!.keyFields, { order_id: '7' }, 'numbers shown as text')
  t.same(timeline.rows.map((r) => r.error), [false, false, false, true, false, false, true, true])
  t.same(timeline.submits, [
    { orderId: 'o1', submitIndex: 0, responseIndex: 4, gapMs: 12 },
    { orderId: 'o2', submitIndex: 1, responseIndex: 3, gapMs: 8 },
    { orderId: null, submitIndex: 2, responseIndex: null, gapMs: null },
  ])
  t.same(timeline.rows.map((r) => r.unanswered), [false, false, true, false, false, false, false, false])
  t.same(timeline.rows.map((r) => r.afterSubmitMs), [null, null, null, 8, 12, null, null, null])
})

t.test('an empty timeline, and lines that are not JSON', async (t) => {
  const empty = buildTimeline('none', [])
  t.same({ rows: empty.rows, lanes: empty.lanes, durationMs: empty.durationMs, submits: empty.submits }, { rows: [], lanes: [], durationMs: 0, submits: [] })
  const plain = eventFromLine('plain text, not JSON', { tsMs: T0, tsNanos: 0 }, 'loki', { service: 'svc' })
  t.match(plain, { lane: 'svc', level: 'unknown', event: 'LOG', message: 'plain text, not JSON', fields: {} })
  t.match(eventFromLine('[1,2]', { tsMs: T0, tsNanos: 0 }, 'loki'), { lane: 'unknown', fields: {}, message: '[1,2]' })
  const entry = eventFromStreamEntry('orders', `${T0}-3`, { event: 'FILL', level: 'warn', msg: 'filled' })
  t.match(entry, { tsMs: T0, lane: 'stream:orders', origin: 'redis', level: 'warn', event: 'FILL', message: 'filled', raw: `${T0}-3` })
})

t.test('text: aligned rows, errors marked (red when asked), control characters escaped; NDJSON', async (t) => {
  const timeline = buildTimeline('c1', [
    line(0, { service: 'ai_engine', event: 'ORDER_SUBMIT', order_id: 'o1', msg: 'sent' }),
    line(4, { service: 'auto_executor', level: 'error', event: 'ORDER_ERROR', msg: 'boom\x1b[2J\nnext' }),
    line(5, { service: 'ai_engine', event: 'ORDER_SUBMIT', order_id: 'o2' }),
    line(9, { service: 'ai_engine', event: 'ORDER_RESPONSE', order_id: 'o2', status: 'FILLED' }),
  ])
  const text = renderText(timeline)
  t.match(text, /^trace c1: 4 events across ai_engine, auto_executor in 9 ms$/m)
  t.match(text, /^! \S+ +\+4 ms auto_executor error ORDER_ERROR +boom\\x1b\[2J\\x0anext$/m)
  t.match(text, /ORDER_SUBMIT .*order_id=o1  << NO RESPONSE$/m)
  t.match(text, /ORDER_RESPONSE .*status=FILLED  << 4 ms after submit$/m)
  t.match(text, /^no response to the submit of o1 \(row 1\)$/m)
  t.match(text, /^o2: response 4 ms after submit$/m)
  t.notMatch(text, /\x1b/, 'no escape sequence reaches the terminal')
  t.match(renderText(timeline, { color: true }), /\x1b\[31m! .*ORDER_ERROR.*\x1b\[0m/)
  const rows = renderNdjson(timeline).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  t.same(rows.map((r) => [r.correlation_id, r.event, r.offsetMs]), [['c1', 'ORDER_SUBMIT', 0], ['c1', 'ORDER_ERROR', 4], ['c1', 'ORDER_SUBMIT', 5], ['c1', 'ORDER_RESPONSE', 9]])
})
