/**
 * Consuming a Redis Stream in a consumer group, each entry handled inside its
 * own correlation context.
 *
 * Delivery is at-least-once: an entry is acknowledged only after its handler
 * resolves. At start the consumer re-reads its own pending entries (it
 * crashed before acknowledging them); while running it takes over entries
 * idle longer than `claimIdleMs` from any consumer (XAUTOCLAIM), which also
 * retries entries whose handler threw.
 */
import type { Redis } from 'ioredis'
import { withCorrelation } from '../context.js'
import { isValidCorrelationId, newCorrelationId } from '../correlation-id.js'
import { createLogger } from '../logger.js'
import type { Logger } from '../logger.js'
import { CORRELATION_FIELD } from './publish.js'

/** One stream entry as the handler sees it. */
export interface StreamEntry {
  stream: string
  /** The entry id, e.g. `1767435323456-0`. */
  id: string
  /** The entry's fields (the last value wins for a repeated field). */
  fields: Record<string, string>
  /** The correlation id the handler runs under (the entry's, or a generated one). */
  correlationId: string
}

/** Options of `consumeEvents`. */
export interface ConsumeOptions {
  /** Used for acks and claims; a duplicate of it does the blocking reads. */
  redis: Redis
  stream: string
  group: string
  /** This consumer's name within the group; reuse it across restarts to resume its pending entries. */
  consumer: string
  /** Runs inside the entry's correlation context; the entry is acked once it resolves. */
  handler: (entry: StreamEntry) => unknown
  /** Where failures and generated ids are logged. Default: a `threadline` logger on stdout. */
  logger?: Logger
  /** Entries read per call. Default 10. */
  batchSize?: number
  /** Longest a read blocks waiting for entries. Default 1000 ms. */
  blockMs?: number
  /** Pending entries idle this long are claimed and handled again. Default 30000 ms. */
  claimIdleMs?: number
  /** Where a newly created group starts: `0` (the whole stream, default) or `$` (new entries only). */
  startId?: '0' | '$'
  /** How long `stop()` waits for a running handler. Default 10000 ms. */
  stopTimeoutMs?: number
}

/** A running consumer. */
export interface EventConsumer {
  /** Stops reading, waits for the running handler (up to `stopTimeoutMs`). Safe twice. */
  stop(): Promise<void>
}

/** An entry as Redis returns it; null (or null fields) for a pending entry deleted from the stream. */
type RawEntry = [id: string, fields: string[] | null] | null

let defaultLogger: Logger | undefined
const RETRY_DELAY_MS = 500

/**
 * Starts consuming `stream` as `consumer` in `group` (created if missing,
 * with the stream) and returns at once. Failures are logged, never thrown:
 * a handler that throws leaves its entry pending for a later retry, a lost
 * connection is retried.
 */
