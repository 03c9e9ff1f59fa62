/**
 * A bounded memory of keys whose pair finished (expired or completed), oldest
 * first, kept to tell a late or duplicate end from an orphan. With the
 * defaults it holds every order id of the last 10 minutes: 40,000 at the end
 * of the bench's catch-up. A key maps to a numbered slot of typed arrays, not
 * to an object of its own: the garbage collector then marks one string a key
 * instead of a string, an object and a boxed number, on the helper thread
 * that shares the service's cores (README, "Performance").
 */
import type { Tracked } from './pending-pairs.js'

const INITIAL_SLOTS = 64

export class RememberedKeys<Series> {
  /** Slots are numbered on from 0; a slot's place in the arrays is its number modulo their length (a power of two). */
  private keys: Array<string | undefined> = new Array<string | undefined>(INITIAL_SLOTS)
  private atMs = new Float64Array(INITIAL_SLOTS)
  private seqs = new Float64Array(INITIAL_SLOTS)
  private seriesIds = new Uint32Array(INITIAL_SLOTS)
  private readonly seriesById: Series[] = []
  private readonly idOfSeries = new Map<Series, number>()
  /** The oldest slot still held (or a hole left by `delete`), and the next slot to fill. */
  private head = 0
  private tail = 0
  private count = 0

  /**
   * `slotOf` may be shared with other memories, each with its own `tag` (0
   * or 1), when a key is in at most one of them: then one lookup tells
   * whether any holds a key (`PendingPairs.start`). It maps a key to its
   * slot number times two plus the tag.
   */
  constructor(
    private readonly slotOf = new Map<string, number>(),
    private readonly tag: 0 | 1 = 0,
  ) {}

  get size(): number {
    return this.count
  }

  get(key: string): Tracked<Series> | undefined {
    const slot = this.slotHolding(key)
    return slot === undefined ? undefined : this.entryAt(slot)
  }

  /** Remembers a key that is not remembered yet, as the newest entry. */
  add(key: string, atMs: number, seq: number, series: Series): void {
    if (this.tail - this.head === this.keys.length) this.makeRoom()
    const at = this.tail & (this.keys.length - 1)
    this.keys[at] = key
    this.atMs[at] = atMs
    this.seqs[at] = seq
    this.seriesIds[at] = this.seriesIdOf(series)
    this.slotOf.set(key, this.tail++ * 2 + this.tag)
    this.count++
  }

  delete(key: string): boolean {
    const slot = this.slotHolding(key)
    if (slot === undefined) return false
    this.vacate(key, slot)
    return true
  }

  /** Forgets the oldest entry, if any, and returns its key: one lookup fewer than `delete` of its key, as its slot is known. */
  dropOldest(): string | undefined {
    if (this.head === this.tail) return undefined
    const key = this.keys[this.head & (this.keys.length - 1)]!
    this.vacate(key, this.head)
    return key
  }

  /** The oldest entry, if any. */
  oldest(): Tracked<Series> | undefined {
    return this.head === this.tail ? undefined : this.entryAt(this.head)
  }

  /** The slot of `key` in this memory, not in another sharing `slotOf`. */
  private slotHolding(key: string): number | undefined {
    const value = this.slotOf.get(key)
    return value === undefined || value % 2 !== this.tag ? undefined : (value - this.tag) / 2
  }

  private entryAt(slot: number): Tracked<Series> {
    const at = slot & (this.keys.length - 1)
    return { key: this.keys[at]!, atMs: this.atMs[at]!, seq: this.seqs[at]!, series: this.seriesById[this.seriesIds[at]!]! }
  }

  private seriesIdOf(series: Series): number {
    let id = this.idOfSeries.get(series)
    if (id === undefined) {
      id = this.seriesById.push(series) - 1
      this.idOfSeries.set(series, id)
    }
    return id
  }

  private vacate(key: string, slot: number): void {
    this.slotOf.delete(key)
    this.keys[slot & (this.keys.length - 1)] = undefined
    this.count--
    this.skipHoles()
  }

  private skipHoles(): void {
    const mask = this.keys.length - 1
    while (this.head < this.tail && this.keys[this.head & mask] === undefined) this.head++
  }

  /**
   * The arrays are full. When holes left by `delete` are half of them, the
   * entries are copied in age order into arrays as long, numbering the slots
   * from 0 again; otherwise into arrays twice as long, where every slot keeps
   * its number (at number modulo the new length), so no key's slot changes: a
   * catch-up that remembers 40,000 orders grows the arrays ten times, and
   * renumbering rewrote each key in `slotOf` at each growth.
   */
  private makeRoom(): void {
    const renumber = this.size <= this.keys.length / 2
    const mask = this.keys.length - 1
    const length = renumber ? this.keys.length : this.keys.length * 2
    const keys = new Array<string | undefined>(length)
    const atMs = new Float64Array(length)
    const seqs = new Float64Array(length)
    const seriesIds = new Uint32Array(length)
    let next = 0
    for (let slot = this.head; slot < this.tail; slot++) {
      const from = slot & mask
      const key = this.keys[from]
      if (renumber && key === undefined) continue
      const to = renumber ? next++ : slot & (length - 1)
      if (renumber) this.slotOf.set(key!, to * 2 + this.tag)
      keys[to] = key
      atMs[to] = this.atMs[from]!
      seqs[to] = this.seqs[from]!
      seriesIds[to] = this.seriesIds[from]!
    }
    this.keys = keys
    this.atMs = atMs
    this.seqs = seqs
    this.seriesIds = seriesIds
    if (renumber) {
      this.head = 0
      this.tail = next
    }
  }
}
