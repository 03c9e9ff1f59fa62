/**
 * Changes to pair state since the last persist, written as they happen into
 * the bytes of one pair-state row (../pair-rows.ts). The pipeline takes the
 * row after observe() and writes it in the same SQLite transaction as the
 * batch and the source positions, so pair state never runs ahead of or
 * behind the lines.
 *
 * Every change, a forgotten key included, has its own sequence number: the
 * store appends changes in that order, folds them by key when it loads, and
 * drops rows older than the oldest live entry (agent/metrics/pair-state.ts).
 */
import { RowGroup, RowWriter } from '../pair-rows.js'

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

/** The forgetting of one change: its key's newest when a memory dropped it, so a later change of the key outlives it. */
export interface ForgottenChange {
  seq: number
  /** The sequence number of the change it forgets. */
  forgets: number
}

export interface PairStateDelta {
  /** The changes as one row of the pair-state log, undefined when there were none. */
  row: Buffer | undefined
  /** Sequence number of the newest change in `row`: the row's key in the store. */
  newestSeq: number
  /** Sequence number of the oldest entry still live: every change before it is superseded. */
  liveFrom: number
}

/** The older of two sequence numbers, either of which may be missing: the oldest live change is what the store keeps from. */
export function older(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || (b !== undefined && b < a) ? b : a
}

/** One key of one rule, as a single map key. */
export const pairId = (rule: string, key: string): string => `${rule}\u0000${key}`

export class PairJournal {
  private lastSeq = 0
  private readonly changes = new RowWriter()

  /** The next sequence number for a change. */
  nextSeq(): number {
    return ++this.lastSeq
  }

  /** Continues numbering after restored entries. */
  restored(seq: number): void {
    if (seq > this.lastSeq) this.lastSeq = seq
  }

  /** The group a series' changes are written under: its rule and label values. Keep it with the series. */
  group(rule: string, labels: readonly string[]): RowGroup {
    return new RowGroup(rule, labels)
  }

  /** Writes a change; returns where it is, for `restate` while the row is `row`. */
  put(group: RowGroup, key: string, state: PairState, atMs: number, seq: number): number {
    return this.changes.change(group, state, seq, atMs, key)
  }

  /** The row changes are written to now. */
  get row(): number {
    return this.changes.rowNumber
  }

  /**
   * Replaces the change `put` wrote at `at` with the same key's next change,
   * numbered anew, when it is still in the row being written (`row`): a
   * start and its end in one batch cost the store one change, as before the
   * row was written change by change. Returns the new sequence number, or
   * undefined when that row was taken already.
   */
  restate(row: number, at: number, state: PairState, atMs: number): number | undefined {
    if (row !== this.changes.rowNumber) return undefined
    const seq = this.nextSeq()
    this.changes.restate(at, state, seq, atMs)
    return seq
  }

  /**
   * Forgets the change numbered `forgets`, the one that put a key where it
   * was dropped from: a record of its own, numbered `seq` (the next number
   * unless given). By number, not by key: 17 bytes, where a key's record
   * took 61 (README, "Performance").
   */
  forget(forgets: number, seq = this.nextSeq()): void {
    this.changes.forgetting(seq, forgets)
  }

  /** The changes since the last call, and forgets them; `oldestLiveSeq` is undefined when nothing is live. */
  take(oldestLiveSeq: number | undefined): PairStateDelta {
    const taken = this.changes.take()
    return { row: taken?.row, newestSeq: taken?.newestSeq ?? 0, liveFrom: oldestLiveSeq ?? this.lastSeq + 1 }
  }
}

/** A delta holding `changes` (each an entry, or a forgetting), for entries carried over from another layout and for tests. */
export function deltaOf(changes: ReadonlyArray<PairEntry | ForgottenChange>, liveFrom: number): PairStateDelta {
  const journal = new PairJournal()
  // One group for each rule and label values, as a series keeps its own.
  const groups = new Map<string, RowGroup>()
  for (const change of changes) {
    if (!('state' in change)) {
      journal.forget(change.forgets, change.seq)
      continue
    }
    const id = JSON.stringify([change.rule, change.labels])
    let group = groups.get(id)
    if (group === undefined) groups.set(id, (group = journal.group(change.rule, change.labels)))
    journal.put(group, change.key, change.state, change.atMs, change.seq)
  }
  return { ...journal.take(undefined), liveFrom }
}
