import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createLogger, newCorrelationId, withCorrelation } from '../../sdk/index.js'
import { capture } from './capture.js'

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

t.test('a line has ts, level label, service, event, correlation_id, msg and the fields', async (t) => {
  const out = capture()
  const logger = createLogger({ service: 'auto_executor', destination: out.stream })
  const id = newCorrelationId()
  withCorrelation(id, () => logger.info({ event: 'INTENT_RECEIVED', symbol: 'BTCUSDT', intent_id: 'intent_123', confidence: 0.82 }, 'Intent received: BTCUSDT'))
  const [line] = out.lines
  t.match(line!.ts, ISO_UTC)
  t.ok(Math.abs(Date.parse(line!.ts as string) - Date.now()) < 60_000, 'ts is now')
  t.same(
    { ...line, ts: 'x' },
    { ts: 'x', level: 'info', service: 'auto_executor', event: 'INTENT_RECEIVED', correlation_id: id, msg: 'Intent received: BTCUSDT', symbol: 'BTCUSDT', intent_id: 'intent_123', confidence: 0.82 },
  )
  t.equal(out.raw[0]!.match(/"event"/g)!.length, 1, 'an explicit event is written once, not next to the default')
  t.ok(out.raw[0]!.endsWith('}\n'))
})

t.test('event defaults to LOG; correlation_id only inside a context', async (t) => {
  const out = capture()
  const logger = createLogger({ service: 'svc', destination: out.stream })
  logger.info('outside')
  logger.warn({ symbol: 'ETHUSDT' }, 'outside with fields')
  const id = newCorrelationId()
  withCorrelation(id, () => logger.info('inside'))
  t.same(
    out.lines.map((l) => [l.level, l.event, l.correlation_id, l.msg]),
    [
      ['info', 'LOG', undefined, 'outside'],
      ['warn', 'LOG', undefined, 'outside with fields'],
      ['info', 'LOG', id, 'inside'],
    ],
  )
  t.notOk('correlation_id' in out.lines[0]!)
})

t.test('levels: lowercase labels, filtering, changing the level at run time', async (t) => {
  const out = capture()
  const logger = createLogger({ service: 'svc', level: 'debug', destination: out.stream })
  withCorrelation(newCorrelationId(), () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) logger[level](level)
    logger.level = 'error'
    logger.warn('dropped')
    logger.error('kept')
  })
  t.same(out.lines.map((l) => l.level), ['debug', 'info', 'warn', 'error', 'fatal', 'error'])
  t.equal(logger.level, 'error')
  t.equal(logger.isLevelEnabled('warn'), false)
  t.equal(logger.isLevelEnabled('fatal'), true)
})

t.test('LOG_LEVEL sets the default level', async (t) => {
  const saved = process.env.LOG_LEVEL
  t.teardown(() => (saved === undefined ? delete process.env.LOG_LEVEL : (process.env.LOG_LEVEL = saved)))
  process.env.LOG_LEVEL = 'WARN'
  t.equal(createLogger({ service: 'svc', destination: capture().stream }).level, 'warn')
  process.env.LOG_LEVEL = 'nonsense'
  t.equal(createLogger({ service: 'svc', destination: capture().stream }).level, 'info')
})

t.test('errors are serialized with type, message and stack, under any key', async (t) => {
  const out = capture()
  const logger = createLogger({ service: 'svc', destination: out.stream })
  const cause = new RangeError('too far')
  logger.error(new TypeError('boom', { cause }))
  logger.error({ err: new Error('under err') }, 'failed')
  logger.warn({ error: new SyntaxError('under error'), attempt: 2 }, 'retrying')
  const [direct, underErr, underError] = out.lines as Array<Record<string, Record<string, unknown>>>
  t.match(direct!.err, { type: 'TypeError', message: 'boom', stack: /TypeError: boom\n\s+at / })
  t.equal(direct!.msg, 'boom' as unknown, 'the message defaults to the error message')
  t.match(JSON.stringify(direct!.err), /too far/, 'the cause is kept')
  t.match(underErr!.err, { type: 'Error', message: 'under err', stack: /Error: under err/ })
  t.match(underError!.error, { type: 'SyntaxError', message: 'under error', stack: /SyntaxError: under error/ })
})

t.test('child loggers add bindings and keep the correlation id', async (t) => {
  const out = capture()
  const logger = createLogger({ service: 'svc', destination: out.stream })
  const child = logger.child({ component: 'risk' })
  const id = newCorrelationId()
  withCorrelation(id, () => {
    child.info('from child')
    logger.info('from parent')
  })
  t.match(out.lines[0], { component: 'risk', correlation_id: id, service: 'svc', event: 'LOG' })
  t.notOk('component' in out.lines[1]!)
  t.equal(child.service, 'svc')
})

t.test('a file destination is appended to, flushed and closed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-logger-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'nested', 'svc.log')
  const logger = createLogger({ service: 'svc', destination: file })
  for (let i = 0; i < 100; i++) logger.info({ i }, 'line')
  await logger.flush()
  t.equal(readFileSync(file, 'utf8').trim().split('\n').length, 100)
  logger.info({ i: 100 }, 'last')
  await logger.close()
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { i: number })
  t.same(lines.map((l) => l.i), Array.from({ length: 101 }, (_, i) => i))
})

t.test('bad options throw naming what was expected and received', async (t) => {
  t.throws(() => createLogger({ service: '' }), { message: /options.service to be a non-empty string, received ""/ })
  t.throws(() => createLogger({} as never), { message: /received undefined/ })
  t.throws(() => createLogger({ service: 'svc', level: 'verbose' as never }), { message: /one of trace, debug, info, warn, error, fatal, received "verbose"/ })
  t.throws(() => createLogger({ service: 'svc', destination: -1 }), { message: /file descriptor or a path/ })
})
