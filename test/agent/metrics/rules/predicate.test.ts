import t from 'tap'
import { Match } from '../../../../agent/metrics/rules/config.js'
import { compileMatch, fieldReader } from '../../../../agent/metrics/rules/predicate.js'
import { logEvent } from '../fixtures/events.js'

const line = logEvent(0, {
  level: 'error',
  service: 'orders',
  event: 'ORDER_RESPONSE',
  correlationId: 'c-1',
  fields: { status: 'REJECTED', http: { status: 503 }, 'a.b': 'literal', ok: false, qty: 10, tags: ['x'] },
})

const cases: Array<[string, Record<string, unknown>, boolean]> = [
  ['empty match', {}, true],
  ['normalised event', { event: 'ORDER_RESPONSE' }, true],
  ['level in upper case', { level: 'ERROR' }, true],
  ['level in list, any case', { level: { in: ['WARN', 'Error'] } }, true],
  ['service mismatch', { service: 'gateway' }, false],
  ['correlation id', { correlation_id: 'c-1' }, true],
  ['field in list', { status: { in: ['REJECTED', 'ERROR'] } }, true],
  ['field not in list', { status: { in: ['FILLED'] } }, false],
  ['number compared as text', { qty: 10 }, true],
  ['number given as text', { qty: '10' }, true],
  ['boolean', { ok: false }, true],
  ['regex is anchored', { status: { regex: 'REJ' } }, false],
  ['regex matching the whole value', { status: { regex: 'REJ.*' } }, true],
  ['nested path', { 'http.status': 503 }, true],
  ['literal dotted key wins', { 'a.b': 'literal' }, true],
  ['missing nested path', { 'http.nope.deeper': { exists: true } }, false],
  ['exists', { status: { exists: true } }, true],
  ['not exists', { missing: { exists: false } }, true],
  ['arrays are not scalars', { tags: { exists: true } }, false],
  ['not', { status: { not: { in: ['FILLED'] } } }, true],
  ['not of a match', { status: { not: 'REJECTED' } }, false],
  ['all must hold', { event: 'ORDER_RESPONSE', service: 'gateway' }, false],
  ['all hold', { event: 'ORDER_RESPONSE', service: 'orders', status: { regex: 'REJECTED|ERROR' } }, true],
]

for (const [name, match, expected] of cases) {
  t.test(name, async (t) => {
    t.equal(compileMatch(Match.parse(match))(line), expected)
  })
}

t.test('a line that is not JSON has no fields but keeps its normalised ones', async (t) => {
  const raw = logEvent(0, { fields: null, level: 'unknown' })
  t.equal(compileMatch(Match.parse({ status: { exists: false }, level: 'unknown' }))(raw), true)
  t.equal(fieldReader('http.status')(raw), undefined)
  t.equal(fieldReader('correlation_id')(raw), undefined)
})
