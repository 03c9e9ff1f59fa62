/**
 * The `harvest` plugin: a drop-in for the Python harvest-metrics exporter
 * (same port, names and labels), read from the proposal hashes at scrape time.
 */
import { createRedisScrape } from '../common/redis-scrape.js'
import { definePlugin } from '../define.js'
import type { HarvestConfig } from './config.js'
import { readProposals, type Proposal } from './read.js'

export default definePlugin<HarvestConfig>({
  type: 'harvest',
  description: "Harvest proposals' last update, kill score and action from Redis hashes, as the Python harvest-metrics exporter served them.",
  create(config, ctx) {
    const scrape = createRedisScrape<Proposal[]>({
      prefix: 'quantum_harvest',
      exporter: 'harvest-metrics',
      redis: config.redis,
      ctx,
      read: (redis) => readProposals(redis, config),
      apply(proposals) {
        // Refilled from scratch: a symbol whose hash is gone, or whose action changed, leaves no series behind.
        lastUpdate.reset()
        killScore.reset()
        actionInfo.reset()
        for (const { symbol, lastUpdateSeconds, killScore: score, action } of proposals) {
          if (lastUpdateSeconds !== undefined) lastUpdate.set({ symbol }, lastUpdateSeconds)
          if (score !== undefined) killScore.set({ symbol }, score)
          if (action !== undefined) actionInfo.set({ symbol, action }, 1)
        }
      },
    })
    const lastUpdate = scrape.gauge('quantum_harvest_last_update_epoch', "When the publisher last ran its cycle for the symbol, in Unix seconds (from Redis: last_update_epoch, else computed_at_utc).", ['symbol'])
    const killScore = scrape.gauge('quantum_harvest_kill_score', "The symbol's kill score.", ['symbol'])
    const actionInfo = scrape.gauge('quantum_harvest_action_info', "The symbol's harvest action; always 1.", ['symbol', 'action'])
    return scrape
  },
})
