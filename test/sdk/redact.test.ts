import t from 'tap'
import { createLogger, DEFAULT_REDACT_KEYS } from '../../sdk/index.js'
import { capture } from './capture.js'

function logOnce(fields: object, options: Parameters<typeof createLogger>[0]['redact'] = undefined): Record<string, unknown> {
  const out = capture()
  createLogger({ service: 'svc', destination: out.stream, redact: options }).info(fields, 'm')
  return out.lines[0]!
}

t.test('default keys are redacted at the top level and nested at any depth', async (t) => {
  const line = logOnce({
    password: 'p',
    token: 't',
    secret: 's',
    api_key: 'k1',
    apiKey: 'k2',
    cookie: 'c',
    authorization: 'Bearer x',
    req: { headers: { Authorization: 'Bearer y', 'Set-Cookie': ['a=b'], accept: 'json' } },
    deep: { a: { b: { c: { d: { password: 'deep' } } } } },
    list: [{ token: 'in-array' }, 'plain'],
    symbol: 'BTCUSDT',
  })
  t.same(line.password, '[Redacted]')
  t.same(line.token, '[Redacted]')
  t.same(line.secret, '[Redacted]')
  t.same(line.api_key, '[Redacted]')
  t.same(line.apiKey, '[Redacted]')
  t.same(line.cookie, '[Redacted]')
  t.same(line.authorization, '[Redacted]')
  t.same(line.req, { headers: { Authorization: '[Redacted]', 'Set-Cookie': '[Redacted]', accept: 'json' } })
  t.same(line.deep, { a: { b: { c: { d: { password: '[Redacted]' } } } } })
  t.same(line.list, [{ token: '[Redacted]' }, 'plain'])
  t.equal(line.symbol, 'BTCUSDT')
  t.ok(DEFAULT_REDACT_KEYS.includes('authorization'))
})

t.test('secrets on errors and in child bindings are redacted too', async (t) => {
  const out = capture()
  const logger = createLogger({ service: 'svc', destination: out.stream })
  const err = Object.assign(new Error('request failed'), { config: { headers: { authorization: 'Bearer z' } } })
  logger.error(err)
  logger.child({ token: 'bound', user: 'ann' }).info('child')
  t.match(out.lines[0]!.err, { message: 'request failed', config: { headers: { authorization: '[Redacted]' } } })
  t.match(out.lines[1], { token: '[Redacted]', user: 'ann' })
  t.notMatch(out.raw.join(''), /Bearer z|bound/)
})

t.test("the caller's objects are not mutated", async (t) => {
  const fields = { user: { password: 'keep-me' }, list: [{ token: 'x' }] }
  logOnce(fields)
  t.same(fields, { user: { password: 'keep-me' }, list: [{ token: 'x' }] })
})

t.test('keys and censor are configurable; false turns redaction off', async (t) => {
  t.match(logOnce({ ssn: '123', password: 'p' }, { keys: ['ssn'], censor: '***' }), { ssn: '***', password: 'p' })
  t.match(logOnce({ ssn: '1', password: 'p' }, { keys: [...DEFAULT_REDACT_KEYS, 'ssn'] }), { ssn: '[Redacted]', password: '[Redacted]' })
  t.match(logOnce({ password: 'p' }, false), { password: 'p' })
  t.throws(() => createLogger({ service: 'svc', destination: capture().stream, redact: { keys: 'password' as never } }), { message: /array of strings/ })
})

t.test('a reference cycle is cut instead of hanging', async (t) => {
  const cyclic: Record<string, unknown> = { name: 'loop' }
  cyclic.self = cyclic
  const line = logOnce({ cyclic })
  t.match(JSON.stringify(line), /Too deep|Circular/)
})
