import { Redis } from 'ioredis'
import t from 'tap'
import type { Test } from 'tap'
import { consumeEvents, correlationId, createLogger, newCorrelationId, publishEvent, withCorrelation } from '../../../sdk/index.js'
import type { ConsumeOptions, StreamEntry } from '../../../sdk/index.js'
import { startRedis } from '../../support/redis-server.js'
import { capture } from '../capture.js'

const server = await startRedis()
const redis = new Redis(server.url, { maxRetriesPerRequest: null })
t.teardown(async () => {
  redis.disconnect()
  await server.stop()
})

let streamCounter = 0

/** A consumer on a fresh stream, logging into a capture, stopped at teardown. */
function start(t: Test, overrides: Partial<ConsumeOptions> & Pick<ConsumeOptions, 'handler'>) {
  const out = capture()
  const stream = overrides.stream ?? `stream-${++streamCounter}`
  const consumer = consumeEvents({ redis, stream, group: 'executors', consumer: 'c1', logger: createLogger({ service: 'auto_executor', destination: out.stream }), blockMs: 100, ...overrides })
  t.teardown(() => consumer.stop())
  return { out, stream, consumer }
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const pendingCount = async (stream: string) => ((await redis.xpending(stream, 'executors')) as [number])[0]

t.test('each handler runs in its entry correlation context; entries are acked after success', async (t) => {
  const handled: Array<{ entry: StreamEntry; current: string | undefined }> = []
  const { stream, out } = start(t, {
    handler: async (entry) => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      handled.push({ entry, current: correlationId() })
    },
  })
  const ids = [newCorrelationId(), newCorrelationId(), newCorrelationId()]
  for (const [i, id] of ids.entries()) await withCorrelation(id, () => publishEvent(redis, stream, { n: i }))
  await until('3 entries', () => handled.length === 3)
  t.same(handled.map((h) => [h.entry.correlationId, h.current, h.entry.fields.n]), ids.map((id, i) => [id, id, String(i)]))
  await until('acks', async () => (await pendingCount(stream)) === 0)
  t.same(out.lines, [], 'nothing to complain about')
})

t.test('an entry without a valid correlation_id gets a new one, logged as generated', async (t) => {
  const handled: StreamEntry[] = []
  const { stream, out } = start(t, { handler: (entry) => void handled.push(entry) })
  await redis.xadd(stream, '*', 'symbol', 'BTCUSDT')
  await redis.xadd(stream, '*', 'correlation_id', 'bad"id', 'symbol', 'ETHUSDT')
  await until('2 entries', () => handled.length === 2)
  t.match(handled[0]!.correlationId, /^[0-9a-f-]{36}$/)
  t.match(out.lines, [
    { level: 'warn', event: 'CORRELATION_ID_GENERATED', reason: 'missing', correlation_id: handled[0]!.correlationId, entry_id: handled[0]!.id },
    { level: 'warn', event: 'CORRELATION_ID_GENERATED', reason: 'invalid', correlation_id: handled[1]!.correlationId },
  ])
  t.notMatch(out.raw.join(''), /bad\\"id/)
})

t.test('a throwing handler is logged, not fatal; its entry stays pending and is retried', async (t) => {
  let attempts = 0
  const handled: string[] = []
  const { stream, out } = start(t, {
    claimIdleMs: 300,
    handler: (entry) => {
      if (entry.fields.kind === 'flaky' && ++attempts === 1) throw new Error('exchange unavailable')
      handled.push(entry.fields.kind!)
    },
  })
  const id = newCorrelationId()
  await withCorrelation(id, () => publishEvent(redis, stream, { kind: 'flaky' }))
  await publishEvent(redis, stream, { kind: 'next' })
  await until('the next entry', () => handled.includes('next'))
  t.match(out.lines[0], { level: 'error', event: 'STREAM_HANDLER_FAILED', correlation_id: id, err: { message: 'exchange unavailable', stack: /Error/ } })
  t.match(out.lines[0]!.msg, /stays pending/)
  await until('the retry', () => handled.includes('flaky'))
  t.equal(attempts, 2)
  await until('acks', async () => (await pendingCount(stream)) === 0)
})

t.test("a crashed consumer's pending entries are claimed and handled with their correlation id", async (t) => {
  const stream = `stream-${++streamCounter}`
  await redis.xgroup('CREATE', stream, 'executors', '0', 'MKSTREAM')
  const id = newCorrelationId()
  await withCorrelation(id, () => publishEvent(redis, stream, { symbol: 'SOLUSDT' }))
  // The crashed consumer: read, never acked.
  await redis.xreadgroup('GROUP', 'executors', 'crashed', 'COUNT', 10, 'STREAMS', stream, '>')
  t.equal(await pendingCount(stream), 1)
  const handled: Array<[string, string | undefined]> = []
  start(t, { stream, consumer: 'survivor', claimIdleMs: 200, handler: (entry) => void handled.push([entry.fields.symbol!, correlationId()]) })
  await until('the claimed entry', () => handled.length === 1)
  t.same(handled, [['SOLUSDT', id]])
  await until('acks', async () => (await pendingCount(stream)) === 0)
})

t.test('a consumer restarted under the same name resumes its own pending entries first', async (t) => {
  const stream = `stream-${++streamCounter}`
  await redis.xgroup('CREATE', stream, 'executors', '0', 'MKSTREAM')
  await publishEvent(redis, stream, { n: 1 })
  await redis.xreadgroup('GROUP', 'executors', 'c1', 'COUNT', 10, 'STREAMS', stream, '>')
  const handled: string[] = []
  start(t, { stream, claimIdleMs: 60_000, handler: (entry) => void handled.push(entry.fields.n!) })
  await until('the pending entry', () => handled.length === 1)
  t.same(handled, ['1'])
})

t.test('stop() ends a blocked read promptly and is safe twice', async (t) => {
  const { consumer } = start(t, { blockMs: 30_000, handler: () => {} })
  await new Promise((resolve) => setTimeout(resolve, 200))
  const started = Date.now()
  await consumer.stop()
  await consumer.stop()
  t.ok(Date.now() - started < 5_000, 'did not wait for the 30 s block')
})

t.test('the consumer survives a Redis restart and keeps consuming', async (t) => {
  const handled: string[] = []
  const { stream, out } = start(t, { handler: (entry) => void handled.push(entry.fields.n!) })
  await publishEvent(redis, stream, { n: 'before' })
  await until('before', () => handled.includes('before'))
  await server.restart()
  await until('publish after restart', async () => {
    try {
      return await publishEvent(redis, stream, { n: 'after' })
    } catch {
      return undefined
    }
  })
  await until('after', () => handled.includes('after'), 15_000)
  t.ok(out.lines.some((l) => l.event === 'STREAM_CONSUMER_ERROR'), 'the outage was logged')
})

t.test('bad options throw', async (t) => {
  t.throws(() => consumeEvents({ redis, stream: '', group: 'g', consumer: 'c', handler: () => {} }), { message: /stream to be a non-empty string/ })
  t.throws(() => consumeEvents({ redis, stream: 's', group: 'g', consumer: 'c', handler: 'x' as never }), { message: /handler to be a function/ })
})
