/**
 * The loki sink: reads the store through its own cursor, batches, pushes,
 * and commits the cursor only once Loki answered 2xx, so an outage or a
 * SIGKILL re-sends rather than loses (Loki drops the exact duplicates a
 * re-send produces). Memory holds one batch at most, however long Loki is down.
 */
import type { Logger } from 'pino'
import type { Lifecycle, LineFeed, StoredLine } from '../../core/types.js'
import type { AgentMetrics, DropReason } from '../../metrics/internal.js'
import {
  PendingEntries,
  backoffDelay,
  checkBackoffOptions,
  createLokiClient,
  encodeWithinLimit,
  halve,
  parseLabels,
  type BatchPart,
  type EncodedPush,
  type PushResult,
} from '../../../transports/loki/index.js'
import type { LokiSinkOptions } from './config.js'
import { cursorNameOf } from '../cursor-name.js'

export interface LokiSinkContext {
  /** The sink's id: its key under `sinks:`; names its cursor (`loki:<id>`) and its metrics. */
  id: string
  feed: LineFeed
  metrics: AgentMetrics
  log: Logger
}

export interface LokiSink extends Lifecycle {
  /** Flushes what is stored for at most `deadlineMs`, then returns; safe before start and twice. */
  stop(deadlineMs?: number): Promise<void>
}

/** Lines per store read: small enough that a read never holds much more than a batch. */
const READ_CHUNK = 500
/** Longest single wait for lines: gauges are refreshed at least this often. */
const IDLE_WAIT_MS = 1000
const DEFAULT_STOP_DEADLINE_MS = 5000

type Delivery = 'ok' | 'rejected' | 'too_large' | 'stopped'

/** Resolves after `ms`, or as soon as one of `interrupts` settles. */
async function sleep(ms: number, ...interrupts: Promise<unknown>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), ...interrupts])
  clearTimeout(timer)
}

function isWellFormed(line: StoredLine): boolean {
  try {
    parseLabels(line.labels)
    return true
  } catch {
    return false
  }
}

/**
 * Loki answers 500 when a push exceeds the ingester's gRPC message limit
 * (4 MiB by default); a proxy may answer 413. Either way, smaller pushes fit.
 */
function isTooLarge(result: PushResult, encoded: EncodedPush, maxBodyBytes: number): boolean {
  if (result.ok) return false
  return result.status === 413 || (result.status === 500 && (/larger than max/i.test(result.error) || encoded.rawBytes > maxBodyBytes / 2))
}

