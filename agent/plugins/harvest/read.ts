/**
 * One harvest scrape's reads: the proposal hashes' four fields in one
 * pipelined round trip (after a bounded SCAN when no symbols are listed).
 * A symbol's time comes from Redis only — `last_update_epoch`, else
 * `computed_at_utc` — never from this process's clock: the Python exporter
 * fell back to its own start time, which kept a staleness alert pending for
 * days while every symbol looked as fresh as the exporter's last restart.
 */
import type { Redis } from 'ioredis'
import { epochSeconds, utcSeconds } from '../common/epoch.js'
import { execAll } from '../common/pipeline.js'
import { globEscape, scanKeys } from '../common/scan.js'
import type { HarvestConfig } from './config.js'

export interface Proposal {
  symbol: string
  /** Omitted when the hash has no usable time. */
  lastUpdateSeconds: number | undefined
  killScore: number | undefined
  action: string | undefined
}

export async function readProposals(redis: Redis, config: HarvestConfig): Promise<Proposal[]> {
  const { key_prefix: prefix, fields } = config
  const keys = config.symbols
    ? config.symbols.map((symbol) => `${prefix}${symbol}`)
    : (await scanKeys(redis, `${globEscape(prefix)}*`, config.scan)).sort()
  if (keys.length === 0) return []
  const pipeline = redis.pipeline()
  for (const key of keys) pipeline.hmget(key, fields.last_update, fields.computed_at, fields.kill_score, fields.action)
  const replies = (await execAll(pipeline)) as Array<Array<string | null>>
  const proposals: Proposal[] = []
  replies.forEach(([lastUpdate, computedAt, killScore, action], i) => {
    // A listed symbol without a hash has nothing to report.
    if (lastUpdate === null && computedAt === null && killScore === null && action === null) return
    const score = killScore === null || killScore === '' ? NaN : Number(killScore)
    proposals.push({
      symbol: keys[i]!.slice(prefix.length),
      lastUpdateSeconds: epochSeconds(lastUpdate) ?? utcSeconds(computedAt ?? undefined),
      killScore: Number.isFinite(score) ? score : undefined,
      action: action === null || action === '' ? undefined : action,
    })
  })
  return proposals
}
