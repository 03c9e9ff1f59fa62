/**
 * The newest committed batches, kept in memory as their rows were written, so
 * a sink that keeps up reads what was just stored without SQLite: reading
 * the lines back (one row, one UTF-8 decode and one object per line) took a
 * sixth of the agent's CPU on the 500,000-line bench. A sink that fell
 * further behind (Loki down, a restart) reads the store as before; so the
 * store stays the one source of truth and the memory held stays bounded.
 *
 * Rows, not line objects: a line object held here outlived two scavenges and
 * was copied into V8's old generation, every line. A row is two buffers, off
 * V8's heap, and the lines a sink reads from it are made when it reads them.
 */
import { batchAfter, type BatchRow } from './batch-rows.js'

export class RecentLines {
  /** Committed batches, oldest first; ids run on without a gap from one to the next. */
  private rows: BatchRow[] = []
  private bytes = 0

  /** `maxBytes`: line text held; at least the newest batch is always kept. */
  constructor(private readonly maxBytes: number) {}

  /** A batch just committed, ids following on from the previous one. */
  add(row: BatchRow): void {
    if (row.count === 0) return
    const newest = this.rows.at(-1)
    if (newest !== undefined && row.firstId !== newest.firstId + newest.count) this.clear()
    this.rows.push(row)
    this.bytes += row.text.length
    while (this.bytes > this.maxBytes && this.rows.length > 1) this.bytes -= this.rows.shift()!.text.length
  }

  /**
   * The rows holding the lines with id > afterId, oldest first (empty when
   * none is newer): undefined when the line after `afterId` is older than any
   * held (read the store instead).
   */
  rowsAfter(afterId: number): BatchRow[] | undefined {
    const oldest = this.rows[0]
    if (oldest === undefined || afterId + 1 < oldest.firstId) return undefined
    let from = this.rows.length
    while (from > 0 && this.rows[from - 1]!.firstId + this.rows[from - 1]!.count - 1 > afterId) from--
    return this.rows.slice(from)
  }

  /** Forgets lines up to and including `id` (retention deleted them from the store). */
  dropThrough(id: number): void {
    while (this.rows.length > 0 && this.rows[0]!.firstId + this.rows[0]!.count - 1 <= id) this.bytes -= this.rows.shift()!.text.length
    const first = this.rows[0]
    if (first !== undefined && first.firstId <= id) {
      const kept = batchAfter(first, id)
      this.bytes -= first.text.length - kept.text.length
      this.rows[0] = kept
    }
  }

  clear(): void {
    this.rows = []
    this.bytes = 0
  }
}
