/** The publisher's freshness helper against a real redis-server, read back by the harvest plugin as Prometheus would see it. */
import t from 'tap'
import { Redis } from 'ioredis'
import { Registry } from 'prom-client'
import { createFreshness, RATE_LIMITED_METRIC } from '../../sdk/index.js'
import { sample, startPlugin } from '../support/plugin-harness.js'
import { startRedis } from '../support/redis-server.js'

const server = await startRedis()
const redis = new Redis(server.url)
t.teardown(async () => {
  redis.disconnect()
  await server.stop()
})

t.test('every cycle writes last_update_epoch; a rate-limited one writes only that and is counted', async (t) => {
  let nowMs = 1767430000500
  const freshness = createFreshness({ redis, now: () => nowMs })
  await freshness.publish('BTCUSDT', { harvest_action: 'HOLD', kill_score: 0.25, computed_at_utc: '2026-01-03T08:46:40' })
  t.same(await redis.hgetall('quantum:harvest:proposal:BTCUSDT'), {
    harvest_action: 'HOLD',
    kill_score: '0.25',
    computed_at_utc: '2026-01-03T08:46:40',
    last_update_epoch: '1767430000',
  })

  nowMs += 30_000
  await freshness.rateLimited('BTCUSDT')
  await freshness.rateLimited('BTCUSDT')
  const stored = await redis.hgetall('quantum:harvest:proposal:BTCUSDT')
  t.equal(stored.last_update_epoch, '1767430030', 'the skipped cycle still moves the time')
  t.equal(stored.computed_at_utc, '2026-01-03T08:46:40', 'and leaves the proposal alone')
  t.match(await freshness.registry.metrics(), new RegExp(`^${RATE_LIMITED_METRIC}\\{symbol="BTCUSDT"\\} 2$`, 'm'))

  // What the exporter then serves: the publisher's time, not the proposal's.
  const plugin = await startPlugin(t, 'harvest', { redis: { url: server.url } })
  t.equal(sample(await plugin.registry.metrics(), 'quantum_harvest_last_update_epoch{symbol="BTCUSDT"}'), 1767430030)
})

t.test('a registry the service passes, shared by two helpers; custom key and field', async (t) => {
  const registry = new Registry()
  const a = createFreshness({ redis, registry, key: (symbol) => `a:${symbol}`, field: 'seen', now: () => 1767430000000 })
  const b = createFreshness({ redis, registry, key: (symbol) => `b:${symbol}` })
  t.equal(a.registry, registry)
  await a.rateLimited('ETHUSDT')
  await b.rateLimited('SOLUSDT')
  t.equal(await redis.hget('a:ETHUSDT', 'seen'), '1767430000')
  t.ok(Number(await redis.hget('b:SOLUSDT', 'last_update_epoch')) > 1e9, 'the default field, in seconds')
  const text = await registry.metrics()
  t.match(text, /^quantum_harvest_publish_rate_limited_total\{symbol="ETHUSDT"\} 1$/m)
  t.match(text, /^quantum_harvest_publish_rate_limited_total\{symbol="SOLUSDT"\} 1$/m)
  t.throws(() => createFreshness({ redis, key: 'quantum:harvest:proposal:X' as never }), /key must be a function of the symbol, received string/)
})
