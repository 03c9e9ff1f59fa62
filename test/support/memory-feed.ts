/**
 * An in-memory LineFeed for tests of components that read the store: lines
 * in an array with increasing ids, named cursors in a map. It also counts
 * the lines it handed out, so a test can prove a reader kept its memory
 * bounded (did not go on reading the backlog while it could not ship it).
 */
import type { LineFeed, MeasuredLines, StoredLine } from '../../agent/core/types.js'

export type NewLine = Omit<StoredLine, 'id' | 'readAtMs' | 'bytes'> & { readAtMs?: number }

export class MemoryFeed implements LineFeed {
  private readonly stored: StoredLine[] = []
  private readonly cursors = new Map<string, number>()
  private waiters: Array<{ afterId: number; wake: () => void }> = []
  private nextId = 1
  /** Lines returned by readAfter so far. */
  linesHandedOut = 0

  /** Stores lines with the next ids and wakes readers waiting for them. */
  append(lines: readonly NewLine[]): StoredLine[] {
    const added = lines.map((line) => ({ readAtMs: Date.now(), ...line, bytes: Buffer.byteLength(line.line), id: this.nextId++ }))
    this.stored.push(...added)
    const last = this.lastId()
    const ready = this.waiters.filter((w) => w.afterId < last)
    this.waiters = this.waiters.filter((w) => w.afterId >= last)
    for (const waiter of ready) waiter.wake()
    return added
  }

  readAfter(afterId: number, limit: number): StoredLine[] {
    const from = this.indexAfter(afterId)
    const lines = this.stored.slice(from, from + limit)
    this.linesHandedOut += lines.length
    return lines
  }

  measureAfter(afterId: number, maxBytes: number): MeasuredLines {
    const measured = { count: 0, bytes: 0, lastId: afterId, full: false }
    for (let i = this.indexAfter(afterId); i < this.stored.length; i++) {
      const { id, bytes } = this.stored[i]!
      if (measured.count > 0 && measured.bytes + bytes > maxBytes) return { ...measured, full: true }
      measured.count++
      measured.bytes += bytes
      measured.lastId = id
      if (measured.bytes >= maxBytes) return { ...measured, full: true }
    }
    return measured
  }

  /** Index of the first line with id > afterId. */
  private indexAfter(afterId: number): number {
    let lo = 0
    let hi = this.stored.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.stored[mid]!.id <= afterId) lo = mid + 1
      else hi = mid
    }
    return lo
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
