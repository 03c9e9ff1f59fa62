/**
 * Redis failing under a running plugin host, scraped over HTTP every second
 * as Prometheus would: killed, restarted, and stopped with SIGSTOP (accepts
 * connections, never answers). Every scrape answers 200 within the deadline,
 * `…_redis_up` is 0 from the first scrape after the failure and 1 again
 * once Redis is back, without restarting anything.
 */
import t, { type Test as Tap } from 'tap'
import { Redis } from 'ioredis'
import pino from 'pino'
import { PluginConfig } from '../../../agent/config/schema.js'
import { createPluginHost } from '../../../agent/plugins/host.js'
import { startRedis } from '../../support/redis-server.js'
import { sample } from '../../support/plugin-harness.js'

const DEADLINE_MS = 1_000
// The HTTP round trip and rendering on a loaded two-core machine, on top of the deadline.
const SLACK_MS = 750
const SCRAPE_INTERVAL_MS = 1_000

const server = await startRedis()
const redisConfig = { url: server.url, deadline: `${DEADLINE_MS}ms` }
const host = await createPluginHost(
  {
    safety: PluginConfig.parse({ type: 'safety_telemetry', listen: '127.0.0.1:0', redis: redisConfig }),
    harvest: PluginConfig.parse({ type: 'harvest', listen: '127.0.0.1:0', redis: redisConfig }),
  },
  pino({ level: 'silent' }),
)
t.teardown(async () => {
  await host.stop()
  await server.stop()
})
await host.start()
const { safety, harvest } = host.addresses()

interface Scrape {
  status: number
  ms: number
  text: string
}

let lastScrapeAt = 0
/** One scrape of a plugin, at most one a second (like a 1 s scrape interval). */
async function scrape(address: { port: number } | undefined): Promise<Scrape> {
  const wait = lastScrapeAt + SCRAPE_INTERVAL_MS - performance.now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  lastScrapeAt = performance.now()
  const response = await fetch(`http://127.0.0.1:${address!.port}/metrics`)
  const text = await response.text()
  return { status: response.status, ms: performance.now() - lastScrapeAt, text }
}

async function seed(): Promise<void> {
  const redis = new Redis(server.url)
  await redis.set('quantum:safety:safe_mode', '1')
  await redis.hset('quantum:harvest:proposal:BTCUSDT', { harvest_action: 'HOLD', kill_score: '0.5', last_update_epoch: '1767430000' })
  redis.disconnect()
}

/** Scrapes until `up` reads 1; returns how many scrapes it took (failing past `max`). */
async function scrapesUntilUp(t: Tap, address: { port: number } | undefined, prefix: string, max: number): Promise<number> {
  for (let n = 1; n <= max; n++) {
    const result = await scrape(address)
    t.equal(result.status, 200)
    if (sample(result.text, `${prefix}_redis_up`) === 1) return n
  }
  t.fail(`${prefix}_redis_up still 0 after ${max} scrapes`)
  return max
}


const errorsOf = (text: string, errorType: string) => sample(text, `quantum_safety_exporter_errors_total{error_type="${errorType}"}`) ?? 0
const allErrors = (text: string) => ['timeout', 'connection', 'command', 'read'].reduce((sum, type) => sum + errorsOf(text, type), 0)

/**
 * `count` scrapes of an unavailable Redis: each 200 within the deadline, up 0, last good values kept, errors counted
 * (the first one as `errorType`; a scrape that finds the client between reconnection attempts fails at once, as `connection`).
 */
async function failingScrapes(t: Tap, errorType: string, count: number): Promise<void> {
  let errorsBefore = -1
  for (let i = 0; i < count; i++) {
    const result = await scrape(safety)
    t.equal(result.status, 200, 'answers 200')
    t.ok(result.ms < DEADLINE_MS + SLACK_MS, `answered in ${Math.round(result.ms)} ms, within the deadline`)
    t.equal(sample(result.text, 'quantum_safety_redis_up'), 0, 'up is 0')
    t.equal(sample(result.text, 'quantum_safety_safe_mode'), 1, 'the last good value is served')
    t.ok((sample(result.text, 'quantum_safety_redis_last_error_timestamp') ?? 0) > 0, 'the last error time is set')
    const errors = allErrors(result.text)
    t.ok(errors > errorsBefore, `errors grow (${errors})`)
    if (i === 0) t.ok(errorsOf(result.text, errorType) > 0, `the first failure is a ${errorType}`)
    errorsBefore = errors
  }
  const other = await scrape(harvest)
  t.equal(sample(other.text, 'quantum_harvest_redis_up'), 0, 'harvest reports it too')
  t.equal(sample(other.text, 'quantum_harvest_kill_score{symbol="BTCUSDT"}'), 0.5, "and serves harvest's last good values")
}

t.test('Redis killed, then restarted', async (t) => {
  await seed()
  t.equal(await scrapesUntilUp(t, safety, 'quantum_safety', 5), 1, 'up from the first scrape')
  t.equal(await scrapesUntilUp(t, harvest, 'quantum_harvest', 5), 1)
  await server.stop()
  await failingScrapes(t, 'connection', 3)
  await server.restart()
  t.ok(await scrapesUntilUp(t, safety, 'quantum_safety', 5), 'safety reconnects on its own')
  t.ok(await scrapesUntilUp(t, harvest, 'quantum_harvest', 5), 'harvest reconnects on its own')
  const fresh = await scrape(safety)
  t.equal(sample(fresh.text, 'quantum_safety_safe_mode'), 0, 'values are read again from the new (empty) Redis')
})

t.test('Redis stopped (SIGSTOP): connections accepted, nothing answered', async (t) => {
  await seed()
  t.ok(await scrapesUntilUp(t, safety, 'quantum_safety', 5))
  t.ok(await scrapesUntilUp(t, harvest, 'quantum_harvest', 5))
  server.pause()
  try {
    await failingScrapes(t, 'timeout', 3)
  } finally {
    server.resume()
  }
  t.ok(await scrapesUntilUp(t, safety, 'quantum_safety', 5), 'safety reads again once Redis runs')
  t.ok(await scrapesUntilUp(t, harvest, 'quantum_harvest', 5), 'harvest reads again once Redis runs')
})
