/**
 * Retention by age and by size. Lines every sink has delivered go first; when
 * the store is still over its size with a sink far behind (Loki down for days),
 * the oldest undelivered lines go too, and are counted as dropped with reason
 * `retention` — the one place the agent gives up lines, and it says so.
 */
import type { AgentMetrics } from '../metrics/internal.js'
import type { Store } from './store.js'

export interface RetentionPolicy {
  /** Lines whose read time is older than this are deleted. */
  maxAgeMs: number
  /** Bytes of pages in use above which the oldest lines are deleted. */
  maxBytes: number
}

export interface RetentionOutcome {
  deleted: number
  undeliveredDeleted: number
}

/** Deletes at most this many lines per statement, so one pass never holds the write lock long. */
const MAX_SLICE = 10_000

export function enforceRetention(
  store: Store,
  policy: RetentionPolicy,
  readers: readonly string[],
  metrics: AgentMetrics,
  nowMs = Date.now(),
): RetentionOutcome {
  const deliveredUpTo = Math.min(store.lastId(), ...readers.map((name) => store.cursor(name)))
  const outcome: RetentionOutcome = { deleted: 0, undeliveredDeleted: 0 }
  let undeliveredFrom = deliveredUpTo
  const deleteUpTo = (id: number): void => {
    if (id > undeliveredFrom) {
      const lost = store.lineCountBetween(undeliveredFrom, id)
      undeliveredFrom = id
      outcome.undeliveredDeleted += lost
      if (lost > 0) metrics.linesDropped.inc({ reason: 'retention' }, lost)
    }
    outcome.deleted += store.deleteThrough(id)
  }

  const oldestKept = store.lastIdReadBefore(nowMs - policy.maxAgeMs)
  if (oldestKept !== undefined) deleteUpTo(oldestKept)

  for (let size = store.sizeBytes(); size > policy.maxBytes; size = store.sizeBytes()) {
    const first = store.firstId()
    if (first === undefined) break
    // Lines are roughly alike in size: delete the share of them that the excess is of the whole.
    const share = Math.ceil((store.lineCount() * (size - policy.maxBytes)) / size)
    deleteUpTo(first + Math.min(MAX_SLICE, Math.max(100, share)) - 1)
    store.db.pragma('incremental_vacuum')
  }
  if (outcome.deleted > 0) store.db.pragma('incremental_vacuum')
  metrics.storeSize.set(store.sizeBytes())
  metrics.storeLines.set(store.lineCount())
  return outcome
}
