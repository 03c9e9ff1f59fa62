/**
 * An in-memory LineFeed for tests of components that read the store: lines
 * in an array with increasing ids, named cursors in a map. It also counts
 * the lines it handed out, so a test can prove a reader kept its memory
 * bounded (did not go on reading the backlog while it could not ship it).
 */
import type { LineFeed, StoredLine } from '../../agent/core/types.js'

export type NewLine = Omit<StoredLine, 'id' | 'readAtMs'> & { readAtMs?: number }

export class MemoryFeed implements LineFeed {
  private readonly stored: StoredLine[] = []
  private readonly cursors = new Map<string, number>()
  private waiters: Array<{ afterId: number; wake: () => void }> = []
  private nextId = 1
  /** Lines returned by readAfter so far. */
  linesHandedOut = 0

  /** Stores lines with the next ids and wakes readers waiting for them. */
  append(lines: readonly NewLine[]): StoredLine[] {
    const added = lines.map((line) => ({ readAtMs: Date.now(), ...line, id: this.nextId++ }))
    this.stored.push(...added)
    const last = this.lastId()
    const ready = this.waiters.filter((w) => w.afterId < last)
    this.waiters = this.waiters.filter((w) => w.afterId >= last)
    for (const waiter of ready) waiter.wake()
    return added
  }

  readAfter(afterId: number, limit: number): StoredLine[] {
    let lo = 0
    let hi = this.stored.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.stored[mid]!.id <= afterId) lo = mid + 1
      else hi = mid
    }
    const lines = this.stored.slice(lo, lo + limit)
    this.linesHandedOut += lines.length
    return lines
  }

  cursor(name: string): number {
    return this.cursors.get(name) ?? 0
  }

  commitCursor(name: string, id: number): void {
    this.cursors.set(name, id)
  }

  lastId(): number {
    return this.stored.at(-1)?.id ?? 0
  }

  waitForLines(afterId: number, timeoutMs: number): Promise<void> {
    if (this.lastId() > afterId) return Promise.resolve()
    return new Promise((resolve) => {
      const waiter = { afterId, wake: () => (clearTimeout(timer), resolve()) }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        resolve()
      }, timeoutMs)
      this.waiters.push(waiter)
    })
  }
}
