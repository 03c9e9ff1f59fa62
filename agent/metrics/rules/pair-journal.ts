/**
 * Changes to pair state since the last persist, coalesced per key: a start and
 * its end in one batch become a single write. The pipeline drains it after
 * observe() and writes it in the same SQLite transaction as the batch and the
 * source positions, so pair state never runs ahead of or behind the lines.
 *
 * Every change, a forgotten key included, has its own sequence number: the
 * store appends changes in that order and drops those older than the oldest
 * live entry (agent/metrics/pair-state.ts).
 */

/** pending: a start awaiting its end. expired / completed: remembered to classify late and duplicate ends. */
export type PairState = 'pending' | 'expired' | 'completed'

/** One key of one pair rule, as persisted. */
export interface PairEntry {
  /** The pair rule's name (its metric prefix). */
  rule: string
  key: string
  state: PairState
  /** pending: the start line's time; otherwise when it expired or completed (line clock), ms since the epoch. */
  atMs: number
  /** Label values taken from the start line, after the cardinality guard. */
  labels: readonly string[]
  /** Order of the last change, so a restart rebuilds the oldest-first order eviction relies on. */
  seq: number
}

export interface ForgottenKey {
  rule: string
  key: string
  seq: number
}

export interface PairStateDelta {
  upserts: PairEntry[]
  deletes: ForgottenKey[]
  /** Sequence number of the oldest entry still live: every change before it is superseded. */
  liveFrom: number
}

type Change = PairEntry | ForgottenKey

/** One key of one rule, as a single map key. */
export const pairId = (rule: string, key: string): string => `${rule}\u0000${key}`

export class PairJournal {
  private lastSeq = 0
  /** By rule, then key: a key's own string (its hash cached in it) looks it up, where a rule-and-key string was built and hashed twice an order. */
  private changes = new Map<string, Map<string, Change>>()

  /** The next sequence number for a change. */
  nextSeq(): number {
    return ++this.lastSeq
  }

  /** Continues numbering after restored entries. */
  restored(seq: number): void {
    if (seq > this.lastSeq) this.lastSeq = seq
  }

  put(entry: PairEntry): void {
    this.changesOf(entry.rule).set(entry.key, entry)
  }

  remove(rule: string, key: string): void {
    this.changesOf(rule).set(key, { rule, key, seq: this.nextSeq() })
  }

  /** The changes since the last call, and forgets them; `oldestLiveSeq` is undefined when nothing is live. */
  take(oldestLiveSeq: number | undefined): PairStateDelta {
    const delta: PairStateDelta = { upserts: [], deletes: [], liveFrom: oldestLiveSeq ?? this.lastSeq + 1 }
    for (const byKey of this.changes.values()) {
      for (const change of byKey.values()) {
        if ('state' in change) delta.upserts.push(change)
        else delta.deletes.push(change)
      }
    }
    this.changes = new Map()
    return delta
  }

  private changesOf(rule: string): Map<string, Change> {
    let byKey = this.changes.get(rule)
    if (byKey === undefined) this.changes.set(rule, (byKey = new Map()))
    return byKey
  }
}
