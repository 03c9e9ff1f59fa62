import t from 'tap'
import { MAX_CORRELATION_ID_LENGTH, correlationIdOf, isCorrelationId } from '../../../agent/transforms/correlation-id.js'

t.test('isCorrelationId accepts 1–128 characters of [A-Za-z0-9._:-] only', async (t) => {
  const valid = ['abc', 'c0ffee-00000001', 'A.b_c:d-E', '0', 'x'.repeat(MAX_CORRELATION_ID_LENGTH), '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']
  const invalid: unknown[] = ['', 'x'.repeat(MAX_CORRELATION_ID_LENGTH + 1), 'has space', 'semi;colon', 'new\nline', 'ünï', 'a/b', 'nul\u0000', 42, null, undefined, true, { id: 'a' }]
  for (const value of valid) t.ok(isCorrelationId(value), `valid: ${value.slice(0, 30)}`)
  for (const value of invalid) t.notOk(isCorrelationId(value), `invalid: ${JSON.stringify(value)?.slice(0, 30)}`)
})

t.test('correlationIdOf reads correlation_id, then correlationId', async (t) => {
  const cases: Array<[Record<string, unknown>, string | null]> = [
    [{ correlation_id: 'abc-1' }, 'abc-1'],
    [{ correlationId: 'abc-2' }, 'abc-2'],
    [{ correlation_id: 'first', correlationId: 'second' }, 'first'],
    [{ correlation_id: null, correlationId: 'second' }, 'second'],
    [{ correlation_id: 'bad id' }, null],
    [{ correlation_id: 12345 }, null],
    [{ trace_id: 'abc' }, null],
    [{}, null],
  ]
  for (const [fields, expected] of cases) t.equal(correlationIdOf(fields), expected, JSON.stringify(fields))
})
