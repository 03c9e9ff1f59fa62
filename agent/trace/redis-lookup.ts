/**
 * Stream entries of one request from Redis. An entry id is `<ms>-<seq>`, the
 * time it was added, so XRANGE reads only the window asked for; within it,
 * the entries are read a page at a time and kept when their `correlation_id`
 * field (what the SDK's publishEvent writes) is the id.
 */
import { Redis } from 'ioredis'
import { CORRELATION_FIELD } from '../../sdk/redis-streams/publish.js'
import { BackendUnreachableError } from './backend-error.js'
import type { TimeWindow } from './loki-lookup.js'
import { eventFromStreamEntry, type TraceEvent } from './trace-event.js'

/** What the trading services publish to; `--stream` replaces them. */
export const DEFAULT_STREAMS = ['quantum:stream:trade.intent', 'quantum:stream:execution']
const PAGE = 1000

/** The URL without a password, to name it in messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(invalid URL)'
  }
}

function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!
  return fields
}

/** Entries of `correlationId` in `streams` within the window, at most `limit` in all. */
export async function eventsFromRedis(url: string, streams: readonly string[], correlationId: string, window: TimeWindow, limit: number): Promise<TraceEvent[]> {
  const where = redactedUrl(url)
  // No retries and no offline queue: a lookup must fail at once when Redis is away, not wait for it.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 5_000 })
  // connect() rejects with a bare "Connection is closed."; the error event before it has the cause (ECONNREFUSED).
  let cause: NodeJS.ErrnoException | undefined
  redis.on('error', (error: NodeJS.ErrnoException) => (cause ??= error))
  try {
    await redis.connect()
  } catch (error) {
    redis.disconnect()
    const reason = cause ?? (error as NodeJS.ErrnoException)
    throw new BackendUnreachableError('redis', where, reason.code ?? reason.message)
  }
  const events: TraceEvent[] = []
  try {
    for (const stream of streams) {
      let start = String(window.startMs)
      for (;;) {
        const page = (await redis.xrange(stream, start, String(window.endMs), 'COUNT', PAGE)) as Array<[string, string[]]>
        for (const [id, flat] of page) {
          const fields = fieldsOf(flat)
          if (fields[CORRELATION_FIELD] === correlationId && events.length < limit) events.push(eventFromStreamEntry(stream, id, fields))
        }
        if (page.length < PAGE || events.length >= limit) break
        start = `(${page.at(-1)![0]}` // exclusive start (Redis 6.2+): the next page begins after the last entry read
      }
    }
  } catch (error) {
    throw new BackendUnreachableError('redis', where, (error as Error).message)
  } finally {
    redis.disconnect()
  }
  return events
}
