/**
 * One trace lookup across the backends a caller chose: the log lines from the
 * store or from Loki, the stream entries from Redis when asked, merged into
 * one timeline. Backends are asked concurrently; the first that cannot be
 * reached fails the lookup (a partial timeline would read as the whole story).
 */
import { eventsFromLoki, type LokiLookupOptions, type TimeWindow } from './loki-lookup.js'
import { eventsFromRedis } from './redis-lookup.js'
import { lookUpInDataDir } from './store-lookup.js'
import { buildTimeline, type Timeline } from './timeline.js'

export type LineBackend = { kind: 'store'; dataDir: string } | { kind: 'loki'; options: LokiLookupOptions }

export interface TraceRequest {
  correlationId: string
  lines: LineBackend
  redis?: { url: string; streams: readonly string[] }
  window: TimeWindow
  /** Most events taken from each backend. */
  limit: number
}

export async function lookUpTrace({ correlationId, lines, redis, window, limit }: TraceRequest): Promise<Timeline> {
  const [logged, streamed] = await Promise.all([
    lines.kind === 'store' ? lookUpInDataDir(lines.dataDir, correlationId, limit) : eventsFromLoki(lines.options, correlationId, window, limit),
    redis ? eventsFromRedis(redis.url, redis.streams, correlationId, window, limit) : [],
  ])
  return buildTimeline(correlationId, [...logged, ...streamed])
}
