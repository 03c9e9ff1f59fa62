/**
 * The README's freshness example, runnable: a harvest publisher whose
 * rate-limited cycles still move last_update_epoch.
 * `npm run build && REDIS_URL=redis://127.0.0.1:6379 node dist/examples/freshness.js`
 */
import { createServer } from 'node:http'
import { Redis } from 'ioredis'
import { createFreshness } from 'threadline'

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const freshness = createFreshness({ redis })               // or createFreshness({ redis, registry: yourRegistry })
let lastPublishMs = 0

async function cycle(symbol: string, proposal: { harvest_action: string; kill_score: number }) {
  if (Date.now() - lastPublishMs < 5_000) {
    await freshness.rateLimited(symbol)                    // writes last_update_epoch, counts the skip
    return
  }
  lastPublishMs = Date.now()
  await freshness.publish(symbol, { ...proposal, computed_at_utc: new Date().toISOString() })   // fields + last_update_epoch
}

// The service's /metrics exposes quantum_harvest_publish_rate_limited_total{symbol}.
const server = createServer(async (_req, res) => res.end(await freshness.registry.metrics())).listen(9464, '127.0.0.1')
const timer = setInterval(() => void cycle('BTCUSDT', { harvest_action: 'HOLD', kill_score: 0.25 }), 1_000)
process.once('SIGINT', () => {
  clearInterval(timer)
  server.close()
  redis.disconnect()
})
