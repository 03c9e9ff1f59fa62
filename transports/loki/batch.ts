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
  for (const { labels, tsMs, tsNanos, line } of entries) {
    let stream = streams.get(labels)
    if (!stream) streams.set(labels, (stream = { labels, entries: [] }))
    stream.entries.push({ tsMs, tsNanos, line })
  }
  return [...streams.values()]
}

/** Entries waiting to be sent, measured in UTF-8 bytes of line text. */
export class PendingEntries<T extends LabelledEntry> {
  private entries: T[] = []
  private sizes: number[] = []
  /** Line bytes held. */
  bytes = 0

  constructor(readonly maxBytes: number) {
    if (!(Number.isInteger(maxBytes) && maxBytes > 0)) throw new TypeError(`maxBytes must be a positive integer, received ${maxBytes}`)
  }

  get length(): number {
    return this.entries.length
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
    this.bytes = 0
  }

  /** Removes the oldest entries holding at most `maxBytes` of line text (always at least one). */
  take(): T[] {
    let count = 0
    let bytes = 0
    while (count < this.entries.length && (count === 0 || bytes + this.sizes[count]! <= this.maxBytes)) bytes += this.sizes[count++]!
    this.sizes.splice(0, count)
    this.bytes -= bytes
    return this.entries.splice(0, count)
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
