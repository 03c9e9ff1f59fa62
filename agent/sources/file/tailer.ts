/**
 * One open log file: its identity (inode and content fingerprint), the
 * position committed so far and the position read so far, and the chunked
 * read that turns its bytes into lines.
 */
import type { FileHandle } from 'node:fs/promises'
import type { Checkpoint, RawLine } from '../../core/types.js'
import { LineSplitter } from '../line-splitter.js'
import { stillStartsWith, type Fingerprint } from './fingerprint.js'

/**
 * Turns each line of one file into what the source emits. Stateful decoders
 * (docker's partial-line joining) may hold lines back; the checkpoint never
 * passes the first line held.
 */
export interface LineDecoder {
  /** The line to emit, or undefined when `text` only starts or continues a line that is not complete yet. */
  decode(text: string, start: number, readAtMs: number): RawLine | undefined
  /** Byte offset of the first input line held back, if any. */
  heldFrom(): number | undefined
  /** Hands out whatever is held: the file ends here for good. */
  flush(readAtMs: number): RawLine[]
  /** Drops whatever is held: reading restarts at the committed offset. */
  reset(): void
}

/** Lines read from one chunk, each with the offset a checkpoint may claim once it is stored. */
export interface ChunkLines {
  lines: RawLine[]
  /** `offsets[i]` is where reading resumes after `lines[i]` (and every line before it) is stored. */
  offsets: number[]
  bytes: number
  truncated: number
}

export interface TailerInit {
  path: string
  dev: number
  ino: number
  mtimeMs: number
  handle: FileHandle
  fingerprint: Fingerprint
  offset: number
  maxLineBytes: number
  decoder: LineDecoder
}

export class Tailer {
  readonly key: string
  readonly fingerprint: Fingerprint
  readonly decoder: LineDecoder
  path: string
  dev: number
  ino: number
  /** Last modification seen by a scan: files are read oldest first. */
  mtimeMs: number
  handle: FileHandle
  /** Position after the last line committed to the store. */
  offset: number
  /** Position of the next byte to read; ahead of `offset` by what is buffered or in flight. */
  readPos: number
  /** Set when the file left its path (rotated away or deleted): read to its end, then close. */
  goneSinceMs: number | undefined
  /** Set when this tailer moved to a copytruncate copy: the copy never grows, so read it to its end first. */
  draining = false
  /** Set when a read found the file no longer starts with its fingerprint (truncated and rewritten). */
  replaced = false
  /** Scans that saw this tailer replaced without finding its copy. */
  replacedScans = 0
  lastGrowthMs = Date.now()
  private readonly splitter: LineSplitter
  private nextLineStart: number

  constructor(init: TailerInit) {
    this.key = `file:${init.fingerprint.id}`
    this.fingerprint = init.fingerprint
    this.decoder = init.decoder
    this.path = init.path
    this.dev = init.dev
    this.ino = init.ino
    this.mtimeMs = init.mtimeMs
    this.handle = init.handle
    this.offset = init.offset
    this.readPos = init.offset
    this.nextLineStart = init.offset
    this.splitter = new LineSplitter(init.maxLineBytes)
  }

  get inode(): string {
    return `${this.dev}:${this.ino}`
  }

  /**
   * Reads the next chunk into `buffer`. 'replaced' means the file no longer
   * starts with its fingerprint (copytruncate): nothing of this chunk is used.
   * The check runs after the read, so a chunk that passes was read before
   * any truncation.
   */
  async readChunk(buffer: Buffer): Promise<ChunkLines | 'eof' | 'replaced'> {
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.readPos)
    if (bytesRead === 0) return 'eof'
    if (!(await stillStartsWith(this.handle, this.fingerprint))) return 'replaced'
    const chunkStart = this.readPos
    this.readPos += bytesRead
    this.lastGrowthMs = Date.now()
    const readAtMs = this.lastGrowthMs
    const chunk: ChunkLines = { lines: [], offsets: [], bytes: bytesRead, truncated: 0 }
    this.splitter.push(buffer.subarray(0, bytesRead), (text, end, truncated) => {
      const line = this.decoder.decode(text, this.nextLineStart, readAtMs)
      this.nextLineStart = chunkStart + end
      if (truncated) chunk.truncated++
      if (line === undefined) return
      chunk.lines.push(line)
      chunk.offsets.push(this.decoder.heldFrom() ?? this.nextLineStart)
    })
    return chunk
  }

  /** The unterminated last line and anything the decoder holds, for a file that will not grow again. */
  flush(): ChunkLines {
    const readAtMs = Date.now()
    const chunk: ChunkLines = { lines: [], offsets: [], bytes: 0, truncated: 0 }
    this.splitter.flush((text, _end, truncated) => {
      const line = this.decoder.decode(text, this.nextLineStart, readAtMs)
      if (truncated) chunk.truncated++
      if (line !== undefined) chunk.lines.push(line)
    })
    chunk.lines.push(...this.decoder.flush(readAtMs))
    chunk.offsets = chunk.lines.map(() => this.readPos)
    return chunk
  }

  /** Forgets everything read past the committed offset; the next read starts there again. */
  rewind(): void {
    this.splitter.reset()
    this.decoder.reset()
    this.readPos = this.offset
    this.nextLineStart = this.offset
  }

  checkpoint(offset: number): Checkpoint {
    return { key: this.key, value: JSON.stringify({ path: this.path, offset }) }
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined)
  }
}
