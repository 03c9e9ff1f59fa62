import t from 'tap'
import type { RawLine } from '../../../agent/core/types.js'
import { AgentMetrics } from '../../../agent/metrics/internal.js'
import { AHEAD_TOLERANCE_MS, MAX_FUTURE_MS, createTimestamper, ownTimeOf, type FallbackReason } from '../../../agent/transforms/timestamp.js'
import { counterTotal, counterValue } from './fixtures/counter.js'

const DAY = 86_400_000
const READ_AT = Date.UTC(2024, 5, 1, 12, 0, 0, 0)

function setup(maxAgeMs = 7 * DAY) {
  const metrics = new AgentMetrics({ processMetrics: false })
  const stamp = createTimestamper({ maxAgeMs, metrics })
  const at = (fields: Record<string, unknown> | null, raw: Partial<RawLine> = {}) => {
    const { ms, nanos } = stamp(fields, { text: '', readAtMs: READ_AT, ...raw }, 'app')
    return { ms, nanos }
  }
  return { metrics, at }
}

t.test('ownTimeOf reads ts, time, timestamp, @timestamp, t in that order; null counts as absent', async (t) => {
  const cases: Array<[Record<string, unknown>, unknown]> = [
    [{ ts: 1, time: 2 }, 1],
    [{ time: 2, timestamp: 3 }, 2],
    [{ timestamp: 3, '@timestamp': 4 }, 3],
    [{ '@timestamp': 4, t: 5 }, 4],
    [{ t: 5 }, 5],
    [{ ts: null, time: 2 }, 2],
    [{ msg: 'none' }, undefined],
  ]
  for (const [fields, expected] of cases) t.equal(ownTimeOf(fields), expected, JSON.stringify(fields))
})

t.test("a plausible own time is the entry time and nothing is counted", async (t) => {
  const { metrics, at } = setup()
  t.same(at({ time: READ_AT - 5000 }), { ms: READ_AT - 5000, nanos: 0 })
  t.same(at({ ts: '2024-06-01T11:59:00.000000123Z' }), { ms: READ_AT - 60_000, nanos: 123 })
  t.same(at({ time: READ_AT + MAX_FUTURE_MS }), { ms: READ_AT + MAX_FUTURE_MS, nanos: 0 }, 'exactly at the future bound')
  t.same(at({ time: READ_AT - 6 * DAY }), { ms: READ_AT - 6 * DAY, nanos: 0 }, 'old but within the age bound')
  t.equal(await counterTotal(metrics.timestampFallbacks), 0)
})

t.test('missing or absurd own times fall back to read time, counted by reason', async (t) => {
  const cases: Array<[string, Record<string, unknown> | null, FallbackReason]> = [
    ['not JSON', null, 'missing'],
    ['no time field', { msg: 'x' }, 'missing'],
    ['null time', { time: null }, 'missing'],
    ['garbage string', { time: 'yesterday' }, 'unparseable'],
    ['boolean', { time: true }, 'unparseable'],
    ['object', { ts: { $date: 1 } }, 'unparseable'],
    ['negative', { time: -5 }, 'unparseable'],
    ['before 2000', { time: 946_684_799 }, 'unparseable'],
    ['zero', { time: 0 }, 'unparseable'],
    ['11 minutes ahead', { time: READ_AT + 11 * 60_000 }, 'future'],
    ['year 3000', { time: '3000-01-01T00:00:00Z' }, 'future'],
    ['huge number', { time: 1e300 }, 'future'],
    ['8 days old', { time: READ_AT - 8 * DAY }, 'too_old'],
  ]
  for (const [name, fields, reason] of cases) {
    const { metrics, at } = setup()
    t.same(at(fields), { ms: READ_AT, nanos: 0 }, name)
    t.equal(await counterValue(metrics.timestampFallbacks, { source: 'app', reason }), 1, `${name}: counted as ${reason}`)
    t.equal(await counterTotal(metrics.timestampFallbacks), 1, `${name}: counted once`)
  }
})

t.test('the age bound is configurable', async (t) => {
  const { metrics, at } = setup(DAY)
  t.same(at({ time: READ_AT - 2 * DAY }), { ms: READ_AT, nanos: 0 })
  t.equal(await counterValue(metrics.timestampFallbacks, { source: 'app', reason: 'too_old' }), 1)
})

t.test("the fallback prefers the source's own clock when it is plausible", async (t) => {
  const { metrics, at } = setup()
  t.same(at(null, { sourceTimeNs: `${READ_AT - 2000}123456` }), { ms: READ_AT - 2000, nanos: 123_456 })
  t.same(at({ time: 'bad' }, { sourceTimeNs: `${READ_AT - 1000}000001` }), { ms: READ_AT - 1000, nanos: 1 })
  t.equal(at(null, { sourceTimeNs: 'not a time' }).ms, READ_AT, 'a malformed source time gives way to the read time')
  t.equal(at(null, { sourceTimeNs: '42' }).ms, READ_AT, 'so does an absurd one')
  t.same(at({ time: READ_AT - 7 }, { sourceTimeNs: `${READ_AT - 2000}000000` }), { ms: READ_AT - 7, nanos: 0 }, "the line's own time beats the source's")
  t.equal(await counterTotal(metrics.timestampFallbacks), 4, 'source-stamped lines still count as fallbacks')
})

t.test('lines stamped alike in a row get distinct, increasing times', async (t) => {
  const { at } = setup()
  const fallback = [at(null), at(null), at({}), at(null)]
  t.same(fallback.map((a) => a.nanos), [0, 1, 2, 3], 'same read ms, no own time')
  t.ok(fallback.every((a) => a.ms === READ_AT))
  t.same(at(null, { readAtMs: READ_AT + 1 }), { ms: READ_AT + 1, nanos: 0 }, 'a new read ms starts over')
  t.same(at(null, { readAtMs: READ_AT + 1.9 }), { ms: READ_AT + 1, nanos: 1 }, 'fractional read times are floored to whole ms')

  const own = [at({ time: READ_AT - 10 }), at({ time: READ_AT - 10 }), at({ time: READ_AT - 10 })]
  t.same(own.map((a) => a.nanos), [0, 1, 2], 'identical own times in a row')

  const edge = '2024-06-01T11:59:59.999999999Z'
  t.same([at({ ts: edge }), at({ ts: edge })], [{ ms: READ_AT - 1, nanos: 999_999 }, { ms: READ_AT, nanos: 0 }], 'the extra ns carries into the next ms')
})

t.test('each stamp says where its time came from: own, ahead of the read time, or a fallback', async (t) => {
  const { metrics } = setup()
  const stamp = createTimestamper({ maxAgeMs: 7 * DAY, metrics })
  const origin = (fields: Record<string, unknown> | null, raw: Partial<RawLine> = {}) => stamp(fields, { text: '', readAtMs: READ_AT, ...raw }, 'app').origin
  t.equal(origin({ time: READ_AT - 80_000 }), 'own', 'an old line of a backlog')
  t.equal(origin({ time: READ_AT + AHEAD_TOLERANCE_MS }), 'own', 'within the tolerance of the host clock')
  t.equal(origin({ time: READ_AT + 5 * 60_000 }), 'ahead', 'read before it was written: the service clock runs ahead')
  t.equal(origin(null), 'fallback', 'not JSON: the read time')
  t.equal(origin({ msg: 'no time' }, { sourceTimeNs: `${BigInt(READ_AT - 1000) * 1_000_000n}` }), 'fallback', "the source's time is a fallback too")
  t.equal(origin({ time: READ_AT + MAX_FUTURE_MS + 1 }), 'fallback', 'beyond the future bound')
})
