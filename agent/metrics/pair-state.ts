/**
 * Pair state in the embedded store, so a start pending when the agent stops is
 * still answered or timed out correctly after it starts again. `apply()` is
 * synchronous so the pipeline can call it inside the transaction that commits
 * the batch which changed the state.
 */
import type Database from 'better-sqlite3'
import type { PairEntry, PairState, PairStateDelta } from './rules/pair-journal.js'

interface Row {
  rule: string
  key: string
  state: PairState
  at_ms: number
  labels: string
  seq: number
}

export class PairStateStore {
  private readonly statements

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS pending_pairs (
        rule TEXT NOT NULL,
        key TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'expired', 'completed')),
        at_ms REAL NOT NULL,
        labels TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (rule, key)
      ) WITHOUT ROWID
    `)
    this.statements = {
      load: db.prepare(`SELECT rule, key, state, at_ms, labels, seq FROM pending_pairs ORDER BY seq`),
      upsert: db.prepare(
        `INSERT INTO pending_pairs (rule, key, state, at_ms, labels, seq) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (rule, key) DO UPDATE SET state = excluded.state, at_ms = excluded.at_ms, labels = excluded.labels, seq = excluded.seq`,
      ),
      delete: db.prepare(`DELETE FROM pending_pairs WHERE rule = ? AND key = ?`),
    }
  }

  /** Every persisted entry, oldest change first. */
  load(): PairEntry[] {
    return (this.statements.load.all() as Row[]).map((row) => ({
      rule: row.rule,
      key: row.key,
      state: row.state,
      atMs: row.at_ms,
      labels: JSON.parse(row.labels) as string[],
      seq: row.seq,
    }))
  }

  /** Writes a delta; not a transaction of its own, so call it inside the caller's. */
  apply(delta: PairStateDelta): void {
    for (const { rule, key } of delta.deletes) this.statements.delete.run(rule, key)
    for (const e of delta.upserts) this.statements.upsert.run(e.rule, e.key, e.state, e.atMs, JSON.stringify(e.labels), e.seq)
  }
}
