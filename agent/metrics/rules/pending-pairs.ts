/**
 * The state of one pair rule: starts awaiting their end, and bounded memories
 * of recently expired and completed keys (./remembered-keys.ts). Insertion
 * order is age, so the oldest entry is the first one and eviction and expiry
 * stop at the first entry that is young enough. A key pending is looked up
 * there first; a key may also be remembered from an earlier pair (a reused
 * key), and of its remembered entries the newest decides.
 */
import { older, type PairEntry, type PairJournal, type PairState } from './pair-journal.js'
import type { RowGroup } from '../pair-rows.js'
import { RememberedKeys } from './remembered-keys.js'

export interface Tracked<Series> {
  key: string
  /** Sequence number of the journal change that put it where it is; 0 until written, which keeps every change in the store. */
  seq: number
  /** pending: the start line's time; remembered: when it expired or completed. */
  atMs: number
  series: Series
}

/** A pending start, and where its change sits in the journal's row (row 0: not written by this engine). */
interface PendingStart<Series> extends Tracked<Series> {
  changeRow: number
  changeAt: number
}

export type UnansweredReason = 'timeout' | 'evicted'

/** What an end line found; told to the pair rule without an outcome object an end (README, "Performance"). */
export interface EndHandler<Series> {
  /** Its start was pending and within the timeout. */
  completed(start: Tracked<Series>, endMs: number): void
  /** It came after the timeout (its start is counted unanswered, now or before). */
  late(series: Series): void
  /** Its pair had already ended. */
  duplicate(series: Series): void
}

export interface PendingPairsOptions<Series> {
  timeoutMs: number
  /** Bound of each map (pending, expired, completed). */
  maxEntries: number
  rememberForMs: number
  journal: PairJournal
  /** The journal's group for a series' changes (its rule and label values), kept with the series. */
  journalGroupOf(series: Series): RowGroup
  /** A pending start left unanswered; it is already out of the pending map. */
  onUnanswered(start: Tracked<Series>, reason: UnansweredReason): void
}

export class PendingPairs<Series> {
  private readonly pending = new Map<string, PendingStart<Series>>()
  private readonly expired = new RememberedKeys<Series>()
  private readonly completed = new RememberedKeys<Series>()

  constructor(private readonly options: PendingPairsOptions<Series>) {}

  /** Opens a pair; false when the key is already pending (a duplicate start: the first one's time is kept). */
  start(key: string, atMs: number, series: Series): boolean {
    // A key reused after its pair finished starts a new pair; its memory of the old one stays, older than anything the new pair leaves.
    if (this.pending.has(key)) return false
    this.addPending({ key, atMs, series, seq: 0, changeRow: 0, changeAt: 0 })
    return true
  }

  /** Tells `handler` what an end of `key` at `atMs` found; false when this set does not know the key. */
  end(key: string, atMs: number, handler: EndHandler<Series>): boolean {
    const start = this.pending.get(key)
    if (start !== undefined) {
      this.pending.delete(key)
      this.remember('completed', key, atMs, start.series, this.options.journal.restate(start.changeRow, start.changeAt, 'completed', atMs))
      if (atMs - start.atMs <= this.options.timeoutMs) {
        handler.completed(start, atMs)
      } else {
        this.options.onUnanswered(start, 'timeout')
        handler.late(start.series)
      }
      return true
    }
    const expired = this.expired.get(key)
    const completed = this.completed.get(key)
    if (expired !== undefined && (completed === undefined || expired.seq > completed.seq)) {
      // Remembered as completed now, newer than its expiry: a further end is a duplicate.
      this.remember('completed', key, atMs, expired.series)
      handler.late(expired.series)
      return true
    }
    if (completed === undefined) return false
    handler.duplicate(completed.series)
    return true
  }

  /** Times out pending starts older than the timeout and forgets memories older than remember_for. */
  expire(watermarkMs: number): void {
    const { timeoutMs, rememberForMs } = this.options
    for (const start of this.pending.values()) {
      if (watermarkMs - start.atMs <= timeoutMs) break
      this.pending.delete(start.key)
      this.remember('expired', start.key, watermarkMs, start.series)
      this.options.onUnanswered(start, 'timeout')
    }
    while (watermarkMs - this.expired.oldestAtMs() > rememberForMs) this.forgetOldest(this.expired)
    while (watermarkMs - this.completed.oldestAtMs() > rememberForMs) this.forgetOldest(this.completed)
  }

  /** Sequence number of the oldest entry of the three maps; undefined when all are empty. */
  oldestSeq(): number | undefined {
    // Each key is in one of the three, appended when written: each one's first entry is its oldest change.
    return older(older(this.pending.values().next().value?.seq, this.expired.oldestSeq()), this.completed.oldestSeq())
  }

  /** Puts back an entry loaded from the store; call in `seq` order. */
  restore(entry: PairEntry, series: Series): void {
    if (entry.state === 'pending') this.addPending({ key: entry.key, atMs: entry.atMs, series, seq: entry.seq, changeRow: 0, changeAt: 0 }, false)
    else this.remember(entry.state, entry.key, entry.atMs, series, entry.seq)
  }

  private addPending(start: PendingStart<Series>, journal = true): void {
    if (this.pending.size >= this.options.maxEntries) {
      const oldest = this.pending.values().next().value!
      this.pending.delete(oldest.key)
      this.remember('expired', oldest.key, Math.max(start.atMs, oldest.atMs), oldest.series)
      this.options.onUnanswered(oldest, 'evicted')
    }
    this.pending.set(start.key, start)
    if (journal) start.seq = this.write('pending', start.key, start.atMs, start.series, start)
  }

  /**
   * Remembers a finished pair; `writtenSeq` when the journal holds its change
   * already: an entry loaded from the store, or a start's change restated.
   */
  private remember(state: Exclude<PairState, 'pending'>, key: string, atMs: number, series: Series, writtenSeq?: number): void {
    const memory = state === 'expired' ? this.expired : this.completed
    if (memory.size >= this.options.maxEntries) this.forgetOldest(memory)
    memory.add(key, atMs, writtenSeq ?? this.write(state, key, atMs, series), series)
  }

  /** Journals the forgetting of the dropped entry's change: a later change of the key (it started again) outlives it. */
  private forgetOldest(memory: RememberedKeys<Series>): void {
    this.options.journal.forget(memory.dropOldest()!)
  }

  /** Journals a change; returns its sequence number. A pending `start` is told where its change is, for `end` to restate it. */
  private write(state: PairState, key: string, atMs: number, series: Series, start?: PendingStart<Series>): number {
    const { journal, journalGroupOf } = this.options
    const seq = journal.nextSeq()
    const at = journal.put(journalGroupOf(series), key, state, atMs, seq)
    if (start !== undefined) {
      start.changeRow = journal.row
      start.changeAt = at
    }
    return seq
  }
}
