import t from 'tap'
import type { LogEvent } from '../../../../agent/core/types.js'
import { changesOfRow, isForgetting } from '../../../../agent/metrics/pair-rows.js'
import { MetricsConfig } from '../../../../agent/metrics/rules/config.js'
import { createMetricsEngine } from '../../../../agent/metrics/rules/engine.js'
import { logEvent, sample } from '../fixtures/events.js'

const START = 1_700_000_000_000

function pairEngine(pair: Record<string, unknown> = {}, wall = { ms: 0 }) {
  const config = MetricsConfig.parse({
    defaults: false,
    rules: [{ type: 'pair', name: 'order', start: { event: 'ORDER_SUBMIT' }, end: { event: 'ORDER_RESPONSE' }, timeout: '30s', labels: ['service'], ...pair }],
  })
  const engine = createMetricsEngine(config, { now: () => wall.ms })
  const count = async (name: string, labels: Record<string, string> = {}) => (await sample(engine.registry, `order_${name}`, labels)) ?? 0
  return { engine, count, wall }
}

const submit = (id: string | null, atMs: number, over: Partial<LogEvent> = {}) =>
  logEvent(START + atMs, { event: 'ORDER_SUBMIT', service: 'orders', correlationId: id, ...over })
const respond = (id: string, atMs: number, over: Partial<LogEvent> = {}) =>
  logEvent(START + atMs, { event: 'ORDER_RESPONSE', service: 'exchange', correlationId: id, ...over })
const noise = (atMs: number) => logEvent(START + atMs, { event: 'HEARTBEAT' })

t.test('a start answered in time completes, timed on the lines\' own timestamps', async (t) => {
  const { engine, count } = pairEngine()
  engine.observe([submit('a', 0), submit('b', 100.25)])
  t.equal(await count('started_total'), 2)
  t.equal(await count('pending'), 2)
  engine.observe([respond('a', 1500), respond('b', 7100.75)])
  t.equal(await count('completed_total', { service: 'orders' }), 2, 'labelled by the start line, not the end line')
  t.equal(await count('pending'), 0)
  t.equal(await count('duration_seconds_count'), 2)
  t.equal(await count('duration_seconds_sum'), 1.5 + 7.0005)
  t.equal(await count('duration_seconds_bucket', { le: '5' }), 1)
  t.equal(await count('unanswered_total'), 0)
  t.equal(
    await sample(engine.registry, 'order_unanswered_total', { service: 'orders', reason: 'evicted' }),
    0,
    'every series of a label set is exposed from its first line, so increase() sees the first increment',
  )
})

t.test('a start with no end times out once the line clock passes the timeout', async (t) => {
  const { engine, count } = pairEngine()
  engine.observe([submit('a', 0), noise(30_000)])
  t.equal(await count('unanswered_total'), 0, 'exactly the timeout is still in time')
  engine.observe([noise(30_001)])
  t.equal(await count('unanswered_total', { reason: 'timeout', service: 'orders' }), 1)
  t.equal(await count('pending'), 0)
})

t.test('a backlog read faster than real time does not time out starts answered later in it', async (t) => {
  const { engine, count, wall } = pairEngine()
  engine.observe([submit('a', 0)])
  for (let i = 1; i <= 20; i++) {
    wall.ms += 5_000
    engine.tick()
    engine.observe([noise(i * 1_000)])
  }
  engine.observe([respond('a', 21_000)])
  t.equal(await count('completed_total'), 1)
  t.equal(await count('unanswered_total'), 0)
})

t.test('when lines stop, the wall clock moves the line clock on', async (t) => {
  const { engine, count, wall } = pairEngine()
  wall.ms = 50
  engine.observe([submit('a', 0)])
  wall.ms += 29_000
  engine.tick()
  t.equal(await count('pending'), 1)
  wall.ms += 1_001
  engine.tick()
  t.equal(await count('unanswered_total', { reason: 'timeout' }), 1)
  t.equal(await count('pending'), 0)
})

t.test('an end after the timeout is late, not an orphan; a second end is a duplicate', async (t) => {
  const { engine, count } = pairEngine()
  engine.observe([submit('a', 0), noise(31_000)])
  engine.observe([respond('a', 32_000)])
  t.equal(await count('late_total', { service: 'orders' }), 1)
  t.equal(await count('orphan_ends_total'), 0)
  t.equal(await count('completed_total'), 0)
  engine.observe([respond('a', 33_000)])
  t.equal(await count('duplicate_ends_total'), 1)
})

