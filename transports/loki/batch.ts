/**
 * Batching: entries wait in arrival order until about `maxBytes` of line text
 * has gathered, then leave as one push; a push whose encoded body would pass
 * the body limit is halved until it fits, and an entry that cannot fit even
 * alone is handed back to be dropped instead of blocking everything behind it.
 */
import type { EncodedPush, LabelledEntry, LokiStream } from './types.js'

/** Entries grouped by stream; order within a stream is kept, streams in order of first appearance. */
export function groupIntoStreams(entries: readonly LabelledEntry[]): LokiStream[] {
  const streams = new Map<string, LokiStream>()
  addToStreams(streams, entries)
  return [...streams.values()]
}

/**
 * The loop apart from the map's creation: a first push was long enough for V8
 * to compile the function it loops in, before `new Map` had type feedback, and
 * the code was thrown away at the next push (bench/PERFORMANCE-LOG.md, 2026-12-06, tenth session).
 */
function addToStreams(streams: Map<string, LokiStream>, entries: readonly LabelledEntry[]): void {
  for (const entry of entries) {
    let stream = streams.get(entry.labels)
    if (!stream) streams.set(entry.labels, (stream = { labels: entry.labels, entries: [] }))
    // The entry itself, not a copy: the encoders read only its time and line, and a copy a line was garbage by the next push.
    stream.entries.push(entry)
  }
}

/**
 * Entries waiting to be sent, measured in UTF-8 bytes of line text. Taken
 * (and, for a bounded buffer, dropped) from the front by moving a head index
 * and compacting once the consumed prefix is half the arrays: amortised O(1)
 * an entry, where `splice(0, n)` moved every entry behind it each time.
 */
export class PendingEntries<T extends LabelledEntry> {
  private entries: T[] = []
  private sizes: number[] = []
  private head = 0
  /** Line bytes held. */
  bytes = 0

  constructor(readonly maxBytes: number) {
    if (!(Number.isInteger(maxBytes) && maxBytes > 0)) throw new TypeError(`maxBytes must be a positive integer, received ${maxBytes}`)
  }

  get length(): number {
    return this.entries.length - this.head
  }

  /** Enough is held for a full batch. */
  get full(): boolean {
    return this.bytes >= this.maxBytes
  }

  add(entry: T): void {
    const size = Buffer.byteLength(entry.line)
    this.entries.push(entry)
    this.sizes.push(size)
    this.bytes += size
  }

  clear(): void {
    this.entries = []
    this.sizes = []
    this.head = 0
    this.bytes = 0
  }

  /** Removes the oldest entries holding at most `maxBytes` of line text (always at least one). */
  take(): T[] {
    let end = this.head
    let bytes = 0
    while (end < this.entries.length && (end === this.head || bytes + this.sizes[end]! <= this.maxBytes)) bytes += this.sizes[end++]!
    const taken = this.entries.slice(this.head, end)
    this.bytes -= bytes
    this.advanceTo(end)
    return taken
  }

  /** Removes the oldest `count` entries unsent (a bounded buffer making room); returns how many went. */
  dropOldest(count: number): number {
    const end = Math.min(this.entries.length, this.head + Math.max(0, count))
    for (let i = this.head; i < end; i++) this.bytes -= this.sizes[i]!
    const dropped = end - this.head
    this.advanceTo(end)
    return dropped
  }

  private advanceTo(head: number): void {
    if (head === this.entries.length) return this.clear()
    this.head = head
    if (head > 1024 && head * 2 > this.entries.length) {
      this.entries = this.entries.slice(head)
      this.sizes = this.sizes.slice(head)
      this.head = 0
    }
  }
}

/** A run of consecutive entries and what to do with it. */
export type BatchPart<T> = { entries: T[]; encoded: EncodedPush } | { entries: T[]; tooLarge: true }

/** The two halves of a run (the first gets the odd one). */
export function halve<T>(entries: readonly T[]): [T[], T[]] {
  const middle = Math.ceil(entries.length / 2)
  return [entries.slice(0, middle), entries.slice(middle)]
}

/**
 * Encodes entries as few pushes as possible, each with `rawBytes` within
 * `maxBodyBytes`, in the original order; a single entry over the limit comes
 * back as a `tooLarge` part.
 */
export function encodeWithinLimit<T extends LabelledEntry>(
  entries: T[],
  encode: (streams: LokiStream[]) => EncodedPush,
  maxBodyBytes: number,
): BatchPart<T>[] {
  if (entries.length === 0) return []
  const encoded = encode(groupIntoStreams(entries))
  if (encoded.rawBytes <= maxBodyBytes) return [{ entries, encoded }]
  if (entries.length === 1) return [{ entries, tooLarge: true }]
  return halve(entries).flatMap((half) => encodeWithinLimit(half, encode, maxBodyBytes))
}
