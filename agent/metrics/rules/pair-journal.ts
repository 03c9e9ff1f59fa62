/**
 * Changes to pair state since the last persist, coalesced per key: a start and
 * its end in one batch become a single write. The pipeline drains it after
 * observe() and writes it in the same SQLite transaction as the batch and the
 * source positions, so pair state never runs ahead of or behind the lines.
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

export interface PairStateDelta {
  upserts: PairEntry[]
  deletes: Array<{ rule: string; key: string }>
}

type Change = { entry: PairEntry } | { rule: string; key: string }

export class PairJournal {
  private lastSeq = 0
  private changes = new Map<string, Change>()

  /** The next sequence number for a change. */
  nextSeq(): number {
    return ++this.lastSeq
  }

  /** Continues numbering after restored entries. */
  restored(seq: number): void {
    if (seq > this.lastSeq) this.lastSeq = seq
  }

  put(entry: PairEntry): void {
    this.changes.set(`${entry.rule}\u0000${entry.key}`, { entry })
  }

  remove(rule: string, key: string): void {
    this.changes.set(`${rule}\u0000${key}`, { rule, key })
  }

  /** The changes since the last call, and forgets them. */
  take(): PairStateDelta {
    const delta: PairStateDelta = { upserts: [], deletes: [] }
    for (const change of this.changes.values()) {
      if ('entry' in change) delta.upserts.push(change.entry)
      else delta.deletes.push(change)
    }
    this.changes = new Map()
    return delta
  }
}