t.test('an end timed more than the timeout after its start is late even before the clock expired it', async (t) => {
  const { engine, count } = pairEngine()
  engine.observe([submit('a', 0), respond('a', 45_000)])
  t.equal(await count('unanswered_total', { reason: 'timeout' }), 1)
  t.equal(await count('late_total'), 1)
  t.equal(await count('duration_seconds_count'), 0)
  t.equal(await count('pending'), 0)
})

t.test('an end with no start is an orphan, labelled by the end line', async (t) => {
  const { engine, count } = pairEngine()
  engine.observe([respond('ghost', 0)])
  t.equal(await count('orphan_ends_total', { service: 'exchange' }), 1)
  t.equal(await count('completed_total'), 0)
})

t.test('a second start of a pending key is a duplicate; the first start times the pair', async (t) => {
  const { engine, count } = pairEngine()
  engine.observe([submit('a', 0), submit('a', 2_000), respond('a', 3_000), respond('a', 3_500)])
  t.equal(await count('started_total'), 1)
  t.equal(await count('duplicate_starts_total'), 1)
  t.equal(await count('duration_seconds_sum'), 3)
  t.equal(await count('duplicate_ends_total'), 1)
})

t.test('a key reused after its pair completed starts a new pair', async (t) => {
  const { engine, count } = pairEngine()
  engine.observe([submit('a', 0), respond('a', 1_000), submit('a', 2_000), respond('a', 2_500)])
  t.equal(await count('started_total'), 2)
  t.equal(await count('completed_total'), 2)
  t.equal(await count('duplicate_ends_total'), 0)
})

t.test('a reused key is judged by its newest pair, whichever memory holds the older one', async (t) => {
  const { engine, count } = pairEngine()
  // a completes, is reused, and its second start times out: its next end is late, the one after a duplicate.
  engine.observe([submit('a', 0), respond('a', 1_000), submit('a', 2_000), noise(40_000)])
  t.equal(await count('unanswered_total', { reason: 'timeout' }), 1)
  engine.observe([respond('a', 41_000), respond('a', 42_000)])
  t.equal(await count('late_total'), 1, 'the expiry is newer than the first completion')
  t.equal(await count('duplicate_ends_total'), 1, 'the late end made a completion newer than the expiry')
  t.equal(await count('orphan_ends_total'), 0)
  // b times out, is reused and completes: its next end is a duplicate, not late.
  engine.observe([submit('b', 50_000), noise(90_000)])
  engine.observe([submit('b', 91_000), respond('b', 92_000), respond('b', 93_000)])
  t.equal(await count('late_total'), 1, 'no late end for b')
  t.equal(await count('duplicate_ends_total'), 2)
})

t.test("forgetting a reused key's old pair is journaled as of that pair's change, so the new pair outlives it", async (t) => {
  const { engine, count } = pairEngine({ max_pending: 2 })
  engine.observe([submit('a', 0), respond('a', 10)])
  engine.takeStateDelta()
  // a's completion is the memory's oldest; two more completions past max_pending (2) drop it while a is pending again.
  engine.observe([submit('a', 20), submit('b', 30), respond('b', 40), submit('c', 50), respond('c', 60)])
  const records = [...changesOfRow(engine.takeStateDelta().row!)]
  t.same(records.filter((record) => record[2] === 'a').map(([seq, , , state]) => [state, seq]), [['pending', 3]], 'a starts again as change 3')
  t.ok(records.some((record) => isForgetting(record) && record[1] === 2), 'forgets change 2, its completion, not its new start')
  engine.observe([respond('a', 70)])
  t.equal(await count('completed_total'), 4, 'the new pair still completes')
})

t.test('past max_pending the oldest start is evicted and counted unanswered', async (t) => {
  const { engine, count } = pairEngine({ max_pending: 3 })
  engine.observe(['a', 'b', 'c', 'd', 'e'].map((id, i) => submit(id, i)))
  t.equal(await count('unanswered_total', { reason: 'evicted' }), 2)
  t.equal(await count('pending'), 3)
  engine.observe([respond('a', 100), respond('e', 100)])
  t.equal(await count('late_total'), 1, 'the end of an evicted start')
  t.equal(await count('completed_total'), 1)
})