export function consumeEvents(options: ConsumeOptions): EventConsumer {
  const { redis, stream, group, consumer, handler, batchSize = 10, blockMs = 1000, claimIdleMs = 30_000, startId = '0', stopTimeoutMs = 10_000 } = options
  for (const [name, value] of Object.entries({ stream, group, consumer })) {
    if (typeof value !== 'string' || value.length === 0) throw new TypeError(`consumeEvents: expected ${name} to be a non-empty string, received ${JSON.stringify(value)}`)
  }
  if (typeof handler !== 'function') throw new TypeError(`consumeEvents: expected handler to be a function, received ${typeof handler}`)
  const logger = options.logger ?? (defaultLogger ??= createLogger({ service: 'threadline' }))
  const reader = redis.duplicate()
  let stopping = false
  let nextClaimAt = 0

  async function ensureGroup(): Promise<void> {
    try {
      await redis.xgroup('CREATE', stream, group, startId, 'MKSTREAM')
    } catch (err) {
      if (!String((err as Error).message).startsWith('BUSYGROUP')) throw err
    }
  }

  async function handle(raw: RawEntry): Promise<void> {
    if (raw === null) return
    const [id, flat] = raw
    // A pending entry deleted from the stream comes back without fields: nothing to handle.
    if (flat === null) {
      await redis.xack(stream, group, id)
      return
    }
    const fields: Record<string, string> = {}
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!
    const given = fields[CORRELATION_FIELD]
    const valid = isValidCorrelationId(given)
    const entry: StreamEntry = { stream, id, fields, correlationId: valid ? given : newCorrelationId() }
    await withCorrelation(entry.correlationId, async () => {
      if (!valid) {
        logger.warn(
          { event: 'CORRELATION_ID_GENERATED', stream, group, entry_id: id, reason: given === undefined ? 'missing' : 'invalid' },
          `Stream entry ${id} had no valid ${CORRELATION_FIELD}; generated one`,
        )
      }
      try {
        await handler(entry)
        await redis.xack(stream, group, id)
      } catch (err) {
        logger.error(
          { event: 'STREAM_HANDLER_FAILED', stream, group, consumer, entry_id: id, err },
          `Handler failed for ${stream} entry ${id}; it stays pending and is retried after ${claimIdleMs} ms`,
        )
      }
    })
  }

  async function handleAll(entries: RawEntry[]): Promise<void> {
    for (const entry of entries) {
      if (stopping) return
      await handle(entry)
    }
  }

  // Reading from an explicit id returns this consumer's pending entries after
  // it; advancing past each batch keeps an entry whose handler fails again
  // from being re-read forever (XAUTOCLAIM retries it later).
  async function readOwnPending(): Promise<void> {
    let after = '0'
    for (;;) {
      const reply = (await reader.xreadgroup('GROUP', group, consumer, 'COUNT', batchSize, 'STREAMS', stream, after)) as Array<[string, RawEntry[]]> | null
      const entries = reply?.[0]?.[1] ?? []
      if (entries.length === 0 || stopping) return
      await handleAll(entries)
      after = entries[entries.length - 1]![0]
    }
  }

  async function claimIdle(): Promise<void> {
    let cursor = '0-0'
    do {
      const [next, entries] = (await redis.xautoclaim(stream, group, consumer, claimIdleMs, cursor, 'COUNT', batchSize)) as [string, RawEntry[]]
      await handleAll(entries)
      cursor = next
    } while (cursor !== '0-0' && !stopping)
  }

  async function readNew(): Promise<void> {
    const block = Math.max(1, Math.min(blockMs, nextClaimAt - Date.now()))
    const reply = (await reader.xreadgroup('GROUP', group, consumer, 'COUNT', batchSize, 'BLOCK', block, 'STREAMS', stream, '>')) as Array<[string, RawEntry[]]> | null
    await handleAll(reply?.[0]?.[1] ?? [])
  }

  async function loop(): Promise<void> {
    let ready = false
    while (!stopping) {
      try {
        if (!ready) {
          await ensureGroup()
          await readOwnPending()
          ready = true
        }
        if (Date.now() >= nextClaimAt) {
          await claimIdle()
          // Claim a few times per idle period, so a stuck entry waits at most ~1.25x claimIdleMs.
          nextClaimAt = Date.now() + Math.max(50, claimIdleMs / 4)
        }
        await readNew()
      } catch (err) {
        if (stopping) return
        // NOGROUP: the stream or group vanished (deleted, or Redis restarted empty).
        if (String((err as Error).message).startsWith('NOGROUP')) ready = false
        logger.error({ event: 'STREAM_CONSUMER_ERROR', stream, group, consumer, err }, `Reading ${stream} failed; retrying in ${RETRY_DELAY_MS} ms`)
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS))
      }
    }
  }

  const running = loop()
  let stopped: Promise<void> | undefined
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true
        // Disconnecting rejects a blocked XREADGROUP at once instead of after blockMs.
        reader.disconnect()
        let timer: NodeJS.Timeout | undefined
        const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, stopTimeoutMs)))
        await Promise.race([running, deadline])
        clearTimeout(timer)
      })()
      return stopped
    },
  }
}
