import { spawn } from 'node:child_process'
import t from 'tap'
import type { LogEvent } from '../../../../agent/core/types.js'
import { changesOfRow } from '../../../../agent/metrics/pair-rows.js'
import { MetricsConfig } from '../../../../agent/metrics/rules/config.js'
import { createMetricsEngine } from '../../../../agent/metrics/rules/engine.js'
import { ORDER_DURATION_BUCKETS } from '../../../../agent/metrics/rules/defaults.js'
import { logEvent, sample } from '../fixtures/events.js'

const T0 = 1_700_000_000_000

function sampleTraffic() {
  return [
    logEvent(T0, { service: 'gateway', event: 'INTENT_RECEIVED', correlationId: 'c1' }),
    logEvent(T0 + 5, { service: 'orders', event: 'ORDER_SUBMIT', correlationId: 'c1' }),
    logEvent(T0 + 6, { service: 'orders', event: 'ORDER_SUBMIT', correlationId: 'c2' }),
    logEvent(T0 + 7, { service: 'orders', level: 'error', event: 'ORDER_SUBMIT', correlationId: 'c3' }),
    logEvent(T0 + 6_000, { service: 'exchange', event: 'ORDER_RESPONSE', correlationId: 'c1' }),
    logEvent(T0 + 6_500, { service: 'exchange', level: 'error', event: 'ORDER_RESPONSE', correlationId: 'c9' }),
    logEvent(T0 + 40_000, { service: 'exchange', level: 'warn', event: 'ORDER_RESPONSE', correlationId: 'c2' }),
    logEvent(T0 + 40_001, { service: 'api', event: 'HTTP_REQUEST', fields: { latency_ms: 12 } }),
  ]
}

t.test('the built-in defaults count levels, intents and the order flow', async (t) => {
  const engine = createMetricsEngine(MetricsConfig.parse({}))
  engine.observe(sampleTraffic())
  const { registry } = engine
  t.equal(await sample(registry, 'log_messages_total'), 8)
  t.equal(await sample(registry, 'log_messages_total', { service: 'exchange', level: 'error' }), 1)
  t.equal(await sample(registry, 'log_messages_total', { service: 'orders', level: 'info' }), 2)
  t.equal(await sample(registry, 'intents_received_total', { service: 'gateway' }), 1)
  t.equal(await sample(registry, 'order_started_total', { service: 'orders' }), 3)
  t.equal(await sample(registry, 'order_completed_total'), 1)
  t.equal(await sample(registry, 'order_unanswered_total', { reason: 'timeout' }), 2)
  t.equal(await sample(registry, 'order_late_total'), 1)
  t.equal(await sample(registry, 'order_orphan_ends_total', { service: 'exchange' }), 1)
  t.equal(await sample(registry, 'order_duration_seconds_bucket', { le: '5' }), 0, 'a 6 s order is above the 5 s bucket edge')
  t.equal(await sample(registry, 'order_duration_seconds_bucket', { le: '10' }), 1)
})

t.test('the order duration buckets span 0.05 s to the 30 s timeout with 5 s as an edge', async (t) => {
  t.equal(ORDER_DURATION_BUCKETS[0], 0.05)
  t.equal(ORDER_DURATION_BUCKETS.at(-1), 30)
  t.ok(ORDER_DURATION_BUCKETS.includes(5))
})

t.test('defaults: false leaves only the configured rules', async (t) => {
  const engine = createMetricsEngine(MetricsConfig.parse({ defaults: false, rules: [{ type: 'counter', name: 'errors_total', match: { level: 'error' } }] }))
  engine.observe(sampleTraffic())
  t.equal(await sample(engine.registry, 'errors_total'), 2)
  t.equal(await sample(engine.registry, 'log_messages_total'), undefined)
  t.equal(await sample(engine.registry, 'order_started_total'), undefined)
})

