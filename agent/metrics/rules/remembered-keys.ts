/**
 * A bounded memory of keys whose pair finished (expired or completed), oldest
 * first, kept to tell a late or duplicate end from an orphan. With the
 * defaults it holds every order id of the last 10 minutes: 40,000 at the end
 * of the bench's catch-up.
 *
 * Remembering is an append to a ring of arrays; the map from key to
 * slot is built only when a key is looked up, which happens only for an end
 * that found no pending start (late, duplicate or orphan: rare). Keeping
 * that map as every pair completed, and looking each new start up in it,
 * were two random reads of a 40,000-key table per order, a third of what the
 * default metrics cost the agent (bench/PERFORMANCE-LOG.md). So a key may be
 * held twice (a key reused while its old pair is remembered); a lookup
 * answers with its newest entry, and the older one leaves when its turn comes.
 */
import type { Tracked } from './pending-pairs.js'

const INITIAL_SLOTS = 64

export class RememberedKeys<Series> {
  /**
   * Slots are numbered on from 0; a slot's place in the arrays is its number
   * modulo their length (a power of two). The object arrays are filled with
   * undefined from the start, so their elements are of the general kind
   * before any entry is written: the expired memory's first key comes 30 s of
   * lines after the completed memory's, and an array still of small integers'
   * kind then threw away the compiled `add`.
   */
  private keys: Array<string | undefined> = new Array<string | undefined>(INITIAL_SLOTS).fill(undefined)
  private series: Array<Series | undefined> = new Array<Series | undefined>(INITIAL_SLOTS).fill(undefined)
  private atMs = new Float64Array(INITIAL_SLOTS)
  private seqs = new Float64Array(INITIAL_SLOTS)
  /** Each key's newest slot, for the slots before `indexedTo`. */
  private readonly slotOf = new Map<string, number>()
  /** The oldest slot held, the next slot to fill, and the first slot not yet in `slotOf`. */
  private head = 0
  private tail = 0
  private indexedTo = 0

  get size(): number {
    return this.tail - this.head
  }

  /** The newest entry of `key`, if it is held. */
  get(key: string): Tracked<Series> | undefined {
    this.index()
    const slot = this.slotOf.get(key)
    return slot === undefined ? undefined : this.entryAt(slot)
  }

  /** Remembers a key as the newest entry; an older entry of the same key stays until it is the oldest and dropped. */
  add(key: string, atMs: number, seq: number, series: Series): void {
    if (this.tail - this.head === this.keys.length) this.grow()
    const at = this.tail & (this.keys.length - 1)
    this.keys[at] = key
    this.atMs[at] = atMs
    this.seqs[at] = seq
    this.series[at] = series
    this.tail++
  }

  /** Forgets the oldest entry, if any, and returns its sequence number: what a forgetting is journaled by, with no object a key. */
  dropOldest(): number | undefined {
    if (this.head === this.tail) return undefined
    const slot = this.head++
    const at = slot & (this.keys.length - 1)
    const key = this.keys[at]!
    this.keys[at] = undefined
    this.series[at] = undefined
    // Only when the map holds this very slot: a newer entry of the key keeps its own.
    if (slot < this.indexedTo && this.slotOf.get(key) === slot) this.slotOf.delete(key)
    return this.seqs[at]
  }

  /** The oldest entry, if any. */
  oldest(): Tracked<Series> | undefined {
    return this.head === this.tail ? undefined : this.entryAt(this.head)
  }

  /** When the oldest entry expired or completed; Infinity when empty. Allocates nothing: expiry asks it every batch. */
  oldestAtMs(): number {
    return this.head === this.tail ? Infinity : this.atMs[this.head & (this.keys.length - 1)]!
  }

  /** The oldest entry's sequence number, if any. */
  oldestSeq(): number | undefined {
    return this.head === this.tail ? undefined : this.seqs[this.head & (this.keys.length - 1)]
  }

  /** Puts the slots added since the last lookup into the key map, oldest first, so a key's newest slot wins. */
  private index(): void {
    for (let slot = Math.max(this.indexedTo, this.head); slot < this.tail; slot++) {
      this.slotOf.set(this.keys[slot & (this.keys.length - 1)]!, slot)
    }
    this.indexedTo = this.tail
  }

  private entryAt(slot: number): Tracked<Series> {
    const at = slot & (this.keys.length - 1)
    return { key: this.keys[at]!, atMs: this.atMs[at]!, seq: this.seqs[at]!, series: this.series[at]! }
  }

  /**
   * The arrays are full: they are doubled, each its own contents twice over,
   * so every slot keeps its number (slot s sits at s modulo the new length,
   * which holds the entry of s modulo the old) and no slot in the key map
   * changes. Then the half no live slot maps to lets go of its keys and series. Copies by
   * V8's built-ins: a loop over the entries was compiled anew (on-stack) at
   * each of the larger growths, in the agent's first seconds.
   */
  private grow(): void {
    const half = this.keys.length
    const length = 2 * half
    // The stale half: `half` positions from the tail's, wrapping past the end (fill stops at the array's end by itself).
    const stale = this.tail & (length - 1)
    this.keys = doubledRefs(this.keys, stale, half)
    this.series = doubledRefs(this.series, stale, half)
    this.atMs = doubled(this.atMs, new Float64Array(length))
    this.seqs = doubled(this.seqs, new Float64Array(length))
  }
}

/** `from` twice over, its `half` positions from `stale` on (wrapping) let go of. */
function doubledRefs<T>(from: Array<T | undefined>, stale: number, half: number): Array<T | undefined> {
  const refs = from.concat(from)
  refs.fill(undefined, stale, stale + half)
  if (stale > half) refs.fill(undefined, 0, stale - half)
  return refs
}

/** `into`, twice the length of `from`, holding `from` twice over. */
function doubled<T extends Float64Array>(from: T, into: T): T {
  into.set(from)
  into.set(from, from.length)
  return into
}
