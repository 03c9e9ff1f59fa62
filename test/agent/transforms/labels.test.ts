import t from 'tap'
import { labelSetNumber } from '../../../agent/core/types.js'
import { AgentMetrics } from '../../../agent/metrics/internal.js'
import { DEFAULT_EVENT, createLabeller, eventOf, serviceOf } from '../../../agent/transforms/labels.js'
import { counterValue } from './fixtures/counter.js'

t.test('service: the line, then the origin (service, container, unit), then the default', async (t) => {
  const cases: Array<[string, Record<string, unknown> | null, Record<string, string> | undefined, string]> = [
    ['own field wins', { service: 'orders' }, { service: 'from-origin' }, 'orders'],
    ['origin service', {}, { service: 'payments', container: 'c' }, 'payments'],
    ['container', null, { container: 'inventory-1', unit: 'u' }, 'inventory-1'],
    ['journald unit', null, { unit: 'nginx.service' }, 'nginx.service'],
    ['filename alone is no service', null, { filename: '/var/log/app.log' }, 'fallback'],
    ['no origin', null, undefined, 'fallback'],
    ['empty own field is none', { service: '' }, { container: 'c' }, 'c'],
    ['non-string own field is none', { service: 42 }, undefined, 'fallback'],
  ]
  for (const [name, fields, origin, expected] of cases) t.equal(serviceOf(fields, origin, 'fallback'), expected, name)
})

t.test('event: a non-empty string field, else LOG', async (t) => {
  const cases: Array<[Record<string, unknown> | null, string]> = [
    [{ event: 'ORDER_PLACED' }, 'ORDER_PLACED'],
    [{}, DEFAULT_EVENT],
    [null, DEFAULT_EVENT],
    [{ event: '' }, DEFAULT_EVENT],
    [{ event: 7 }, DEFAULT_EVENT],
    [{ event: { name: 'x' } }, DEFAULT_EVENT],
  ]
  for (const [fields, expected] of cases) t.equal(eventOf(fields), expected, JSON.stringify(fields))
  t.equal(DEFAULT_EVENT, 'LOG')
})

t.test('label sets hold exactly service, level, event and the static labels, frozen and shared', async (t) => {
  const metrics = new AgentMetrics({ processMetrics: false })
  const labelsFor = createLabeller({ maxLabelValues: 100, staticLabels: { env: 'prod', cluster: 'eu-1' }, metrics })
  const first = labelsFor('orders', 'info', 'ORDER_PLACED')
  t.same(first, { service: 'orders', level: 'info', event: 'ORDER_PLACED', env: 'prod', cluster: 'eu-1' })
  t.ok(Object.isFrozen(first))
  t.equal(labelsFor('orders', 'info', 'ORDER_PLACED'), first, 'the same triple returns the same object')
  t.not(labelsFor('orders', 'warn', 'ORDER_PLACED'), first, 'another level is another stream')
})

t.test('each shared label set has a number of its own, which no enumeration of its labels shows', async (t) => {
  const labelsFor = createLabeller({ maxLabelValues: 100, staticLabels: {}, metrics: new AgentMetrics({ processMetrics: false }) })
  const first = labelsFor('orders', 'info', 'ORDER_PLACED')
  const second = labelsFor('orders', 'warn', 'ORDER_PLACED')
  t.type(labelSetNumber(first), 'number')
  t.type(labelSetNumber(second), 'number')
  t.not(labelSetNumber(second), labelSetNumber(first), 'another set, another number')
  t.equal(labelSetNumber(labelsFor('orders', 'info', 'ORDER_PLACED')), labelSetNumber(first), 'the same set, the same number')
  t.same(Object.keys(first), ['service', 'level', 'event'], 'not a label')
  t.equal(JSON.stringify(first), '{"service":"orders","level":"info","event":"ORDER_PLACED"}', 'not in the JSON')
  t.equal(labelSetNumber({ ...first }), undefined, "a copy is a line's own labels object, with no number")
})

t.test('service and event overflow to "other" past the cap, counted per label; level is never capped', async (t) => {
  const metrics = new AgentMetrics({ processMetrics: false })
  const labelsFor = createLabeller({ maxLabelValues: 2, staticLabels: {}, metrics })
  labelsFor('s1', 'info', 'e1')
  labelsFor('s2', 'debug', 'e2')
  t.same(labelsFor('s3', 'error', 'e3'), { service: 'other', level: 'error', event: 'other' })
  t.same(labelsFor('s1', 'fatal', 'e4'), { service: 's1', level: 'fatal', event: 'other' })
  t.same(labelsFor('s1', 'trace', 'e2'), { service: 's1', level: 'trace', event: 'e2' })
  t.equal(await counterValue(metrics.labelOverflows, { label: 'service' }), 1)
  t.equal(await counterValue(metrics.labelOverflows, { label: 'event' }), 2)
})

t.test('control characters in service and event never reach a label', async (t) => {
  const metrics = new AgentMetrics({ processMetrics: false })
  const labelsFor = createLabeller({ maxLabelValues: 10, staticLabels: {}, metrics })
  t.same(labelsFor('svc\u0000', 'info', 'EV\nENT'), { service: 'svc_', level: 'info', event: 'EV_ENT' })
})
