/**
 * Source → transforms → store, with taps (log-derived metrics) on the stream.
 * A batch is transformed once, the taps observe it once, and the lines, the
 * source positions and whatever the taps must persist are committed in one
 * store transaction. If that commit fails (disk full, locked file) the same
 * batch is retried with backoff and the source waits: it never re-reads, and
 * no tap counts a line twice.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import type { LogEvent, RawLine, SourceBatch } from './core/types.js'
import type { AgentMetrics } from './metrics/internal.js'
import type { Store } from './store/store.js'

/** A consumer of parsed lines that may have state to persist with them. */
export interface Tap {
  /** Sees every stored batch; returns work to run inside the batch's store transaction, if any. */
  observe(events: readonly LogEvent[]): (() => void) | void
}

export type Transform = (raw: RawLine, sourceId: string) => LogEvent | null

export interface PipelineOptions {
  store: Store
  transform: Transform
  taps: readonly Tap[]
  metrics: AgentMetrics
  log: Logger
  /** While true, a failing commit is retried; once false the batch is given up (shutdown). */
  running: () => boolean
}

const RETRY_MIN_MS = 100
const RETRY_MAX_MS = 5_000

export function createPipeline({ store, transform, taps, metrics, log, running }: PipelineOptions) {
  /**
   * A function of its own, not a loop inside the emitter: the loop made V8
   * compile the emitter within its first batches, before the taps' code it
   * calls once a batch had type feedback, and throw that code away at the
   * taps' first call (bench/PERFORMANCE-LOG.md, 2026-12-06, tenth session).
   */
  const transformAll = (lines: readonly RawLine[], sourceId: string): LogEvent[] => {
    const events: LogEvent[] = []
    for (const raw of lines) {
      const event = transform(raw, sourceId)
      if (event) events.push(event)
    }
    return events
  }
  return {
    /** The `emit` a source with this id is given. */
    emitterFor(sourceId: string) {
      return async (batch: SourceBatch): Promise<void> => {
        const events = transformAll(batch.lines, sourceId)
        // Built by a loop, not map and filter: their arrays came in two shapes, compiled code for one, then the other.
        const persistence: Array<() => void> = []
        for (const tap of taps) {
          const work = tap.observe(events)
          if (typeof work === 'function') persistence.push(work)
        }
        const persist = persistence.length === 0 ? undefined : () => {
          for (const work of persistence) work()
        }
        for (let attempt = 0; ; attempt++) {
          try {
            store.append(events, batch.checkpoints ?? [], persist)
            return
          } catch (error) {
            metrics.sourceErrors.inc({ source: sourceId, error_type: 'store_write' })
            if (!running()) throw error
            const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt)
            log.error({ err: error, source: sourceId, retry_in_ms: delay }, 'store write failed; the source waits and the batch is retried')
            await sleep(delay)
          }
        }
      }
    },
  }
}
