import t from 'tap'
import { MetricsConfig } from '../../../../agent/metrics/rules/config.js'
import { createMetricsEngine } from '../../../../agent/metrics/rules/engine.js'
import { logEvent, sample } from '../fixtures/events.js'

const rules = [
  {
    type: 'histogram',
    name: 'http_request_duration_seconds',
    match: { event: 'HTTP_REQUEST' },
    field: 'latency_ms',
    unit: 'ms',
    buckets: [0.01, 0.05, 0.1, 1],
    labels: ['service'],
  },
  { type: 'histogram', name: 'order_quantity', match: { event: 'ORDER_SUBMIT' }, field: 'order.qty', unit: 'none', buckets: [1, 10, 100] },
]

t.test('observes a field converted to seconds, in configured buckets', async (t) => {
  const engine = createMetricsEngine(MetricsConfig.parse({ defaults: false, rules }))
  const request = (latency_ms: unknown) => logEvent(0, { event: 'HTTP_REQUEST', service: 'api', fields: { latency_ms } })
  engine.observe([request(5), request(40), request('75'), request(2000), logEvent(0, { event: 'OTHER', fields: { latency_ms: 1 } })])
  const { registry } = engine
  t.equal(await sample(registry, 'http_request_duration_seconds_count', { service: 'api' }), 4)
  t.equal(await sample(registry, 'http_request_duration_seconds_sum'), 2.12)
  t.equal(await sample(registry, 'http_request_duration_seconds_bucket', { le: '0.01' }), 1)
  t.equal(await sample(registry, 'http_request_duration_seconds_bucket', { le: '0.05' }), 2)
  t.equal(await sample(registry, 'http_request_duration_seconds_bucket', { le: '0.1' }), 3)
  t.equal(await sample(registry, 'http_request_duration_seconds_bucket', { le: '1' }), 3)
  t.equal(await sample(registry, 'http_request_duration_seconds_bucket', { le: '+Inf' }), 4)
})

t.test('observes unit-less values as they are, from a nested field', async (t) => {
  const engine = createMetricsEngine(MetricsConfig.parse({ defaults: false, rules }))
  engine.observe([logEvent(0, { event: 'ORDER_SUBMIT', fields: { order: { qty: 50 } } })])
  t.equal(await sample(engine.registry, 'order_quantity_sum'), 50)
  t.equal(await sample(engine.registry, 'order_quantity_bucket', { le: '10' }), 0)
  t.equal(await sample(engine.registry, 'order_quantity_bucket', { le: '100' }), 1)
})

t.test('matching lines without a numeric value are counted as skipped, not observed', async (t) => {
  const engine = createMetricsEngine(MetricsConfig.parse({ defaults: false, rules }))
  const request = (fields: Record<string, unknown> | null) => logEvent(0, { event: 'HTTP_REQUEST', fields })
  engine.observe([request({}), request({ latency_ms: 'fast' }), request({ latency_ms: '' }), request({ latency_ms: true }), request(null)])
  t.equal(await sample(engine.registry, 'http_request_duration_seconds_count'), undefined)
  t.equal(await sample(engine.registry, 'threadline_derived_lines_skipped_total', { metric: 'http_request_duration_seconds', reason: 'no_value' }), 5)
})