t.test('with no rules the engine reads no line, and still drops the pair state of rules no longer configured', async (t) => {
  const engine = createMetricsEngine(MetricsConfig.parse({ defaults: false }))
  const unreadable = new Proxy({} as LogEvent, {
    get: (_, field) => {
      throw new Error(`read ${String(field)}`)
    },
  })
  engine.restore([{ rule: 'order', key: 'c1', state: 'pending', atMs: T0, labels: ['orders'], seq: 7 }], 7)
  t.doesNotThrow(() => engine.observe([unreadable, unreadable]))
  const { row, newestSeq } = engine.takeStateDelta()
  t.same([...changesOfRow(row!)], [[8, 7]], 'a forgetting numbered after what the store holds, of the change it forgets')
  t.equal(newestSeq, 8)
})

t.test('an empty batch and a tick before any line change nothing', async (t) => {
  const engine = createMetricsEngine(MetricsConfig.parse({}), { now: () => 10_000_000 })
  engine.observe([])
  engine.tick()
  t.equal(await sample(engine.registry, 'log_messages_total'), undefined)
  t.same(engine.takeStateDelta(), { row: undefined, newestSeq: 0, liveFrom: 1 }, 'nothing live: every change so far is superseded')
})

t.test('promtool check metrics reports nothing on the exposition', async (t) => {
  const engine = createMetricsEngine(
    MetricsConfig.parse({
      rules: [
        { type: 'histogram', name: 'http_request_duration_seconds', match: { event: 'HTTP_REQUEST' }, field: 'latency_ms', unit: 'ms', labels: ['service'] },
        { type: 'pair', name: 'intent_to_submit', start: { event: 'INTENT_RECEIVED' }, end: { event: 'ORDER_SUBMIT' }, labels: ['service'] },
        { type: 'counter', name: 'order_errors_total', match: { event: { regex: 'ORDER_.*' }, level: 'error' }, labels: ['service'] },
      ],
    }),
  )
  engine.observe(sampleTraffic())
  const exposition = await engine.registry.metrics()
  t.match(exposition, /^# TYPE order_duration_seconds histogram$/m)
  const promtool = spawn('/usr/bin/promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  promtool.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  promtool.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  promtool.stdin.end(exposition)
  const code = await new Promise((resolve) => promtool.on('close', resolve))
  t.equal(output, '', 'promtool found no problem')
  t.equal(code, 0)
})

t.test('rules run on the lines of the events they name, whatever form names them, and on every line otherwise', async (t) => {
  const config = MetricsConfig.parse({
    defaults: false,
    rules: [
      { type: 'counter', name: 'a_total', match: { event: 'A' } },
      { type: 'counter', name: 'a_or_b_total', match: { event: { in: ['A', 'B'] } } },
      { type: 'counter', name: 'not_a_total', match: { event: { not: 'A' } } },
      { type: 'counter', name: 'regex_total', match: { event: { regex: 'A|C' } } },
      { type: 'counter', name: 'any_total', match: { level: 'error' } },
      { type: 'histogram', name: 'b_latency_seconds', match: { event: 'B' }, field: 'ms', unit: 'ms' },
      { type: 'pair', name: 'a_to_b', start: { event: 'A' }, end: { event: 'B' } },
      { type: 'pair', name: 'a_to_any', start: { event: 'A' }, end: { service: 'other' } },
    ],
  })
  const engine = createMetricsEngine(config)
  const events = ['A', 'B', 'C', 'A', 'D'].map((event, i) =>
    logEvent(1_000 + i, { event, level: i === 4 ? 'error' : 'info', correlationId: i < 2 ? 'k' : `k${i}`, service: i === 2 ? 'other' : 'svc', fields: { ms: 5 } }),
  )
  engine.observe(events)
  const r = engine.registry
  t.equal(await sample(r, 'a_total'), 2)
  t.equal(await sample(r, 'a_or_b_total'), 3)
  t.equal(await sample(r, 'not_a_total'), 3)
  t.equal(await sample(r, 'regex_total'), 3)
  t.equal(await sample(r, 'any_total'), 1)
  t.equal(await sample(r, 'b_latency_seconds_count'), 1)
  t.equal(await sample(r, 'a_to_b_completed_total'), 1)
  t.equal(await sample(r, 'a_to_b_started_total'), 2)
  t.equal(await sample(r, 'a_to_any_orphan_ends_total'), 1, 'an end side that names no event sees every line')
})
