/**
 * safety_telemetry against a real redis-server, its clock pinned so the
 * /metrics text is golden: faults with ts in ms, in s, missing, garbage and
 * 0 (time from the entry id), a top 5 that shifts between scrapes, safe mode
 * with EX 300 and then deleted.
 */
import t from 'tap'
import { matchGolden, promtoolCheck, redisForTest, sample, startPlugin, withoutBuildLabels } from '../../support/plugin-harness.js'

// 2026-01-03T10:15:30Z: half-way through a minute, so the current bucket is unambiguous.
const NOW = 1767435330000
const MINUTE = Math.floor(NOW / 60_000)
const MIN = 60_000
const golden = (name: string) => new URL(`./golden/${name}`, import.meta.url)

const { server, redis } = await redisForTest(t)

async function seed(): Promise<void> {
  const faults = 'quantum:stream:safety.fault'
  await redis.xadd(faults, `${NOW - 120 * MIN}-0`, 'reason', 'stale', 'symbol', 'BTCUSDT', 'side', 'BUY', 'ts', String(NOW - 120 * MIN))
  await redis.xadd(faults, `${NOW - 30 * MIN}-0`, 'reason', 'slippage', 'symbol', 'BTCUSDT', 'side', 'BUY', 'ts', String(NOW - 30 * MIN)) // ms
  await redis.xadd(faults, `${NOW - 20 * MIN}-0`, 'reason', 'latency', 'symbol', 'ETHUSDT', 'side', 'SELL', 'ts', String((NOW - 20 * MIN) / 1000)) // s
  await redis.xadd(faults, `${NOW - 10 * MIN}-0`, 'reason', 'reject', 'symbol', 'SOLUSDT', 'side', 'BUY') // no ts
  await redis.xadd(faults, `${NOW - 5 * MIN}-0`, 'reason', 'reject', 'symbol', 'SOLUSDT', 'side', 'SELL', 'ts', 'yesterday') // garbage
  await redis.xadd(faults, `${NOW - 2 * MIN}-7`, 'reason', 'kill_switch', 'ts', '-5') // negative: the id's time, 7th entry of its ms
  const intents = 'quantum:stream:trade.intent'
  for (const ageMs of [90_000, 30_000, 10_000]) await redis.xadd(intents, `${NOW - ageMs}-0`, 'symbol', 'BTCUSDT')
  await redis.set('quantum:safety:safe_mode', '1', 'EX', 300)
  await redis.set(`quantum:safety:rate:global:${MINUTE}`, 17)
  await redis.set(`quantum:safety:rate:global:${MINUTE - 1}`, 99)
  const counts = { BTCUSDT: 9, ETHUSDT: 5, SOLUSDT: 5, XRPUSDT: 2, ADAUSDT: 1, DOGEUSDT: 1 }
  for (const [symbol, count] of Object.entries(counts)) await redis.set(`quantum:safety:rate:symbol:${symbol}:${MINUTE}`, count)
  await redis.set(`quantum:safety:rate:symbol:BTCUSDT:${MINUTE - 1}`, 100)
}

/** The TTL counts down in real time: golden files hold a placeholder, the test checks the value. */
const withoutTtl = (text: string) => withoutBuildLabels(text).replace(/^(quantum_safety_safe_mode_ttl_seconds) \d+$/m, '$1 TTL')

