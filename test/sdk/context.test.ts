import { EventEmitter, once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { bindCorrelation, correlationId, createLogger, newCorrelationId, withCorrelation } from '../../sdk/index.js'
import { capture } from './capture.js'

t.test('outside any context there is no id', async (t) => {
  t.equal(correlationId(), undefined)
})

t.test('the id survives await, timers, setImmediate and nextTick', async (t) => {
  const id = newCorrelationId()
  const seen = await withCorrelation(id, async () => {
    const ids: Array<string | undefined> = []
    await sleep(5)
    ids.push(correlationId())
    await new Promise<void>((resolve) => setTimeout(() => (ids.push(correlationId()), resolve()), 5))
    await new Promise<void>((resolve) => setImmediate(() => (ids.push(correlationId()), resolve())))
    await new Promise<void>((resolve) => process.nextTick(() => (ids.push(correlationId()), resolve())))
    return ids
  })
  t.same(seen, [id, id, id, id])
  t.equal(correlationId(), undefined, 'the context ends with withCorrelation')
})

t.test('the id survives EventEmitter listeners called from inside the context', async (t) => {
  const emitter = new EventEmitter()
  const id = newCorrelationId()
  const seen = withCorrelation(id, async () => {
    const received = once(emitter, 'tick')
    setTimeout(() => emitter.emit('tick', correlationId()), 5)
    const [emittedWith] = await received
    return [emittedWith, correlationId()]
  })
  t.same(await seen, [id, id])
})

t.test('bindCorrelation keeps a listener in its context when another context emits', async (t) => {
  const emitter = new EventEmitter()
  const owner = newCorrelationId()
  const seen: Array<string | undefined> = []
  withCorrelation(owner, () => {
    emitter.on('bound', bindCorrelation(() => seen.push(correlationId())))
  })
  emitter.on('unbound', () => seen.push(correlationId()))
  const other = newCorrelationId()
  withCorrelation(other, () => {
    emitter.emit('bound')
    emitter.emit('unbound')
  })
  t.same(seen, [owner, other])
})

t.test('Promise.all fan-out keeps the id in every branch, nested contexts do not leak', async (t) => {
  const outer = newCorrelationId()
  const inner = newCorrelationId()
  const result = await withCorrelation(outer, async () => {
    const branches = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await sleep(i % 3)
        return correlationId()
      }),
    )
    const nested = await withCorrelation(inner, async () => {
      await sleep(1)
      return correlationId()
    })
    return { branches, nested, after: correlationId() }
  })
  t.ok(result.branches.every((id) => id === outer))
  t.equal(result.nested, inner)
  t.equal(result.after, outer)
})

t.test('withCorrelation rejects an invalid id instead of carrying it into logs', async (t) => {
  t.throws(() => withCorrelation('bad\r\nid', () => 1), TypeError)
  t.throws(() => withCorrelation('x'.repeat(10_000), () => 1), { message: /a string of 10000 characters/ })
  t.throws(() => withCorrelation(undefined as unknown as string, () => 1), { message: /received undefined/ })
})

t.test('1,000 concurrent requests each log only their own id', async (t) => {
  const out = capture()
  const logger = createLogger({ service: 'concurrency', destination: out.stream })
  const ids = Array.from({ length: 1000 }, () => newCorrelationId())
  await Promise.all(
    ids.map((id, i) =>
      withCorrelation(id, async () => {
        logger.info({ request: i, step: 1 }, 'start')
        await sleep(i % 7)
        const emitter = new EventEmitter()
        emitter.on('done', () => logger.info({ request: i, step: 2 }, 'emitted'))
        await new Promise<void>((resolve) => setTimeout(() => (emitter.emit('done'), resolve()), i % 5))
        await Promise.all([sleep(i % 3).then(() => logger.info({ request: i, step: 3 }, 'fan-out'))])
      }),
    ),
  )
  t.equal(out.lines.length, 3000)
  const mismatched = out.lines.filter((line) => line.correlation_id !== ids[line.request as number])
  t.same(mismatched, [], 'every line carries the id of the request that logged it')
})