t.test('at max_pending a duplicate start evicts nothing', async (t) => {
  const { engine, count } = pairEngine({ max_pending: 2 })
  engine.observe([submit('a', 0), submit('b', 1), submit('a', 2)])
  t.equal(await count('duplicate_starts_total'), 1)
  t.equal(await count('unanswered_total', { reason: 'evicted' }), 0, 'the oldest stays')
  engine.observe([respond('a', 50), respond('b', 60)])
  t.equal(await count('completed_total'), 2, 'both pending starts are answered')
})

t.test('finished keys are forgotten after remember_for: a later end is an orphan', async (t) => {
  const { engine, count } = pairEngine({ remember_for: '1m' })
  engine.observe([submit('a', 0), respond('a', 10), submit('b', 20), noise(31_000)])
  engine.observe([noise(100_000)])
  engine.observe([respond('a', 100_001), respond('b', 100_002)])
  t.equal(await count('orphan_ends_total'), 2)
  t.equal(await count('duplicate_ends_total'), 0)
  t.equal(await count('late_total'), 0)
})

t.test('a start or end without a key is skipped and counted', async (t) => {
  const { engine, count } = pairEngine()
  engine.observe([submit(null, 0), submit('', 1)])
  t.equal(await count('started_total'), 0)
  t.equal(await sample(engine.registry, 'threadline_derived_lines_skipped_total', { metric: 'order', reason: 'no_key' }), 2)
})

t.test('the key may be any field, and labels come from the start line', async (t) => {
  const { engine, count } = pairEngine({ key: 'order.id', start: { event: 'INTENT_RECEIVED' }, end: { event: 'ORDER_SUBMIT' } })
  engine.observe([
    logEvent(START, { event: 'INTENT_RECEIVED', service: 'gateway', fields: { order: { id: 7 } } }),
    logEvent(START + 250, { event: 'ORDER_SUBMIT', service: 'orders', fields: { order: { id: '7' } } }),
  ])
  t.equal(await count('completed_total', { service: 'gateway' }), 1)
  t.equal(await count('duration_seconds_sum'), 0.25)
})

t.test('state deltas hold one change for a start answered in the same batch, and are drained by each call', async (t) => {
  const { engine } = pairEngine()
  engine.observe([submit('a', 0), respond('a', 5), submit('b', 10)])
  const delta = engine.takeStateDelta()
  t.same(
    [...changesOfRow(delta.row!)],
    [
      [2, 'order', 'a', 'completed', START + 5, ['orders']],
      [3, 'order', 'b', 'pending', START + 10, ['orders']],
    ],
    "a's start (seq 1) is restated as its completion (seq 2), in its place",
  )
  t.equal(delta.newestSeq, 3)
  t.equal(delta.liveFrom, 2, "a's pending start (seq 1) was superseded by its completion (seq 2), the oldest live change")
  t.same(engine.takeStateDelta(), { row: undefined, newestSeq: 0, liveFrom: 2 })

  engine.observe([respond('b', 15)])
  t.same(
    [...changesOfRow(engine.takeStateDelta().row!)],
    [[4, 'order', 'b', 'completed', START + 15, ['orders']]],
    'a start written in an earlier row is answered by a change of its own',
  )
})

t.test('restored starts keep their age order: past max_pending the oldest is evicted, and none is counted as started', async (t) => {
  const { engine, count } = pairEngine({ max_pending: 2 })
  const entries = ['a', 'b', 'c'].map((key, i) => ({ rule: 'order', key, state: 'pending' as const, atMs: START + i, labels: ['orders'], seq: i + 1 }))
  engine.restore(entries.reverse())
  t.equal(await count('pending'), 2)
  t.equal(await count('unanswered_total', { reason: 'evicted' }), 1)
  t.equal(await count('started_total'), 0)
  engine.observe([respond('c', 10), respond('a', 11)])
  t.equal(await count('completed_total', { service: 'orders' }), 1)
  t.equal(await count('duration_seconds_sum'), 0.008)
  t.equal(await count('late_total'), 1, 'the evicted start a')
})
