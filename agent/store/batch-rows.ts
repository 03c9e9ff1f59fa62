/**
 * One row per committed batch of lines: their text as one string, and a
 * small binary column with each line's entry time, stream and length. A row
 * per line cost an insert, a B-tree entry and a UTF-8 conversion each, the
 * largest single share of the agent's CPU per line (README, "Performance").
 *
 * `meta` holds, for n lines: n float64 entry times in ms, then n uint32
 * triples (nanoseconds within the ms, stream id, line length in UTF-16
 * units), in the machine's byte order (the file never leaves this machine
 * but through the agent).
 */

/** A line as a batch row holds it; the row's own columns give its id and read time. */
export interface BatchLine {
  tsMs: number
  tsNanos: number
  streamId: number
  line: string
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
  text: string
}

/** Encodes `lines`, the i-th of stream `streamIds[i]`. */
export function encodeBatch(lines: ArrayLike<Omit<BatchLine, 'streamId'>>, streamIds: ArrayLike<number>): { meta: Buffer; text: string } {
  const n = lines.length
  const meta = Buffer.allocUnsafe(n * 20)
  const times = new Float64Array(meta.buffer, meta.byteOffset, n)
  const fields = new Uint32Array(meta.buffer, meta.byteOffset + n * 8, n * 3)
  const texts: string[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const { tsMs, tsNanos, line } = lines[i]!
    times[i] = tsMs
    fields[3 * i] = tsNanos
    fields[3 * i + 1] = streamIds[i]!
    fields[3 * i + 2] = line.length
    texts[i] = line
  }
  return { meta, text: texts.join('') }
}

/** Encodes lines that carry their own stream ids (an upgrade, a cut batch; the store's append keeps them apart). */
export const encodeBatchLines = (lines: readonly BatchLine[]) => encodeBatch(lines, lines.map((line) => line.streamId))

/** Calls `each` for the row's lines from index `from` on, oldest first, until it returns false. */
export function decodeBatch(row: BatchRow, from: number, each: (id: number, line: BatchLine) => boolean): void {
  const n = row.count
  // Buffers from SQLite may sit at any offset: copied once so the typed arrays are aligned.
  const meta = row.meta.byteOffset % 8 === 0 ? row.meta : Buffer.from(row.meta)
  const times = new Float64Array(meta.buffer, meta.byteOffset, n)
  const fields = new Uint32Array(meta.buffer, meta.byteOffset + n * 8, n * 3)
  let at = 0
  for (let i = 0; i < from; i++) at += fields[3 * i + 2]!
  for (let i = from; i < n; i++) {
    const length = fields[3 * i + 2]!
    const line = { tsMs: times[i]!, tsNanos: fields[3 * i]!, streamId: fields[3 * i + 1]!, line: row.text.slice(at, at + length) }
    at += length
    if (!each(row.firstId + i, line)) return
  }
}

/** The row's lines with ids above `throughId`, as a row of their own (retention deleting part of a batch). */
export function batchAfter(row: BatchRow, throughId: number): BatchRow {
  const kept: BatchLine[] = []
  decodeBatch(row, throughId + 1 - row.firstId, (_, line) => kept.push(line) > 0)
  return { firstId: throughId + 1, count: kept.length, readAtMs: row.readAtMs, ...encodeBatchLines(kept) }
}
