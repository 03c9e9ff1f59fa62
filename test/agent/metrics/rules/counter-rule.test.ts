import t from 'tap'
import { labelSetNumber } from '../../../../agent/core/types.js'
import { MetricsConfig } from '../../../../agent/metrics/rules/config.js'
import { createMetricsEngine } from '../../../../agent/metrics/rules/engine.js'
import { AgentMetrics } from '../../../../agent/metrics/internal.js'
import { createTransform } from '../../../../agent/transforms/index.js'
import { TransformsConfig } from '../../../../agent/transforms/config.js'
import { logEvent, sample } from '../fixtures/events.js'

const T0 = 1_700_000_000_000

function engineWith(rules: unknown[], max_label_values = 100) {
  return createMetricsEngine(MetricsConfig.parse({ defaults: false, max_label_values, rules }))
}

t.test('counts matching lines by label values', async (t) => {
  const engine = engineWith([
    { type: 'counter', name: 'order_rejections_total', match: { event: 'ORDER_RESPONSE', status: { in: ['REJECTED', 'ERROR'] } }, labels: ['service', 'symbol'] },
  ])
  const response = (status: string, symbol: string) => logEvent(0, { event: 'ORDER_RESPONSE', service: 'orders', fields: { status, symbol } })
  engine.observe([response('REJECTED', 'AAPL'), response('ERROR', 'AAPL'), response('FILLED', 'AAPL'), response('REJECTED', 'MSFT')])
  engine.observe([response('REJECTED', 'AAPL'), logEvent(0, { event: 'OTHER', fields: { status: 'REJECTED' } })])
  t.equal(await sample(engine.registry, 'order_rejections_total', { service: 'orders', symbol: 'AAPL' }), 3)
  t.equal(await sample(engine.registry, 'order_rejections_total', { symbol: 'MSFT' }), 1)
  t.equal(await sample(engine.registry, 'order_rejections_total'), 4)
})

t.test('counts accumulate across scrapes', async (t) => {
  const engine = engineWith([{ type: 'counter', name: 'lines_total' }])
  engine.observe([logEvent(0), logEvent(1)])
  t.equal(await sample(engine.registry, 'lines_total'), 2)
  engine.observe([logEvent(2)])
  t.equal(await sample(engine.registry, 'lines_total'), 3)
  t.equal(await sample(engine.registry, 'lines_total'), 3, 'a scrape does not count twice')
})

t.test('a missing label field gives an empty label value', async (t) => {
  const engine = engineWith([{ type: 'counter', name: 'by_symbol_total', labels: ['symbol'] }])
  engine.observe([logEvent(0, { fields: null }), logEvent(0, { fields: { symbol: 'X' } })])
  t.equal(await sample(engine.registry, 'by_symbol_total', { symbol: '' }), 1)
  t.equal(await sample(engine.registry, 'by_symbol_total', { symbol: 'X' }), 1)
})

t.test('the cardinality guard folds values past the cap into "other" and counts them', async (t) => {
  const engine = engineWith([{ type: 'counter', name: 'by_user_total', labels: ['service', 'user'] }], 3)
  const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u1', 'u5']
  engine.observe(users.map((user) => logEvent(0, { fields: { user } })))
  t.equal(await sample(engine.registry, 'by_user_total', { user: 'u1' }), 2)
  t.equal(await sample(engine.registry, 'by_user_total', { user: 'u3' }), 1)
  t.equal(await sample(engine.registry, 'by_user_total', { user: 'u4' }), undefined)
  t.equal(await sample(engine.registry, 'by_user_total', { user: 'other' }), 3)
  t.equal(await sample(engine.registry, 'threadline_derived_label_overflow_total', { metric: 'by_user_total', label: 'user' }), 3)
  t.equal(await sample(engine.registry, 'threadline_derived_label_overflow_total', { label: 'service' }), undefined)
})

t.test('label values are made safe like Loki label values', async (t) => {
  const engine = engineWith([{ type: 'counter', name: 'by_user_total', labels: ['user'] }])
  engine.observe([logEvent(0, { fields: { user: 'a\u0000b' } }), logEvent(0, { fields: { user: 'x'.repeat(600) } })])
  t.equal(await sample(engine.registry, 'by_user_total', { user: 'a_b' }), 1)
  t.equal(await sample(engine.registry, 'by_user_total', { user: 'x'.repeat(512) }), 1)
})

