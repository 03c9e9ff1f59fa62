/**
 * harvest against a real redis-server: hashes with last_update_epoch (s and
 * ms), with only computed_at_utc (in the forms Python's isoformat writes),
 * with neither (no last_update series: never the exporter's clock), and an
 * action that changes between scrapes.
 */
import t from 'tap'
import { matchGolden, promtoolCheck, redisForTest, sample, startPlugin, withoutBuildLabels } from '../../support/plugin-harness.js'

// The plugin's clock is far from every stored time: a value equal to it would be the exporter's own clock leaking in.
const NOW = 1767435330000
const golden = (name: string) => new URL(`./golden/${name}`, import.meta.url)
const { server, redis } = await redisForTest(t)

const key = (symbol: string) => `quantum:harvest:proposal:${symbol}`

t.test('golden /metrics over two scrapes, promtool-clean', async (t) => {
  await redis.flushall()
  await redis.hset(key('BTCUSDT'), { harvest_action: 'HOLD', kill_score: '0.25', last_update_epoch: '1767430000', computed_at_utc: '2026-01-03T08:00:00' })
  await redis.hset(key('ETHUSDT'), { harvest_action: 'HARVEST', kill_score: '0.9', last_update_epoch: '1767430000123' })
  await redis.hset(key('SOLUSDT'), { harvest_action: 'HOLD', kill_score: '0.1', computed_at_utc: '2026-01-03T09:30:00.123456' })
  await redis.hset(key('XRPUSDT'), { harvest_action: 'KILL', kill_score: 'n/a', computed_at_utc: '2026-01-03 09:45:00+00:00' })
  await redis.hset(key('ADAUSDT'), { harvest_action: 'HOLD', kill_score: '0.4' })
  await redis.hset(key('DOGEUSDT'), { kill_score: '0.5', last_update_epoch: 'garbage', computed_at_utc: 'not a date' })
  await redis.set('quantum:harvest:other', 'x')
  const plugin = await startPlugin(t, 'harvest', { redis: { url: server.url } }, () => NOW)

  const first = await plugin.registry.metrics()
  matchGolden(t, golden('harvest-1.prom'), withoutBuildLabels(first))
  t.same(promtoolCheck(first), { status: 0, output: '' }, 'promtool check metrics is clean')
  t.notMatch(first, /quantum_harvest_last_update_epoch\{symbol="(ADAUSDT|DOGEUSDT)"\}/, 'no time without one in Redis')
  t.notMatch(first, new RegExp(` ${NOW / 1000}$`, 'm'), "the exporter's clock appears nowhere")

  await redis.hset(key('BTCUSDT'), 'harvest_action', 'HARVEST')
  await redis.del(key('ETHUSDT'))
  const second = await plugin.registry.metrics()
  matchGolden(t, golden('harvest-2.prom'), withoutBuildLabels(second))
  t.notMatch(second, /symbol="BTCUSDT",action="HOLD"/, 'the old action is removed')
  t.notMatch(second, /ETHUSDT/, 'a deleted hash leaves no series')
})

t.test('configured symbols and field names; a listed symbol without a hash has no series', async (t) => {
  await redis.flushall()
  await redis.hset('hv:BTCUSDT', { act: 'HOLD', ks: '1', upd: '1767430000' })
  await redis.hset('hv:IGNORED', { act: 'HOLD', ks: '2', upd: '1767430000' })
  const plugin = await startPlugin(
    t,
    'harvest',
    { redis: { url: server.url }, key_prefix: 'hv:', symbols: ['BTCUSDT', 'MISSING'], fields: { action: 'act', kill_score: 'ks', last_update: 'upd' } },
    () => NOW,
  )
  const text = await plugin.registry.metrics()
  t.equal(sample(text, 'quantum_harvest_last_update_epoch{symbol="BTCUSDT"}'), 1767430000)
  t.equal(sample(text, 'quantum_harvest_kill_score{symbol="BTCUSDT"}'), 1)
  t.equal(sample(text, 'quantum_harvest_action_info{symbol="BTCUSDT",action="HOLD"}'), 1)
  t.notMatch(text, /IGNORED|MISSING/)
  t.equal(sample(text, 'quantum_harvest_redis_up'), 1)
})
