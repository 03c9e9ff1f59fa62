/**
 * The loki sink: reads the store through its own cursor, batches, pushes,
 * and commits the cursor only once Loki answered 2xx, so an outage or a
 * SIGKILL re-sends rather than loses (Loki drops the exact duplicates a
 * re-send produces). Memory holds one batch at most, however long Loki is down.
 *
 * A batch gathers as a count of lines measured in the store, not as line
 * objects: the lines are read when the push is due and are garbage once it
 * is settled. Held while the batch filled (about 7,000 lines at 1 MiB), each
 * had outlived two scavenges and been copied into V8's old generation.
 */
import type { Logger } from 'pino'
import type { Lifecycle, LineFeed, MeasuredLines, StoredLine } from '../../core/types.js'
import type { AgentMetrics, DropReason } from '../../metrics/internal.js'
import {
  backoffDelay,
  checkBackoffOptions,
  createLokiClient,
  encodeWithinLimit,
  halve,
  parseLabels,
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

/** Longest single wait for lines: gauges are refreshed at least this often. */
const IDLE_WAIT_MS = 1000
const DEFAULT_STOP_DEADLINE_MS = 5000

type Delivery = 'ok' | 'rejected' | 'too_large' | 'stopped'

/** What a push remembers of its lines, which it does not keep. */
interface Span {
  firstId: number
  lastId: number
  count: number
  /** UTF-8 bytes of their text. */
  bytes: number
  lastReadAtMs: number
}

/** Lines encoded as one push body, or one line too large to send at all. */
type Push = { encoded: EncodedPush; span: Span } | { tooLarge: true; span: Span }

function spanOf(lines: readonly StoredLine[]): Span {
  let bytes = 0
  for (const line of lines) bytes += line.bytes
  return { firstId: lines[0]!.id, lastId: lines.at(-1)!.id, count: lines.length, bytes, lastReadAtMs: lines.at(-1)!.readAtMs }
}

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
  const maxBatchBytes = options.batch.maxBytes
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

  function commit(throughId: number): void {
    feed.commitCursor(cursorName, throughId)
  }

  /** Counts and logs lines given up on; the caller commits past them once everything before them is settled. */
  function drop({ count, firstId }: Pick<Span, 'count' | 'firstId'>, reason: DropReason, details: Record<string, unknown>): void {
    metrics.linesDropped.inc({ reason }, count)
    log.error({ sink: id, reason, lines: count, firstId, ...details }, 'loki sink dropped lines')
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

  /**
   * Encodes well-formed lines as pushes within the body limit, in order; a
   * line too large even alone becomes a push to drop. Synchronous, and what
   * it returns holds no line: the lines are garbage before the first push is
   * sent, instead of waiting for Loki's answer (see the header).
   */
  function encodePushes(lines: StoredLine[]): Push[] {
    return encodeWithinLimit(lines, client.encode, client.maxBodyBytes).map((part) =>
      'tooLarge' in part ? { tooLarge: true, span: spanOf(part.entries) } : { encoded: part.encoded, span: spanOf(part.entries) },
    )
  }

  /** The stored lines of `span` that Loki can parse the labels of, read again (a push too large to split otherwise). */
  function wellFormedIn(span: Span): StoredLine[] {
    return feed.readAfter(span.firstId - 1, span.lastId - span.firstId + 1).filter((line) => line.id <= span.lastId && isWellFormed(line))
  }

  /** Delivers one push; false when stopped before it was settled. */
  async function deliverPush(push: Push): Promise<boolean> {
    const { span } = push
    if ('tooLarge' in push) {
      drop(span, 'too_large', { limitBytes: client.maxBodyBytes })
      commit(span.lastId)
      return true
    }
    const { delivery, result } = await send(push.encoded)
    if (delivery === 'stopped') return false
    if (delivery === 'ok') {
      metrics.linesShipped.inc(sink, span.count)
      metrics.bytesShipped.inc(sink, span.bytes)
      lastDeliveredReadAtMs = span.lastReadAtMs
      commit(span.lastId)
      return true
    }
    if (delivery === 'too_large' && span.count > 1) {
      for (const half of halve(wellFormedIn(span))) if (!(await deliverPushes(encodePushes(half)))) return false
      return true
    }
    const error = result && !result.ok ? { status: result.status, error: result.error } : {}
    drop(span, delivery === 'too_large' ? 'too_large' : 'loki_rejected', error)
    commit(span.lastId)
    return true
  }

  async function deliverPushes(pushes: Push[]): Promise<boolean> {
    for (const push of pushes) if (!(await deliverPush(push))) return false
    return true
  }

  /** Reads the lines of `pending` and encodes them; lines Loki could not parse the labels of are dropped here. */
  function pushesOf(pending: Pending): Push[] {
    // Retention may have taken the oldest of them meanwhile (and counted them): then more lines come back than measured.
    const batch = feed.readAfter(pending.afterId, pending.count).filter((line) => line.id <= pending.lastId)
    const wellFormed = batch.filter(isWellFormed)
    if (wellFormed.length < batch.length) {
      // Loki would answer 400 "Error parsing labels"; the JSON encoder could not even write them.
      drop(spanOf(batch.filter((line) => !isWellFormed(line))), 'loki_rejected', { error: 'malformed stream selector' })
    }
    return encodePushes(wellFormed)
  }

  /** The next push: the lines after `afterId` through `lastId`, measured in the store, not yet read. */
  type Pending = MeasuredLines & { afterId: number }
  const nothingAfter = (afterId: number): Pending => ({ afterId, count: 0, bytes: 0, lastId: afterId, full: false })

  /** `pending` with the lines stored after it that still fit in the batch. */
  function measureMore(pending: Pending): Pending {
    const room = maxBatchBytes - pending.bytes
    const more = feed.measureAfter(pending.lastId, room)
    if (more.count === 0) return pending
    // The store counts one line whatever its size; a batch already started leaves it for the next.
    if (pending.count > 0 && more.bytes > room) return { ...pending, full: true }
    return { afterId: pending.afterId, count: pending.count + more.count, bytes: pending.bytes + more.bytes, lastId: more.lastId, full: more.full }
  }

  async function run(): Promise<void> {
    let pending = nothingAfter(feed.cursor(cursorName))
    let batchStartedAt = 0
    while (!deadlinePassed()) {
      try {
        if (!pending.full) {
          const before = pending.count
          pending = measureMore(pending)
          if (before === 0 && pending.count > 0) batchStartedAt = Date.now()
        }
        updateBacklogGauges()
        if (pending.count === 0) {
          if (stopping) return
          await sleep(IDLE_WAIT_MS, feed.waitForLines(pending.lastId, IDLE_WAIT_MS), stopRequested)
          continue
        }
        const waitLeft = Math.min(batchStartedAt + options.batch.maxWaitMs - Date.now(), IDLE_WAIT_MS)
        if (!pending.full && !stopping && waitLeft > 0) {
          await sleep(waitLeft, feed.waitForLines(pending.lastId, waitLeft), stopRequested)
          continue
        }
        if (!(await deliverPushes(pushesOf(pending)))) return
        commit(pending.lastId)
        pending = nothingAfter(pending.lastId)
        updateBacklogGauges()
      } catch (err) {
        // Nothing after start-up may crash the agent: start over from the committed cursor.
        log.error({ sink: id, err }, 'loki sink failed; restarting from its cursor')
        pending = nothingAfter(feed.cursor(cursorName))
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
