/**
 * The newest committed lines, kept in memory as the sinks will read them, so
 * a sink that keeps up reads what was just stored without SQLite: reading
 * the lines back (one row, one UTF-8 decode and one object per line) took a
 * sixth of the agent's CPU on the 500,000-line bench. A sink that fell
 * further behind (Loki down, a restart) reads the store as before; so the
 * store stays the one source of truth and the memory held stays bounded.
 */
import type { StoredLine } from '../core/types.js'

function charsOf(lines: readonly StoredLine[]): number {
  let chars = 0
  for (const line of lines) chars += line.line.length
  return chars
}

export class RecentLines {
  /** Committed batches, oldest first; ids run on without a gap from one to the next. */
  private batches: StoredLine[][] = []
  private sizes: number[] = []
  private chars = 0

  /** `maxChars`: line text held, in UTF-16 units; at least the newest batch is always kept. */
  constructor(private readonly maxChars: number) {}

  /** A batch just committed, ids following on from the previous one. */
  add(lines: StoredLine[]): void {
    if (lines.length === 0) return
    const newest = this.batches.at(-1)?.at(-1)
    if (newest !== undefined && lines[0]!.id !== newest.id + 1) this.clear()
    const size = charsOf(lines)
    this.batches.push(lines)
    this.sizes.push(size)
    this.chars += size
    while (this.chars > this.maxChars && this.batches.length > 1) {
      this.batches.shift()
      this.chars -= this.sizes.shift()!
    }
  }

  /**
   * Lines with id > afterId, oldest first, at most `limit`: undefined when
   * the line after `afterId` is older than any held (read the store instead).
   */
  after(afterId: number, limit: number): StoredLine[] | undefined {
    const oldest = this.batches[0]?.[0]
    if (oldest === undefined || afterId + 1 < oldest.id) return undefined
    const found: StoredLine[] = []
    for (const batch of this.batches) {
      const from = afterId + 1 - batch[0]!.id
      if (from >= batch.length) continue
      for (let i = Math.max(0, from); i < batch.length && found.length < limit; i++) found.push(batch[i]!)
      if (found.length === limit) break
    }
    return found
  }

  /** Forgets lines up to and including `id` (retention deleted them from the store). */
  dropThrough(id: number): void {
    while (this.batches.length > 0 && this.batches[0]!.at(-1)!.id <= id) {
      this.batches.shift()
      this.chars -= this.sizes.shift()!
    }
    const first = this.batches[0]
    if (first !== undefined && first[0]!.id <= id) {
      const kept = first.slice(id + 1 - first[0]!.id)
      const keptSize = charsOf(kept)
      this.chars -= this.sizes[0]! - keptSize
      this.sizes[0] = keptSize
      this.batches[0] = kept
    }
  }

  clear(): void {
    this.batches = []
    this.sizes = []
    this.chars = 0
  }
}
