import { Redis } from 'ioredis'
import t from 'tap'
import { correlationId, newCorrelationId, publishEvent, withCorrelation } from '../../../sdk/index.js'
import { startRedis } from '../../support/redis-server.js'

const server = await startRedis()
const redis = new Redis(server.url)
t.teardown(async () => {
  redis.disconnect()
  await server.stop()
})

t.test('publishEvent adds the current correlation id to the entry', async (t) => {
  const id = newCorrelationId()
  const published = await withCorrelation(id, () => publishEvent(redis, 'intents', { symbol: 'BTCUSDT', confidence: 0.82 }))
  t.equal(published.correlationId, id)
  const [[entryId, fields]] = (await redis.xrange('intents', published.id, published.id)) as [[string, string[]]]
  t.equal(entryId, published.id)
  t.same(fields, ['correlation_id', id, 'symbol', 'BTCUSDT', 'confidence', '0.82'])
})

t.test('outside a context a new id is generated; a correlation_id field is replaced', async (t) => {
  const published = await publishEvent(redis, 'intents', { correlation_id: 'forged\r\n', symbol: 'ETHUSDT' })
  t.match(published.correlationId, /^[0-9a-f-]{36}$/)
  const [[, fields]] = (await redis.xrange('intents', published.id, published.id)) as [[string, string[]]]
  t.same(fields, ['correlation_id', published.correlationId, 'symbol', 'ETHUSDT'])
})

t.test('ioredis callbacks and promises keep the correlation id', async (t) => {
  const ids = Array.from({ length: 200 }, () => newCorrelationId())
  const seen = await Promise.all(
    ids.map((id) =>
      withCorrelation(id, async () => {
        const viaPromise = await redis.set(`k:${id}`, id).then(() => redis.get(`k:${id}`)).then(() => correlationId())
        const viaCallback = await new Promise((resolve, reject) => redis.get(`k:${id}`, (err) => (err ? reject(err) : resolve(correlationId()))))
        const viaPipeline = await redis.pipeline().get(`k:${id}`).exec().then(() => correlationId())
        return [viaPromise, viaCallback, viaPipeline]
      }),
    ),
  )
  t.same(seen, ids.map((id) => [id, id, id]))
})
