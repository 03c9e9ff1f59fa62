import t from 'tap'
import { formatLabels, parseLabels } from '../../../transports/loki/labels.js'

t.test('formatLabels writes the canonical selector: names sorted, values escaped', async (t) => {
  t.equal(formatLabels({ service: 'api', event: 'http', level: 'info' }), '{event="http", level="info", service="api"}')
  t.equal(formatLabels({ a: 'say "hi"\\now\nthen' }), '{a="say \\"hi\\"\\\\now\\nthen"}')
  t.equal(formatLabels({}), '{}')
  t.equal(formatLabels({ b: '1', a: '2' }), formatLabels({ a: '2', b: '1' }), 'one label set, one string')
})

t.test('parseLabels inverts formatLabels, escapes and all', async (t) => {
  const sets: Record<string, string>[] = [{ service: 'api' }, { a: 'tab\there', b: 'quote " backslash \\ newline \n', c: 'ünïcödé ✓' }, {}]
  for (const labels of sets) t.same(parseLabels(formatLabels(labels)), labels)
})

t.test('parseLabels reads any equality selector Loki accepts', async (t) => {
  t.same(parseLabels('{ a = "x" ,b="y"}'), { a: 'x', b: 'y' })
  t.same(parseLabels('{a="\\x41\\u00e9\\t"}'), { a: 'Aé\t' })
})

t.test('parseLabels refuses what Loki would not parse', async (t) => {
  for (const bad of ['a="x"', '{a="x"', '{a=x}', '{1a="x"}', '{a="x", a="y"}', '{a="x"} junk', '{a="\\q"}', '{a="line\nbreak"}', '{a="x",}']) {
    t.throws(() => parseLabels(bad), /invalid stream selector/, bad)
  }
})

t.test('parseLabels caches: the same selector gives the same frozen object', async (t) => {
  const a = parseLabels('{cached="yes"}')
  t.equal(parseLabels('{cached="yes"}'), a)
  t.ok(Object.isFrozen(a))
})
