import t from 'tap'
import { isValidCorrelationId, MAX_CORRELATION_ID_LENGTH, newCorrelationId, traceIdFromTraceparent } from '../../sdk/correlation-id.js'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('isValidCorrelationId accepts 1-128 chars of [A-Za-z0-9._:-] only', async (t) => {
  const cases: Array<[unknown, boolean]> = [
    ['a1b2c3', true],
    ['req_1.2:3-4', true],
    [newCorrelationId(), true],
    ['x'.repeat(MAX_CORRELATION_ID_LENGTH), true],
    ['x'.repeat(MAX_CORRELATION_ID_LENGTH + 1), false],
    ['x'.repeat(10 * 1024), false],
    ['', false],
    ['abc\r\nx-injected: 1', false],
    ['abc\n', false],
    ['a"b', false],
    ["a'b", false],
    ['a b', false],
    ['a/b', false],
    ['ümlaut', false],
    [undefined, false],
    [42, false],
  ]
  for (const [value, expected] of cases) {
    t.equal(isValidCorrelationId(value), expected, JSON.stringify(value)?.slice(0, 40) ?? String(value))
  }
})

t.test('newCorrelationId returns distinct UUID v4s', async (t) => {
  const ids = new Set(Array.from({ length: 1000 }, () => newCorrelationId()))
  t.equal(ids.size, 1000)
  for (const id of ids) t.match(id, UUID_V4)
})

t.test('traceIdFromTraceparent follows W3C trace-context', async (t) => {
  const trace = '4bf92f3577b34da6a3ce929d0e0e4736'
  const cases: Array<[unknown, string | undefined]> = [
    [`00-${trace}-00f067aa0ba902b7-01`, trace],
    [`00-${trace}-00f067aa0ba902b7-00`, trace],
    [`01-${trace}-00f067aa0ba902b7-01-future-field`, trace],
    [`00-${trace}-00f067aa0ba902b7-01-extra`, undefined],
    [`ff-${trace}-00f067aa0ba902b7-01`, undefined],
    [`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, undefined],
    [`00-${trace}-${'0'.repeat(16)}-01`, undefined],
    [`00-${trace.toUpperCase()}-00f067aa0ba902b7-01`, undefined],
    [`00-${trace}-00f067aa0ba902b7`, undefined],
    ['garbage', undefined],
    [undefined, undefined],
  ]
  for (const [value, expected] of cases) t.equal(traceIdFromTraceparent(value), expected, String(value))
})
