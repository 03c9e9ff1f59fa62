import { Histogram, Registry } from 'prom-client'
import t from 'tap'
import { BufferedHistogram } from '../../../../agent/metrics/rules/buffered.js'

t.test('exposes exactly what a prom-client Histogram exposes for the same observations', async (t) => {
  const ours = new Registry()
  const theirs = new Registry()
  const buckets = [0.05, 0.1, 1, 5]
  const buffered = new BufferedHistogram(ours, 'x_seconds', 'Some durations.', ['service', 'region'], buckets)
  const reference = new Histogram({ name: 'x_seconds', help: 'Some durations.', labelNames: ['service', 'region'], buckets, registers: [theirs] })
  const observations: Array<[string, string, number]> = [['api', 'eu', 0.05], ['api', 'eu', 0.07], ['api', 'eu', 7], ['api', 'us', 1], ['web', 'eu', 0], ['api', 'eu', 5]]
  const cells = new Map<string, ReturnType<typeof buffered.cell>>()
  for (const [service, region, value] of observations) {
    const key = `${service}/${region}`
    if (!cells.has(key)) {
      cells.set(key, buffered.cell([service, region]))
      reference.zero({ service, region })
    }
    cells.get(key)!.observe(value)
    reference.observe({ service, region }, value)
  }
  t.equal(await ours.metrics(), await theirs.metrics(), 'the same text, edges inclusive (a value on an edge counts in its bucket)')
  const json = async (registry: Registry) =>
    (await registry.getMetricsAsJSON()).map(({ name, type, values }) => ({ name, type, values: values.map((v) => ({ labels: v.labels, value: v.value, metricName: (v as { metricName?: string }).metricName })) }))
  t.same(await json(ours), await json(theirs), 'and the same JSON (exemplars aside, which it has none of)')
  buffered.reset()
  reference.reset()
  t.match(await ours.metrics(), /x_seconds_count\{service="api",region="eu"\} 0/, 'reset zeroes every series and keeps it exposed')
})