/** Creates the sink; throws at once for bad options or an unreadable CA file. */
export function createLokiSink(options: LokiSinkOptions, { id, feed, metrics, log }: LokiSinkContext): LokiSink {
  const backoff = { minMs: options.retry.minBackoffMs, maxMs: options.retry.maxBackoffMs }
  checkBackoffOptions(backoff)
  const client = createLokiClient({
    endpoint: options.endpoint,
    encoding: options.encoding,
    gzip: options.gzip,
    tenantId: options.tenantId,
    basicAuth: options.basicAuth,
    bearerToken: options.bearerToken,
    timeoutMs: options.timeoutMs,
    tls: options.tls,
  })
  const pending = new PendingEntries<StoredLine>(options.batch.maxBytes)
  const cursorName = cursorNameOf('loki', id)
  const sink = { sink: id }
  const abort = new AbortController()
  let stopping = false
  let deadlineAt = Infinity
  let requestStop!: () => void
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve))
  let reachDeadline!: () => void
  const deadlineReached = new Promise<void>((resolve) => (reachDeadline = resolve))
  let running: Promise<void> | undefined
  let stopped: Promise<void> | undefined
  let lastDeliveredReadAtMs: number | undefined

  const deadlinePassed = () => Date.now() >= deadlineAt

  function updateBacklogGauges(): void {
    const cursor = feed.cursor(cursorName)
    const last = feed.lastId()
    metrics.queueDepth.set(sink, Math.max(0, last - cursor))
    if (last <= cursor) return void metrics.lag.set(sink, 0)
    const newest = feed.readAfter(last - 1, 1)[0]
    const reference = lastDeliveredReadAtMs ?? feed.readAfter(cursor, 1)[0]?.readAtMs
    if (newest && reference !== undefined) metrics.lag.set(sink, Math.max(0, newest.readAtMs - reference) / 1000)
  }

  function commit(lines: readonly StoredLine[]): void {
    feed.commitCursor(cursorName, lines.at(-1)!.id)
  }

  /** Counts and logs lines given up on; the caller commits past them once everything before them is settled. */
  function drop(lines: readonly StoredLine[], reason: DropReason, details: Record<string, unknown>): void {
    metrics.linesDropped.inc({ reason }, lines.length)
    log.error({ sink: id, reason, lines: lines.length, firstId: lines[0]!.id, ...details }, 'loki sink dropped lines')
  }

  async function send(encoded: EncodedPush): Promise<{ delivery: Delivery; result?: PushResult }> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) metrics.batchesRetried.inc(sink)
      const endTimer = metrics.pushDuration.startTimer(sink)
      const result = await client.send(encoded, { signal: abort.signal })
      endTimer()
      metrics.pushResults.inc({ ...sink, status: String(result.status) })
      if (result.ok) {
        metrics.lastPushSuccess.set(sink, Date.now() / 1000)
        return { delivery: 'ok' }
      }
      if (isTooLarge(result, encoded, client.maxBodyBytes)) return { delivery: 'too_large', result }
      if (!result.retryable) return { delivery: 'rejected', result }
      if (deadlinePassed()) return { delivery: 'stopped' }
      const delayMs = backoffDelay(attempt, backoff, result.retryAfterMs)
      log.warn({ sink: id, status: result.status, error: result.error, attempt: attempt + 1, retryInMs: delayMs, entries: encoded.entries }, 'loki push failed; will retry')
      updateBacklogGauges()
      await sleep(delayMs, deadlineReached)
      if (deadlinePassed()) return { delivery: 'stopped' }
    }
  }

  /** Delivers one part; false when stopped before it was settled. */
  async function deliverPart(part: BatchPart<StoredLine>): Promise<boolean> {
    const lines = part.entries
    if ('tooLarge' in part) {
      drop(lines, 'too_large', { limitBytes: client.maxBodyBytes })
      commit(lines)
      return true
    }
    const { delivery, result } = await send(part.encoded)
    if (delivery === 'stopped') return false
    if (delivery === 'ok') {
      metrics.linesShipped.inc(sink, lines.length)
      metrics.bytesShipped.inc(sink, lines.reduce((n, line) => n + Buffer.byteLength(line.line), 0))
      lastDeliveredReadAtMs = lines.at(-1)!.readAtMs
      commit(lines)
      return true
    }
    if (delivery === 'too_large' && lines.length > 1) {
      for (const half of halve(lines)) if (!(await deliverLines(half))) return false
      return true
    }
    const error = result && !result.ok ? { status: result.status, error: result.error } : {}
    drop(lines, delivery === 'too_large' ? 'too_large' : 'loki_rejected', error)
    commit(lines)
    return true
  }

  async function deliverLines(lines: StoredLine[]): Promise<boolean> {
    for (const part of encodeWithinLimit(lines, client.encode, client.maxBodyBytes)) {
      if (!(await deliverPart(part))) return false
    }
    return true
  }

  /** Ships one batch; false when stopped before it was settled. */
  async function deliver(batch: StoredLine[]): Promise<boolean> {
    const wellFormed = batch.filter(isWellFormed)
    if (wellFormed.length < batch.length) {
      // Loki would answer 400 "Error parsing labels"; the JSON encoder could not even write them.
      drop(batch.filter((line) => !isWellFormed(line)), 'loki_rejected', { error: 'malformed stream selector' })
    }
    if (!(await deliverLines(wellFormed))) return false
    commit(batch)
    return true
  }

  async function run(): Promise<void> {
    let readPosition = feed.cursor(cursorName)
    let batchStartedAt = 0
    while (!deadlinePassed()) {
      try {
        while (!pending.full) {
          const lines = feed.readAfter(readPosition, READ_CHUNK)
          if (lines.length === 0) break
          if (pending.length === 0) batchStartedAt = Date.now()
          for (const line of lines) pending.add(line)
          readPosition = lines.at(-1)!.id
        }
        updateBacklogGauges()
        if (pending.length === 0) {
          if (stopping) return
          await sleep(IDLE_WAIT_MS, feed.waitForLines(readPosition, IDLE_WAIT_MS), stopRequested)
          continue
        }
        const waitLeft = Math.min(batchStartedAt + options.batch.maxWaitMs - Date.now(), IDLE_WAIT_MS)
        if (!pending.full && !stopping && waitLeft > 0) {
          await sleep(waitLeft, feed.waitForLines(readPosition, waitLeft), stopRequested)
          continue
        }
        if (!(await deliver(pending.take()))) return
        updateBacklogGauges()
      } catch (err) {
        // Nothing after start-up may crash the agent: start over from the committed cursor.
        log.error({ sink: id, err }, 'loki sink failed; restarting from its cursor')
        pending.clear()
        readPosition = feed.cursor(cursorName)
        await sleep(backoff.minMs, deadlineReached)
      }
    }
  }

  return {
    async start() {
      if (running || stopped) return
      running = run()
    },
    stop(deadlineMs = DEFAULT_STOP_DEADLINE_MS) {
      stopped ??= (async () => {
        if (running) {
          stopping = true
          deadlineAt = Date.now() + deadlineMs
          requestStop()
          const timer = setTimeout(() => {
            abort.abort()
            reachDeadline()
          }, deadlineMs)
          await running
          clearTimeout(timer)
          updateBacklogGauges()
        }
        client.close()
      })()
      return stopped
    },
  }
}
