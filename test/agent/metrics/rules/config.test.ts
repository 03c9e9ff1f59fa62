import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { MetricsConfig } from '../../../../agent/metrics/rules/config.js'

function problems(input: unknown): string[] {
  const result = MetricsConfig.safeParse(input)
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

t.test('an absent section gives the defaults', async (t) => {
  const config = MetricsConfig.parse(undefined)
  t.same(config, { defaults: true, max_label_values: 100, rules: [] })
})

t.test('rules get their defaults filled in', async (t) => {
  const config = MetricsConfig.parse({
    rules: [
      { type: 'counter', name: 'order_rejections_total', match: { event: 'ORDER_RESPONSE', status: { in: ['REJECTED', 'ERROR'] } }, labels: ['service', 'symbol'] },
      { type: 'histogram', name: 'http_request_duration_seconds', match: { event: 'HTTP_REQUEST' }, field: 'latency_ms', unit: 'ms' },
      { type: 'pair', name: 'intent_to_submit', start: { event: 'INTENT_RECEIVED' }, end: { event: 'ORDER_SUBMIT' }, timeout: '1m' },
    ],
  })
  const [, histogram, pair] = config.rules
  t.equal(histogram?.type === 'histogram' && histogram.buckets.length, 11)
  t.match(pair, { key: 'correlation_id', timeout: 60_000, max_pending: 100_000, remember_for: 600_000, labels: [] })
})

const invalid: Array<[string, unknown, RegExp]> = [
  ['a typo in a key', { defualts: false }, /: Unrecognized key.*defualts/i],
  ['a typo inside a rule', { rules: [{ type: 'counter', name: 'a_total', lables: ['service'] }] }, /^rules\.0: Unrecognized key.*lables/],
  ['a counter without _total', { rules: [{ type: 'counter', name: 'errors' }] }, /^rules\.0\.name: .*_total/],
  ['a name Prometheus rejects', { rules: [{ type: 'counter', name: 'bad-name_total' }] }, /^rules\.0\.name: expected a Prometheus metric name/],
  ['the reserved prefix', { rules: [{ type: 'counter', name: 'threadline_x_total' }] }, /^rules\.0\.name: .*reserved/],
  ['a time histogram not in seconds', { rules: [{ type: 'histogram', name: 'latency_ms', field: 'latency_ms', unit: 'ms' }] }, /^rules\.0\.name: .*_seconds/],
  ['buckets out of order', { rules: [{ type: 'histogram', name: 'x_seconds', field: 'x', buckets: [1, 0.5] }] }, /^rules\.0\.buckets: .*increasing/],
  ['a bad regex', { rules: [{ type: 'counter', name: 'a_total', match: { msg: { regex: '(' } } }] }, /^rules\.0\.match\.msg/],
  ['an unknown condition', { rules: [{ type: 'counter', name: 'a_total', match: { msg: { regx: 'a' } } }] }, /^rules\.0\.match\.msg/],
  ['a bad duration', { rules: [{ type: 'pair', name: 'p', start: { event: 'A' }, end: { event: 'B' }, timeout: '30 parsecs' }] }, /^rules\.0\.timeout: expected a duration/],
  ['an empty start', { rules: [{ type: 'pair', name: 'p', start: {}, end: { event: 'B' } }] }, /^rules\.0\.start: /],
  ['a pair labelled by reason', { rules: [{ type: 'pair', name: 'p', start: { event: 'A' }, end: { event: 'B' }, labels: ['reason'] }] }, /^rules\.0\.labels\.0: .*"reason"/],
  ['a label twice', { rules: [{ type: 'counter', name: 'a_total', labels: ['service', 'service'] }] }, /^rules\.0\.labels: .*twice/],
  ['an unknown rule type', { rules: [{ type: 'summary', name: 'a' }] }, /^rules\.0\.type: /],
  ['a name the defaults produce', { rules: [{ type: 'counter', name: 'log_messages_total' }] }, /^rules\.0\.name: metric log_messages_total is already produced by the built-in defaults/],
  [
    'a counter colliding with a pair',
    {
      rules: [
        { type: 'pair', name: 'flow', start: { event: 'A' }, end: { event: 'B' } },
        { type: 'counter', name: 'flow_late_total' },
      ],
    },
    /^rules\.1\.name: metric flow_late_total is already produced by rules\[0\] \(pair "flow"\)/,
  ],
  [
    'a histogram series colliding with a histogram',
    {
      rules: [
        { type: 'histogram', name: 'a_seconds', field: 'x' },
        { type: 'histogram', name: 'a_seconds', field: 'y' },
      ],
    },
    /^rules\.1\.name: metric a_seconds is already produced by rules\[0\]/,
  ],
]

for (const [name, input, expected] of invalid) {
  t.test(`rejects ${name}, naming the path`, async (t) => {
    const found = problems(input)
    t.ok(found.some((p) => expected.test(p)), `${JSON.stringify(found)} matches ${expected}`)
  })
}

t.test('the defaults may be switched off to free their names', async (t) => {
  t.same(problems({ defaults: false, rules: [{ type: 'counter', name: 'log_messages_total' }] }), [])
})

t.test('the README example validates', async (t) => {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('<!-- section:metrics -->'), readme.indexOf('<!-- /section:metrics -->'))
  const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1]
  t.ok(example, 'the metrics section has a yaml example')
  const config = MetricsConfig.parse((parse(example!) as { metrics: unknown }).metrics)
  t.same(
    config.rules.map((rule) => rule.name),
    ['order_rejections_total', 'http_request_duration_seconds', 'intent_to_submit'],
  )
})
