/**
 * Pair state in the embedded store, so a start pending when the agent stops is
 * still answered or timed out correctly after it starts again. `apply()` is
 * synchronous so the pipeline can call it inside the transaction that commits
 * the batch which changed the state.
 *
 * The state is kept as a journal of changes keyed by their sequence number,
 * not as one row per key: keys are correlation ids, random UUIDs, and a table
 * keyed by them takes every change to a random page (measured: default
 * metrics cut the agent's lines/s by 30 %). Appends go to the end of the
 * journal and superseded changes leave from its head, in ranges.
 */
import type Database from 'better-sqlite3'
import type { PairEntry, PairState, PairStateDelta } from './rules/pair-journal.js'

const FORGOTTEN = 'forgotten'

interface Row {
  seq: number
  rule: string
  key: string
  state: PairState | typeof FORGOTTEN
  at_ms: number
  labels: string
}

export class PairStateStore {
  private readonly statements

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS pair_journal (
        seq INTEGER PRIMARY KEY,
        rule TEXT NOT NULL,
        key TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'expired', 'completed', '${FORGOTTEN}')),
        at_ms REAL NOT NULL,
        labels TEXT NOT NULL
      )
    `)
    const rowPerKeyTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pending_pairs'`).get()
    if (rowPerKeyTable) {
      // Written by earlier versions: one row per key, each its latest change.
      db.transaction(() => {
        db.exec(`INSERT OR IGNORE INTO pair_journal (seq, rule, key, state, at_ms, labels) SELECT seq, rule, key, state, at_ms, labels FROM pending_pairs`)
        db.exec(`DROP TABLE pending_pairs`)
      })()
    }
    this.statements = {
      load: db.prepare(`SELECT seq, rule, key, state, at_ms, labels FROM pair_journal ORDER BY seq`),
      append: db.prepare(`INSERT OR REPLACE INTO pair_journal (seq, rule, key, state, at_ms, labels) VALUES (?, ?, ?, ?, ?, ?)`),
      dropBefore: db.prepare(`DELETE FROM pair_journal WHERE seq < ?`),
    }
  }

  /** The live entries: each key's latest change unless it forgot the key, oldest change first. */
  load(): PairEntry[] {
    const latest = new Map<string, PairEntry>()
    for (const row of this.statements.load.iterate() as IterableIterator<Row>) {
      const id = `${row.rule}\u0000${row.key}`
      // Re-inserted, not updated in place: the map's order stays the order of the latest changes.
      latest.delete(id)
      if (row.state === FORGOTTEN) continue
      latest.set(id, { rule: row.rule, key: row.key, state: row.state, atMs: row.at_ms, labels: JSON.parse(row.labels) as string[], seq: row.seq })
    }
    return [...latest.values()]
  }

  /** Writes a delta; not a transaction of its own, so call it inside the caller's. */
  apply(delta: PairStateDelta): void {
    for (const e of delta.upserts) this.statements.append.run(e.seq, e.rule, e.key, e.state, e.atMs, JSON.stringify(e.labels))
    for (const { rule, key, seq } of delta.deletes) this.statements.append.run(seq, rule, key, FORGOTTEN, 0, '[]')
    this.statements.dropBefore.run(delta.liveFrom)
  }
}
