/**
 * Pair state in the embedded store, so a start pending when the agent stops is
 * still answered or timed out correctly after it starts again. `apply()` is
 * synchronous so the pipeline can call it inside the transaction that commits
 * the batch which changed the state.
 *
 * The state is kept as a log of each batch's changes, one row per batch keyed
 * by its newest sequence number, not as one row per key: keys are correlation
 * ids, random UUIDs, and a table keyed by them sent every change to a random
 * page (default metrics cost the agent 30 % of its lines/s); a row per change
 * still cost 2 µs each. Rows are appended at the end, and rows holding only
 * changes older than the oldest live entry leave from the head, many at a
 * time. A row holds its changes as the journal wrote them (./pair-rows.ts).
 */
import type Database from 'better-sqlite3'
import { changesOfRow, FORGOTTEN, isForgetting, type StoredChange } from './pair-rows.js'
import { deltaOf, pairId, type PairEntry, type PairState, type PairStateDelta } from './rules/pair-journal.js'
import type { MetricsEngine } from './rules/engine.js'

/**
 * Superseded rows are deleted once this many rows were appended since the
 * last delete. Once remembered keys are forgotten, the oldest live entry
 * moves every batch, and a DELETE a batch rewrote b-tree and free-list pages
 * for one row; the CPU it saves is within the bench's noise (README,
 * "Performance"), the statements and page writes are not. Rows kept a while
 * longer load as before: every change in them is folded away by a newer one
 * or forgotten.
 */
export const ROWS_BETWEEN_DELETES = 32

export class PairStateStore {
  private readonly statements
  /** Rows before this sequence number are deleted already. */
  private deletedBefore = 0
  private appendedSinceDelete = 0

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS pair_changes (last_seq INTEGER PRIMARY KEY, changes TEXT NOT NULL)`)
    this.statements = {
      load: db.prepare(`SELECT changes FROM pair_changes ORDER BY last_seq`).pluck(),
      newestSeq: db.prepare(`SELECT max(last_seq) FROM pair_changes`).pluck(),
      append: db.prepare(`INSERT INTO pair_changes (last_seq, changes) VALUES (?, ?)`),
      dropBefore: db.prepare(`DELETE FROM pair_changes WHERE last_seq < ?`),
    }
    const rowPerKeyTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pending_pairs'`).get()
    if (rowPerKeyTable) this.carryOverRowPerKeyTable(db)
  }

  /**
   * The live entries, oldest change first: each key's latest change, unless
   * it is forgotten. A forgetting names the change it forgets; in rows of
   * earlier versions it names a key and holds the number of the newest change
   * it forgets where other changes hold their time (0 in the earliest:
   * every change numbered before its own).
   */
  load(): PairEntry[] {
    const latest = new Map<string, StoredChange>()
    const forgottenThrough = new Map<string, number>()
    const forgotten = new Set<number>()
    for (const row of this.statements.load.iterate() as IterableIterator<string | Buffer>) {
      for (const change of changesOfRow(row)) {
        if (isForgetting(change)) {
          forgotten.add(change[1])
          continue
        }
        const id = pairId(change[1], change[2])
        if (change[3] === FORGOTTEN) {
          const through = change[4] === 0 ? change[0] : change[4]
          if (through > (forgottenThrough.get(id) ?? 0)) forgottenThrough.set(id, through)
          continue
        }
        const known = latest.get(id)
        if (known === undefined || known[0] < change[0]) latest.set(id, change)
      }
    }
    return [...latest]
      .filter(([id, change]) => change[0] > (forgottenThrough.get(id) ?? 0) && !forgotten.has(change[0]))
      .map(([, change]) => change)
      .sort((a, b) => a[0] - b[0])
      .map(([seq, rule, key, state, atMs, labels]) => ({ rule, key, state: state as PairState, atMs, labels, seq }))
  }

  /** The highest sequence number stored, forgotten keys included: the engine numbers on from it. */
  newestSeq(): number {
    return (this.statements.newestSeq.get() as number | null) ?? 0
  }

  /**
   * Writes a delta; not a transaction of its own, so call it inside the
   * caller's. Superseded rows are deleted once the oldest live entry moved
   * on and {@link ROWS_BETWEEN_DELETES} rows were appended since the last
   * delete: a quiet agent keeps at most that many superseded rows.
   */
  apply(delta: PairStateDelta): void {
    if (delta.row !== undefined) {
      this.statements.append.run(delta.newestSeq, delta.row)
      this.appendedSinceDelete++
    }
    // A rolled-back transaction leaves rows this skipped: they are superseded, and go with the next delete.
    if (delta.liveFrom > this.deletedBefore && this.appendedSinceDelete >= ROWS_BETWEEN_DELETES) {
      this.statements.dropBefore.run(delta.liveFrom)
      this.deletedBefore = delta.liveFrom
      this.appendedSinceDelete = 0
    }
  }

  /** Earlier versions kept one row per key, each its latest change. */
  private carryOverRowPerKeyTable(db: Database.Database): void {
    db.transaction(() => {
      const rows = db.prepare(`SELECT rule, key, state, at_ms AS atMs, labels, seq FROM pending_pairs`).all() as Array<Omit<PairEntry, 'labels'> & { labels: string }>
      this.apply(deltaOf(rows.map((row) => ({ ...row, labels: JSON.parse(row.labels) as string[] })), 0))
      db.exec(`DROP TABLE pending_pairs`)
    })()
  }
}

/**
 * The work that commits pair state with the batch that changed it, for the
 * store transaction to run. The changes are taken from the engine now, once:
 * a commit that fails and is retried (disk full) writes them again, where
 * taking them inside the transaction wrote an empty delta the second time.
 */
export function pairChangesToCommit(engine: Pick<MetricsEngine, 'takeStateDelta'>, store: PairStateStore): () => void {
  const delta = engine.takeStateDelta()
  return () => store.apply(delta)
}