t.test('golden /metrics across three scrapes, promtool-clean', async (t) => {
  await redis.flushall()
  await seed()
  const plugin = await startPlugin(t, 'safety_telemetry', { redis: { url: server.url } }, () => NOW)

  const first = await plugin.registry.metrics()
  const ttl = sample(first, 'quantum_safety_safe_mode_ttl_seconds')!
  t.ok(ttl > 290 && ttl <= 300, `TTL about 300 s (${ttl})`)
  matchGolden(t, golden('safety-1.prom'), withoutTtl(first))
  t.same(promtoolCheck(first), { status: 0, output: '' }, 'promtool check metrics is clean')

  // Two new faults, a new newest fault, safe mode off, and the top 5 shifts: BTCUSDT leaves, DOGEUSDT leads.
  await redis.xadd('quantum:stream:safety.fault', `${NOW - MIN}-0`, 'reason', 'drawdown', 'symbol', 'ETHUSDT', 'side', 'SELL', 'ts', String(NOW - MIN))
  await redis.xadd('quantum:stream:safety.fault', `${NOW - MIN}-1`, 'reason', 'drawdown', 'symbol', 'XRPUSDT', 'side', 'BUY', 'ts', String((NOW - MIN) / 1000))
  await redis.del('quantum:safety:safe_mode', `quantum:safety:rate:symbol:BTCUSDT:${MINUTE}`)
  await redis.set(`quantum:safety:rate:symbol:DOGEUSDT:${MINUTE}`, 20)
  const second = await plugin.registry.metrics()
  matchGolden(t, golden('safety-2.prom'), withoutBuildLabels(second))
  t.notMatch(second, /symbol="BTCUSDT"/, 'no series left behind by a symbol that left the top 5, nor by the old last fault')
  t.notMatch(second, /reason="kill_switch"/, 'the previous last_fault_info label set is removed')
  t.same(promtoolCheck(second), { status: 0, output: '' })

  // Nothing new: the counter stays, the gauges are re-read.
  const third = await plugin.registry.metrics()
  t.equal(sample(third, 'quantum_safety_faults_observed_total'), 2)
  t.equal(sample(third, 'quantum_safety_exporter_scrapes_total'), 3)
})

t.test('an empty Redis: zeros, -2 for the absent safe mode key, no last_fault_info, empty ranks and "none"', async (t) => {
  await redis.flushall()
  const plugin = await startPlugin(t, 'safety_telemetry', { redis: { url: server.url } }, () => NOW)
  const text = await plugin.registry.metrics()
  matchGolden(t, golden('safety-empty.prom'), withoutBuildLabels(text))
  t.same(promtoolCheck(text), { status: 0, output: '' })
})

t.test('a configured symbol list is read without SCAN; custom key names and fault fields are honoured', async (t) => {
  await redis.flushall()
  await redis.set(`rl:sym:BTCUSDT:${MINUTE}`, 3)
  await redis.set(`rl:sym:ETHUSDT:${MINUTE}`, 4)
  await redis.set(`rl:sym:NOTLISTED:${MINUTE}`, 50)
  await redis.xadd('faults', `${NOW - MIN}-0`, 'why', 'manual', 'at', String(NOW / 1000))
  const plugin = await startPlugin(
    t,
    'safety_telemetry',
    {
      redis: { url: server.url },
      symbols: ['BTCUSDT', 'ETHUSDT', 'MISSING'],
      keys: { rate_symbol_prefix: 'rl:sym:', fault_stream: 'faults' },
      fault_fields: { reason: 'why', ts: 'at' },
    },
    () => NOW,
  )
  const text = await plugin.registry.metrics()
  t.equal(sample(text, 'quantum_safety_rate_symbol_top{rank="1",symbol="ETHUSDT"}'), 4)
  t.equal(sample(text, 'quantum_safety_rate_symbol_top{rank="2",symbol="BTCUSDT"}'), 3)
  t.equal(sample(text, 'quantum_safety_rate_symbol_top{rank="3",symbol=""}'), 0)
  t.equal(sample(text, 'quantum_safety_rate_symbol_top5_info{symbols="ETHUSDT,BTCUSDT"}'), 1)
  t.equal(sample(text, 'quantum_safety_last_fault_timestamp'), NOW / 1000)
  t.equal(sample(text, 'quantum_safety_last_fault_info{reason="manual",symbol="",side=""}'), 1)
})

t.test('a key of the wrong type fails the read as a command error and keeps the last good values', async (t) => {
  await redis.flushall()
  await redis.set('quantum:safety:safe_mode', 'on')
  const plugin = await startPlugin(t, 'safety_telemetry', { redis: { url: server.url } }, () => NOW)
  t.equal(sample(await plugin.registry.metrics(), 'quantum_safety_safe_mode'), 1)
  await redis.set('quantum:stream:safety.fault', 'not a stream')
  const text = await plugin.registry.metrics()
  t.equal(sample(text, 'quantum_safety_redis_up'), 0)
  t.equal(sample(text, 'quantum_safety_exporter_errors_total{error_type="command"}'), 1)
  t.equal(sample(text, 'quantum_safety_redis_last_error_timestamp'), NOW / 1000)
  t.equal(sample(text, 'quantum_safety_safe_mode'), 1, 'last good value served')
})
