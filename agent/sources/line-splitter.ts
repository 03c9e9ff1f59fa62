/**
 * Splits a byte stream into lines on LF, dropping a CR before it. Shared by
 * every source that reads raw bytes (file tailer, stdin, journalctl output).
 *
 * Bytes are decoded as UTF-8: invalid sequences become U+FFFD, NUL bytes stay.
 * A line longer than `maxLineBytes` is cut to its first `maxLineBytes` bytes
 * (at a character boundary) and the rest up to its newline is skipped without
 * being buffered, so a 10 MiB line costs at most `maxLineBytes` of memory.
 */

/** Called once per complete line; `end` is the index in the chunk just past its LF. */
export type OnLine = (text: string, end: number, truncated: boolean) => void

export class LineSplitter {
  readonly maxLineBytes: number
  /** Start of the current incomplete line, copied out of earlier chunks. */
  private carry: Buffer | undefined
  /** Head of an over-long line whose end has not been seen yet. */
  private oversizeHead: string | undefined
  private skippedBytes = 0

  constructor(maxLineBytes: number) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
      throw new TypeError(`maxLineBytes must be a positive integer, received ${maxLineBytes}`)
    }
    this.maxLineBytes = maxLineBytes
  }

  /** Bytes read but not yet part of a complete line. */
  get pendingBytes(): number {
    return this.oversizeHead !== undefined ? this.maxLineBytes + this.skippedBytes : (this.carry?.length ?? 0)
  }

  /** Feeds a chunk; complete lines go to `onLine`, the incomplete rest is kept. */
  push(chunk: Buffer, onLine: OnLine): void {
    let pos = 0
    if (this.oversizeHead !== undefined || this.carry !== undefined) {
      const nl = chunk.indexOf(10)
      if (nl === -1) return this.hold(chunk, 0)
      this.finishHeldLine(chunk, nl, onLine)
      pos = nl + 1
    }
    for (let nl = chunk.indexOf(10, pos); nl !== -1; nl = chunk.indexOf(10, pos)) {
      this.emit(chunk, pos, nl, onLine)
      pos = nl + 1
    }
    if (pos < chunk.length) this.hold(chunk, pos)
  }

  /** Ends the input: an unterminated last line is handed out as a line of its own. */
  flush(onLine: OnLine): void {
    if (this.oversizeHead !== undefined) onLine(this.oversizeHead, 0, true)
    else if (this.carry !== undefined) this.emit(this.carry, 0, this.carry.length, onLine)
    this.reset()
  }

  /** Forgets any incomplete line (the reader is going back to an earlier position). */
  reset(): void {
    this.carry = undefined
    this.oversizeHead = undefined
    this.skippedBytes = 0
  }

  private emit(bytes: Buffer, start: number, nl: number, onLine: OnLine): void {
    let end = nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl
    const truncated = end - start > this.maxLineBytes
    if (truncated) end = characterBoundary(bytes, start, start + this.maxLineBytes)
    onLine(bytes.toString('utf8', start, end), nl + 1, truncated)
  }

  private finishHeldLine(chunk: Buffer, nl: number, onLine: OnLine): void {
    if (this.oversizeHead !== undefined) {
      onLine(this.oversizeHead, nl + 1, true)
      return this.reset()
    }
    const line = Buffer.concat([this.carry!, chunk.subarray(0, nl + 1)])
    this.reset()
    this.emit(line, 0, line.length - 1, (text, _end, truncated) => onLine(text, nl + 1, truncated))
  }

  private hold(chunk: Buffer, from: number): void {
    if (this.oversizeHead !== undefined) {
      this.skippedBytes += chunk.length - from
      return
    }
    const rest = chunk.subarray(from)
    const held = this.carry === undefined ? Buffer.from(rest) : Buffer.concat([this.carry, rest])
    // One byte of slack so a CR at the cut does not count as content.
    if (held.length > this.maxLineBytes + 1) {
      this.oversizeHead = held.toString('utf8', 0, characterBoundary(held, 0, this.maxLineBytes))
      this.skippedBytes = held.length - this.maxLineBytes
      this.carry = undefined
    } else {
      this.carry = held
    }
  }
}

/** The largest cut at or before `end` that does not split a UTF-8 sequence. */
function characterBoundary(bytes: Buffer, start: number, end: number): number {
  for (let i = end; i > start && i > end - 4; i--) {
    if ((bytes[i]! & 0xc0) !== 0x80) return i
  }
  return end
}