t.test('lines of one label set are counted once a set when the registry is read, exactly as line by line, overflows included', async (t) => {
  const transform = createTransform(TransformsConfig.parse({}), { metrics: new AgentMetrics() })
  const services = ['ai_engine', 'auto_executor', 'risk_guard', 'gateway']
  const lines = Array.from({ length: 400 }, (_, i) => {
    const level = ['info', 'debug', 'error'][i % 3]
    const event = i % 10 === 0 ? 'INTENT_RECEIVED' : 'LOG'
    return JSON.stringify({ ts: new Date(T0 + i).toISOString(), level, service: services[i % 4], event, status: i % 2 ? 'A' : 'B' })
  })
  const shared = lines.map((text) => transform({ text, readAtMs: T0 }, 'app')!)
  t.ok(shared.every((event) => labelSetNumber(event.labels) !== undefined), 'the transform shares numbered label sets')
  const ownLabels = shared.map((event) => ({ ...event, labels: { ...event.labels } }))
  t.ok(ownLabels.every((event) => labelSetNumber(event.labels) === undefined), 'copies are lines\' own labels, counted line by line')
  const config = {
    max_label_values: 3,
    rules: [
      { type: 'counter', name: 'by_service_total', labels: ['service'] },
      { type: 'counter', name: 'by_status_total', match: { level: 'ERROR' }, labels: ['status'] },
    ],
  }
  const grouped = createMetricsEngine(MetricsConfig.parse(config))
  const lineByLine = createMetricsEngine(MetricsConfig.parse(config))
  for (let from = 0; from < lines.length; from += 150) {
    grouped.observe(shared.slice(from, from + 150))
    lineByLine.observe(ownLabels.slice(from, from + 150))
  }
  t.equal(await grouped.registry.metrics(), await lineByLine.registry.metrics(), 'the same exposition')
  t.equal(await sample(grouped.registry, 'log_messages_total', { service: 'risk_guard', level: 'error' }), 34)
  t.equal(await sample(grouped.registry, 'intents_received_total'), 40)
  t.equal(await sample(grouped.registry, 'by_service_total', { service: 'other' }), 100, 'the fourth service is past the cap of 3')
  t.equal(await sample(grouped.registry, 'threadline_derived_label_overflow_total', { metric: 'by_service_total', label: 'service' }), 100, 'one overflow a line')
  t.equal(await sample(grouped.registry, 'by_status_total'), 133)
})

t.test('a label set counted in one batch is not counted again in a later batch it is absent from', async (t) => {
  const transform = createTransform(TransformsConfig.parse({}), { metrics: new AgentMetrics() })
  const line = (service: string, i: number) => transform({ text: JSON.stringify({ ts: new Date(T0 + i).toISOString(), level: 'info', service, msg: 'm' }), readAtMs: T0 }, 'app')!
  const engine = createMetricsEngine(MetricsConfig.parse({}))
  engine.observe([line('a', 0), line('a', 1)])
  engine.observe([line('b', 2)])
  engine.observe([line('a', 3), line('b', 4), line('b', 5)])
  t.equal(await sample(engine.registry, 'log_messages_total', { service: 'a', level: 'info' }), 3)
  t.equal(await sample(engine.registry, 'log_messages_total', { service: 'b', level: 'info' }), 3)
})

t.test('a label set\'s lines reach its counters at every read, each line once', async (t) => {
  const transform = createTransform(TransformsConfig.parse({}), { metrics: new AgentMetrics() })
  const line = (service: string, i: number) => transform({ text: JSON.stringify({ ts: new Date(T0 + i).toISOString(), level: 'info', service, msg: 'm' }), readAtMs: T0 }, 'app')!
  const engine = createMetricsEngine(MetricsConfig.parse({}))
  const count = async (service: string) => sample(engine.registry, 'log_messages_total', { service, level: 'info' })
  engine.observe([line('a', 0), line('a', 1)])
  t.equal(await count('a'), 2, 'the first read')
  t.equal(await count('a'), 2, 'a read with no lines since adds nothing')
  engine.observe([line('a', 2), line('b', 3)])
  engine.observe([line('a', 4)])
  t.match(await engine.registry.metrics(), /log_messages_total\{service="a",level="info"\} 4/, 'the exposition a scrape reads')
  t.equal(await count('a'), 4, 'lines from two batches between reads')
  engine.observe([line('a', 5)])
  t.match(await engine.registry.getSingleMetricAsString('log_messages_total'), /service="a",level="info"\} 5/, 'a read of the one metric by name')
  t.equal(await count('b'), 1)
})

t.test('a batch a rule throws part-way through adds no label-set counts: read again, its lines count once', async (t) => {
  const transform = createTransform(TransformsConfig.parse({}), { metrics: new AgentMetrics() })
  const line = (service: string, i: number) => transform({ text: JSON.stringify({ ts: new Date(T0 + i).toISOString(), level: 'info', service, msg: 'm' }), readAtMs: T0 }, 'app')!
  // A per-line rule that reads the parsed fields, and a line whose fields cannot be read.
  const engine = createMetricsEngine(MetricsConfig.parse({ rules: [{ type: 'histogram', name: 'size', field: 'size', unit: 'none', buckets: [1] }] }))
  const unreadable = Object.defineProperty({ ...line('a', 3) }, 'fields', {
    get() {
      throw new Error('unreadable fields')
    },
  })
  const count = async (service: string) => sample(engine.registry, 'log_messages_total', { service, level: 'info' })
  engine.observe([line('a', 0)])
  t.throws(() => engine.observe([line('a', 1), line('b', 2), unreadable]), /unreadable fields/)
  engine.observe([line('a', 1), line('b', 2), line('a', 3)])
  t.equal(await count('a'), 3, 'the batch before, then the batch read again, once')
  t.equal(await count('b'), 1, 'a set first seen in the batch that threw')
  t.throws(() => engine.observe([line('a', 4), unreadable]), /unreadable fields/)
  t.equal(await count('a'), 3, 'a read right after a batch that threw adds none of its lines')
})
