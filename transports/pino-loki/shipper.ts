/**
 * Ships lines to Loki from inside a service's process, on the one push stack
 * (transports/loki: batching, encodings, retries, result handling). Lines
 * wait in a bounded buffer: past `maxBufferedLines` the oldest are dropped
 * and counted, so an outage costs a known number of lines and never the
 * process's memory. One push is in flight at a time; a failed one is retried
 * with backoff until it succeeds, Loki refuses it for good (400), or close()'s
 * deadline passes. Failures are reported to `onReport`, never to the console.
 */
import {
  DEFAULT_SHIPPING,
  PendingEntries,
  backoffDelay,
  checkBackoffOptions,
  createLokiClient,
  encodeWithinLimit,
  type LabelledEntry,
  type LokiShippingSettings,
} from '../loki/index.js'
import { createEntryMaker } from './line-entry.js'

export type DropReason = 'buffer_full' | 'loki_rejected' | 'too_large' | 'shutdown'

/** What went wrong, as the transport reports it (plain data: it crosses from pino's worker thread). */
export type ShipperReport =
  | { type: 'push_failed'; status: number | string; error: string; attempt: number; retryInMs: number; lines: number }
  | { type: 'dropped'; reason: DropReason; lines: number; totalDropped: number; error?: string }

export interface ShipperStats {
  /** Lines Loki acknowledged. */
  sent: number
  /** Lines given up, by reason. */
  dropped: Record<DropReason, number>
  /** Lines waiting, in flight included. */
  buffered: number
  /** Pushes sent again after a failure. */
  retries: number
}

export interface LokiShipperOptions extends Partial<Omit<LokiShippingSettings, 'batch' | 'retry'>> {
  /** Loki's base URL (`http://loki:3100`) or its push URL. */
  url: string
  /** Static labels on every stream; `service` here names lines that carry none. */
  labels?: Record<string, string>
  batch?: Partial<LokiShippingSettings['batch']>
  retry?: Partial<LokiShippingSettings['retry']>
  /** Most lines waiting while Loki is slow or away (the batch in flight aside); past it the oldest are dropped and counted. */
  maxBufferedLines?: number
  /** How long close() keeps trying to deliver what is buffered. */
  closeTimeoutMs?: number
  onReport?: (report: ShipperReport) => void
}

export interface LokiShipper {
  write(line: string): void
  /** Resolves once everything written so far was delivered or given up. */
  flush(): Promise<void>
  /** Flushes within closeTimeoutMs, drops (and reports) what is left, and releases the connections. Safe twice. */
  close(): Promise<void>
  stats(): ShipperStats
}

const PUSH_PATH = '/loki/api/v1/push'
/** pino-loki keeps 10,000; a 10 s outage at 1,800 lines/s is 18,000, so room for a few times that. */
export const DEFAULT_MAX_BUFFERED_LINES = 100_000
/** Under pino's 10 s wait for a transport's worker to end at exit (thread-stream's end()). */
export const DEFAULT_CLOSE_TIMEOUT_MS = 9_000

function pushUrl(url: string): string {
  const parsed = new URL(url)
  if (parsed.username || parsed.password) throw new TypeError('url must not hold credentials; use basicAuth or bearerToken')
  const path = parsed.pathname.replace(/\/+$/, '')
  parsed.pathname = path.endsWith(PUSH_PATH) ? path : `${path}${PUSH_PATH}`
  return parsed.toString()
}

function positiveInteger(value: number, name: string): number {
  if (!(Number.isInteger(value) && value > 0)) throw new TypeError(`${name} must be a positive integer, received ${value}`)
  return value
}

