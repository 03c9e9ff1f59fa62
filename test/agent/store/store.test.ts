import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LogEvent } from '../../../agent/core/types.js'
import { AgentMetrics } from '../../../agent/metrics/internal.js'
import { Store } from '../../../agent/store/store.js'
import { enforceRetention } from '../../../agent/store/retention.js'

function tempStorePath(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-store-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'store.db')
}

const labelsA = Object.freeze({ service: 'auto_executor', level: 'info', event: 'ORDER_SUBMIT' })
function event(n: number, overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    tsMs: 1_767_435_323_000 + n,
    tsNanos: 123_456,
    line: JSON.stringify({ n, msg: `line ${n}` }),
    level: 'info',
    service: 'auto_executor',
    event: 'ORDER_SUBMIT',
    correlationId: n % 2 === 0 ? `corr-${n % 10}` : null,
    labels: labelsA,
    fields: { n },
    source: 'test',
    ...overrides,
  }
}

t.test('lines and checkpoints commit together and survive reopening', async (t) => {
  const path = tempStorePath(t)
  const store = new Store(path)
  store.append([event(1), event(2), event(3)], [{ key: 'file:abc', value: '{"offset":42}' }])
  t.equal(store.lastId(), 3)
  t.equal(store.checkpoint('file:abc'), '{"offset":42}')
  t.equal(store.checkpoint('file:missing'), undefined)
  store.close()

  const reopened = new Store(path)
  t.teardown(() => reopened.close())
  t.equal(reopened.lastId(), 3)
  t.equal(reopened.checkpoint('file:abc'), '{"offset":42}')
  const lines = reopened.readAfter(1, 10)
  t.same(
    lines.map((l) => [l.id, l.tsMs, l.tsNanos, l.labels, l.line]),
    [
      [2, event(2).tsMs, 123_456, '{event="ORDER_SUBMIT", level="info", service="auto_executor"}', event(2).line],
      [3, event(3).tsMs, 123_456, '{event="ORDER_SUBMIT", level="info", service="auto_executor"}', event(3).line],
    ],
  )
})

t.test('a failing in-transaction step rolls back the lines and the checkpoint', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  store.append([event(1)], [{ key: 'k', value: 'first' }])
  t.throws(() =>
    store.append([event(2)], [{ key: 'k', value: 'second' }], () => {
      throw new Error('disk full')
    }),
  )
  t.equal(store.lastId(), 1)
  t.equal(store.checkpoint('k'), 'first')
  t.equal(store.readAfter(0, 10).length, 1)
})

t.test('cursors are per reader and default to 0', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  store.append([event(1), event(2)])
  t.equal(store.cursor('loki:default'), 0)
  store.commitCursor('loki:default', 2)
  store.commitCursor('stdout', 1)
  t.equal(store.cursor('loki:default'), 2)
  t.equal(store.cursor('stdout'), 1, 'one reader committing does not move another')
})

t.test('waitForLines resolves on append and on timeout', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  const waiting = store.waitForLines(0, 10_000)
  setTimeout(() => store.append([event(1)]), 20)
  await waiting
  t.equal(store.lastId(), 1)
  const before = Date.now()
  await store.waitForLines(1, 50)
  t.ok(Date.now() - before >= 40, 'waited for the timeout when nothing new arrived')
  await store.waitForLines(0, 10_000)
  t.pass('returns at once when lines past the id exist')
})

t.test('lines are found by correlation id in entry-time order', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  store.append([
    event(5, { correlationId: 'req-1', tsMs: 3000, service: 'auto_executor' }),
    event(6, { correlationId: 'req-2', tsMs: 1000 }),
    event(7, { correlationId: 'req-1', tsMs: 1000, service: 'ai_engine', labels: Object.freeze({ ...labelsA, service: 'ai_engine' }) }),
  ])
  const found = store.linesByCorrelationId('req-1')
  t.same(
    found.map((l) => [l.service, l.tsMs]),
    [
      ['ai_engine', 1000],
      ['auto_executor', 3000],
    ],
  )
  t.same(store.linesByCorrelationId('nope'), [])
})

t.test('retention by age keeps recent lines and counts undelivered ones it drops', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  const metrics = new AgentMetrics({ processMetrics: false })
  store.append([event(1), event(2), event(3), event(4)])
  store.commitCursor('loki:default', 2)
  const outcome = enforceRetention(store, { maxAgeMs: 60_000, maxBytes: 1 << 30 }, ['loki:default'], metrics, Date.now() + 120_000)
  t.same(outcome, { deleted: 4, undeliveredDeleted: 2 })
  const dropped = await metrics.linesDropped.get()
  t.same(dropped.values.map((v) => [v.labels.reason, v.value]), [['retention', 2]])

  store.append([event(5)])
  const kept = enforceRetention(store, { maxAgeMs: 60_000, maxBytes: 1 << 30 }, ['loki:default'], metrics)
  t.same(kept, { deleted: 0, undeliveredDeleted: 0 })
  t.equal(store.lineCount(), 1)
})

t.test('retention by size deletes oldest lines until under the limit', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  const metrics = new AgentMetrics({ processMetrics: false })
  const big = 'x'.repeat(2_000)
  for (let batch = 0; batch < 10; batch++) {
    store.append(Array.from({ length: 1_000 }, (_, i) => event(batch * 1_000 + i, { line: big })))
  }
  const before = store.sizeBytes()
  t.ok(before > 15_000_000, `store grew to ${before} bytes`)
  store.commitCursor('loki:default', store.lastId())
  const outcome = enforceRetention(store, { maxAgeMs: 86_400_000, maxBytes: 8_000_000 }, ['loki:default'], metrics)
  t.ok(store.sizeBytes() <= 8_000_000, `store is ${store.sizeBytes()} bytes after retention`)
  t.ok(outcome.deleted > 0 && outcome.deleted < 10_000)
  t.equal(outcome.undeliveredDeleted, 0, 'every deleted line had been delivered')
  t.equal(store.readAfter(0, 1)[0]!.id, outcome.deleted + 1, 'the oldest lines went first')
  t.equal((await metrics.storeLines.get()).values[0]!.value, 10_000 - outcome.deleted)
})
