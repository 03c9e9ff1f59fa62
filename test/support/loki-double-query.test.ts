/**
 * The Loki double's query endpoint answers what Loki answers for the
 * line-count query, and refuses what it does not evaluate.
 */
import t from 'tap'
import { answerCountQuery } from './loki-double/query.js'

const NOW = 1_700_000_000_000
const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`
const entries = [
  { labelSet: { service: 'a', level: 'info' }, tsNs: ns(NOW - 1_000) },
  { labelSet: { service: 'a', level: 'error' }, tsNs: ns(NOW - 2_000) },
  { labelSet: { service: 'b', level: 'info' }, tsNs: ns(NOW - 10 * 60_000) },
  { labelSet: { service: 'b', level: 'info' }, tsNs: ns(NOW - 1_000), tenant: 'other' },
]
const ask = (query: string, extra: Record<string, string> = {}, tenant?: string) => {
  const answer = answerCountQuery(new URLSearchParams({ query, ...extra }), entries, tenant, NOW)
  return { status: answer.status, body: answer.status === 200 ? JSON.parse(answer.body) : answer.body }
}

t.test('counts lines in (time - range, time], per tenant, as a one-sample vector', async (t) => {
  t.strictSame(ask('sum(count_over_time({service=~".+"}[5m]))'), {
    status: 200,
    body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [NOW / 1000, '2'] }], stats: {} } },
  })
  t.equal(ask('sum(count_over_time({service=~".+"}[1h]))').body.data.result[0].value[1], '3')
  t.equal(ask('sum(count_over_time({service="a", level!="error"}[5m]))').body.data.result[0].value[1], '1')
  t.equal(ask('sum(count_over_time({service!~"a|c", level="info"}[1d]))').body.data.result[0].value[1], '1')
  t.equal(ask('sum(count_over_time({service=~".+"}[5m]))', {}, 'other').body.data.result[0].value[1], '1')
  t.strictSame(ask('sum(count_over_time({service="z"}[5m]))').body.data.result, [], 'nothing matched: an empty vector, as Loki')
})

t.test('the time parameter: ns, seconds, RFC 3339', async (t) => {
  const q = 'sum(count_over_time({service="b"}[1m]))'
  const at = NOW - 10 * 60_000 + 1
  t.equal(ask(q, { time: ns(at) }).body.data.result[0].value[1], '1')
  t.equal(ask(q, { time: String(at / 1000) }).body.data.result[0].value[1], '1')
  t.equal(ask(q, { time: new Date(at).toISOString() }).body.data.result[0].value[1], '1')
  t.match(ask(q, { time: 'yesterday' }), { status: 400, body: /invalid parameter "time"/ })
})

t.test('what Loki refuses, and what the double does not evaluate', async (t) => {
  t.match(ask('sum(count_over_time({service=~".*"}[5m]))'), { status: 400, body: /at least one regexp or equality matcher that does not have an empty-compatible value/ })
  t.match(ask('sum(count_over_time({service=}[5m]))'), { status: 400, body: /cannot parse matcher/ })
  t.match(ask('{service="a"} |= "x"'), { status: 400, body: /evaluates only sum\(count_over_time/ })
})
