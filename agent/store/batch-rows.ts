/**
 * One row per committed batch of lines: their text, and a small binary
 * column with each line's entry time, stream and length. A row per line cost
 * an insert, a B-tree entry and a UTF-8 conversion each, the largest single
 * share of the agent's CPU per line (README, "Performance").
 *
 * `text` is the lines' UTF-8 bytes, one after the other, as a blob. `meta`
 * holds, for n lines: n float64 entry times in ms, then n uint32 triples
 * (nanoseconds within the ms, stream id, line length), in the machine's byte
 * order (the file never leaves this machine but through the agent).
 *
 * Bytes, not a string, so that a row held in memory for the sinks
 * (./recent-lines.ts) is off V8's heap, where a string of it was copied by
 * two scavenges into the old generation, and so that a sink sizes a push
 * from `meta` alone. Rows written by schema 3 hold the text as a string and
 * lengths in UTF-16 units; they stay legible (the text's type tells them apart).
 */
import type { MeasuredLines } from '../core/types.js'

/** A line as a batch row holds it; the row's own columns give its id and read time. */
export interface BatchLine {
  tsMs: number
  tsNanos: number
  streamId: number
  line: string
  /** UTF-8 length of `line`. */
  bytes: number
}

/** Which lines a batch row holds, and when they were read. */
export interface BatchSpan {
  /** Id of the batch's first line; its lines have ids firstId … firstId + count − 1. */
  firstId: number
  count: number
  readAtMs: number
}

export interface BatchRow extends BatchSpan {
  meta: Buffer
  /** UTF-8 bytes; a string in rows schema 3 wrote. */
  text: Buffer | string
}

/** Encodes `lines`, the i-th of stream `streamIds[i]`. */
export function encodeBatch(lines: ArrayLike<Omit<BatchLine, 'streamId' | 'bytes'>>, streamIds: ArrayLike<number>): { meta: Buffer; text: Buffer } {
  const n = lines.length
  const meta = Buffer.allocUnsafe(n * 20)
  const times = new Float64Array(meta.buffer, meta.byteOffset, n)
  const fields = new Uint32Array(meta.buffer, meta.byteOffset + n * 8, n * 3)
  const texts: string[] = new Array(n)
  let chars = 0
  for (let i = 0; i < n; i++) {
    const { tsMs, tsNanos, line } = lines[i]!
    times[i] = tsMs
    fields[3 * i] = tsNanos
    fields[3 * i + 1] = streamIds[i]!
    fields[3 * i + 2] = line.length
    chars += line.length
    texts[i] = line
  }
  const text = Buffer.from(texts.join(''))
  // A batch of ASCII lines (most are) has its UTF-8 lengths already; others are measured a line at a time.
  if (text.length !== chars) {
    for (let i = 0; i < n; i++) fields[3 * i + 2] = Buffer.byteLength(texts[i]!)
  }
  return { meta, text }
}

/** Encodes lines that carry their own stream ids (an upgrade, a cut batch; the store's append keeps them apart). */
export const encodeBatchLines = (lines: readonly Omit<BatchLine, 'bytes'>[]) => encodeBatch(lines, lines.map((line) => line.streamId))

/** The row's meta as typed arrays. */
function metaOf(row: Pick<BatchRow, 'count' | 'meta'>): { times: Float64Array; fields: Uint32Array } {
  const n = row.count
  // Buffers from SQLite may sit at any offset: copied once so the typed arrays are aligned.
  const meta = row.meta.byteOffset % 8 === 0 ? row.meta : Buffer.from(row.meta)
  return { times: new Float64Array(meta.buffer, meta.byteOffset, n), fields: new Uint32Array(meta.buffer, meta.byteOffset + n * 8, n * 3) }
}

/**
 * Calls `each` for the row's lines from index `from` on, oldest first, until
 * it returns false, with where each line is in `row.text`: `at` and `length`
 * in bytes, or in UTF-16 units for schema 3's string rows.
 */
export function eachLine(
  row: Pick<BatchRow, 'firstId' | 'count' | 'meta'>,
  from: number,
  each: (id: number, tsMs: number, tsNanos: number, streamId: number, at: number, length: number) => boolean,
): void {
  const { times, fields } = metaOf(row)
  let at = 0
  for (let i = 0; i < from; i++) at += fields[3 * i + 2]!
  for (let i = from; i < row.count; i++) {
    const length = fields[3 * i + 2]!
    if (!each(row.firstId + i, times[i]!, fields[3 * i]!, fields[3 * i + 1]!, at, length)) return
    at += length
  }
}

/** Calls `each` for the row's lines from index `from` on, oldest first, until it returns false. */
export function decodeBatch(row: BatchRow, from: number, each: (id: number, line: BatchLine) => boolean): void {
  const { text } = row
  eachLine(row, from, (id, tsMs, tsNanos, streamId, at, length) => {
    const line = typeof text === 'string' ? text.slice(at, at + length) : text.toString('utf8', at, at + length)
    return each(id, { tsMs, tsNanos, streamId, line, bytes: typeof text === 'string' ? Buffer.byteLength(line) : length })
  })
}

/**
 * Adds to `into` the lines of `row` from index `from` on while their text
 * stays within `maxBytes` in all (the first line counted always is, however
 * long). From `meta` alone but for schema 3's rows, whose text the caller
 * passes then (else null).
 */
export function measureBatch(row: BatchSpan & { meta: Buffer; text: Buffer | string | null }, from: number, maxBytes: number, into: MeasuredLines): void {
  const { text } = row
  eachLine(row, from, (id, _tsMs, _tsNanos, _streamId, at, length) => {
    const bytes = typeof text === 'string' ? Buffer.byteLength(text.slice(at, at + length)) : length
    if (into.count > 0 && into.bytes + bytes > maxBytes) {
      into.full = true
      return false
    }
    into.count++
    into.bytes += bytes
    into.lastId = id
    into.full = into.bytes >= maxBytes
    return !into.full
  })
}

/** The row's lines with ids above `throughId`, as a row of their own (retention deleting part of a batch). */
export function batchAfter(row: BatchRow, throughId: number): BatchRow {
  const kept: BatchLine[] = []
  decodeBatch(row, throughId + 1 - row.firstId, (_, line) => kept.push(line) > 0)
  return { firstId: throughId + 1, count: kept.length, readAtMs: row.readAtMs, ...encodeBatchLines(kept) }
}