export function createLokiShipper(options: LokiShipperOptions): LokiShipper {
  if (typeof options?.url !== 'string') throw new TypeError(`url must be Loki's base URL as a string, received ${typeof options?.url}`)
  const {
    labels = {},
    maxBufferedLines = DEFAULT_MAX_BUFFERED_LINES,
    closeTimeoutMs = DEFAULT_CLOSE_TIMEOUT_MS,
    onReport = () => undefined,
  } = options
  const batch = { ...DEFAULT_SHIPPING.batch, ...options.batch }
  const retry = { ...DEFAULT_SHIPPING.retry, ...options.retry }
  const backoff = { minMs: retry.minBackoffMs, maxMs: retry.maxBackoffMs }
  checkBackoffOptions(backoff)
  positiveInteger(maxBufferedLines, 'maxBufferedLines')
  const client = createLokiClient({
    endpoint: pushUrl(options.url),
    encoding: options.encoding ?? DEFAULT_SHIPPING.encoding,
    gzip: options.gzip ?? DEFAULT_SHIPPING.gzip,
    tenantId: options.tenantId,
    basicAuth: options.basicAuth,
    bearerToken: options.bearerToken,
    timeoutMs: options.timeoutMs ?? DEFAULT_SHIPPING.timeoutMs,
    tls: options.tls,
  })
  const makeEntry = createEntryMaker(labels)
  const pending = new PendingEntries<LabelledEntry>(positiveInteger(batch.maxBytes, 'batch.maxBytes'))
  const stats: ShipperStats = { sent: 0, dropped: { buffer_full: 0, loki_rejected: 0, too_large: 0, shutdown: 0 }, buffered: 0, retries: 0 }
  let inFlight = 0
  let unreportedOverflow = 0
  let pumping: Promise<void> | undefined
  let waitTimer: NodeJS.Timeout | undefined
  let oldestAt = 0
  let draining = 0
  let deadlineAt = Infinity
  const wakers: Array<() => void> = []
  let closed: Promise<void> | undefined

  const totalDropped = () => Object.values(stats.dropped).reduce((a, b) => a + b, 0)
  const report = (r: ShipperReport) => {
    try {
      onReport(r)
    } catch {
      // A throwing listener must not stop the shipping.
    }
  }
  function drop(reason: DropReason, lines: number, error?: string): void {
    if (lines === 0) return
    stats.dropped[reason] += lines
    report({ type: 'dropped', reason, lines, totalDropped: totalDropped(), ...(error ? { error } : {}) })
  }
  function reportOverflow(): void {
    if (unreportedOverflow === 0) return
    report({ type: 'dropped', reason: 'buffer_full', lines: unreportedOverflow, totalDropped: totalDropped() })
    unreportedOverflow = 0
  }

  /** Sends one encoded part until it is settled; false when the close deadline stopped it. */
  async function sendPart(part: ReturnType<typeof encodeWithinLimit<LabelledEntry>>[number]): Promise<boolean> {
    if ('tooLarge' in part) return drop('too_large', part.entries.length), true
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) stats.retries++
      const result = await client.send(part.encoded)
      if (result.ok) return (stats.sent += part.entries.length), true
      if (!result.retryable) return drop('loki_rejected', part.entries.length, `${result.status}: ${result.error}`), true
      const retryInMs = backoffDelay(attempt, backoff, result.retryAfterMs)
      report({ type: 'push_failed', status: result.status, error: result.error, attempt: attempt + 1, retryInMs, lines: part.entries.length })
      reportOverflow()
      if (Date.now() + retryInMs >= deadlineAt) return drop('shutdown', part.entries.length, `${result.status}: ${result.error}`), false
      await new Promise((resolve) => setTimeout(resolve, retryInMs))
    }
  }

  /** Sends batches while there is a full one, or any at all while draining or once the oldest line waited maxWaitMs. */
  async function pump(): Promise<void> {
    while (pending.length > 0 && (pending.full || draining > 0 || Date.now() - oldestAt >= batch.maxWaitMs)) {
      const entries = pending.take()
      inFlight = entries.length
      oldestAt = Date.now()
      let delivered = true
      for (const part of encodeWithinLimit(entries, client.encode, client.maxBodyBytes)) {
        if (!delivered) drop('shutdown', part.entries.length)
        else delivered = await sendPart(part)
      }
      inFlight = 0
      reportOverflow()
      if (!delivered) {
        drop('shutdown', pending.dropOldest(pending.length))
        break
      }
    }
  }

  // The bookkeeping waits for pump() to settle: a pump that finds nothing due returns at once, and clearing
  // `pumping` inside it would come before kick() stored it, leaving a settled promise that stops all shipping.
  function kick(): void {
    if (pumping) return
    pumping = pump().finally(() => {
      pumping = undefined
      if (pending.length > 0) schedule()
      for (const wake of wakers.splice(0)) wake()
    })
  }

  function schedule(): void {
    if (waitTimer || pumping) return
    waitTimer = setTimeout(() => {
      waitTimer = undefined
      kick()
    }, Math.max(0, batch.maxWaitMs - (Date.now() - oldestAt)))
    // Waiting lines alone do not keep a process alive: exit flushes through close().
    waitTimer.unref()
  }

  async function drainUntilEmpty(): Promise<void> {
    draining++
    try {
      while (pending.length > 0 || pumping) {
        const woken = new Promise<void>((resolve) => wakers.push(resolve))
        kick()
        await woken
      }
    } finally {
      draining--
    }
  }

  return {
    write(line) {
      if (closed) return drop('shutdown', 1)
      if (line.length === 0) return
      if (pending.length >= maxBufferedLines) {
        pending.dropOldest(1)
        stats.dropped.buffer_full++
        unreportedOverflow++
      }
      if (pending.length === 0) oldestAt = Date.now()
      pending.add(makeEntry(line))
      if (pending.full) kick()
      else schedule()
    },
    flush: drainUntilEmpty,
    close() {
      closed ??= (async () => {
        clearTimeout(waitTimer)
        deadlineAt = Date.now() + closeTimeoutMs
        await drainUntilEmpty()
        reportOverflow()
        client.close()
      })()
      return closed
    },
    stats: () => ({ ...stats, dropped: { ...stats.dropped }, buffered: pending.length + inFlight }),
  }
}
