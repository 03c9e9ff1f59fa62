/**
 * A stored line read back from a batch row of UTF-8 bytes, its text left in
 * the row's buffer until something asks for `line`. The Loki sink's protobuf
 * encoder never does: it copies the bytes (`writeLine`), where decoding each
 * line into a string and encoding it again cost two passes and a string a
 * line, most of what a sink's read allocated.
 */
import type { StoredLine } from '../core/types.js'

export class RowLine implements StoredLine {
  constructor(
    readonly id: number,
    readonly tsMs: number,
    readonly tsNanos: number,
    readonly labels: string,
    readonly bytes: number,
    readonly readAtMs: number,
    private readonly text: Buffer,
    private readonly at: number,
  ) {}

  get line(): string {
    return this.text.toString('utf8', this.at, this.at + this.bytes)
  }

  /** Measured on 110-byte lines: 109 ns a line, where a byte loop took 281 and writing the decoded string 206 (plus 135 to decode it). */
  writeLine(target: Buffer, at: number): void {
    this.text.copy(target, at, this.at, this.at + this.bytes)
  }
}
