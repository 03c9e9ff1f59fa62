/**
 * logproto.PushRequest written by hand (grafana/loki pkg/push/push.proto):
 *
 *   PushRequest   { repeated StreamAdapter streams = 1 }
 *   StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3 }
 *   EntryAdapter  { google.protobuf.Timestamp timestamp = 1; string line = 2 }
 *   Timestamp     { int64 seconds = 1; int32 nanos = 2 }
 *
 * `hash` is left out (Loki recomputes it). Sizes are computed first so the
 * message is written into one exactly-sized buffer, then snappy-compressed
 * in the block format Loki's `util.ParseProtoReader(..., RawSnappy)` decodes
 * (not the framed format).
 */
import { compressSync } from 'snappy'
import { timestampNanos, timestampSeconds } from './time.js'
import type { LokiStream } from './types.js'

const TAG_1_LEN = 0x0a // field 1, wire type 2 (length-delimited)
const TAG_2_LEN = 0x12 // field 2, wire type 2
const TAG_1_VARINT = 0x08 // field 1, wire type 0
const TAG_2_VARINT = 0x10 // field 2, wire type 0
const TWO_POW_64 = 1n << 64n

/** An int64 as the unsigned 64-bit value protobuf writes (two's complement when negative). */
function int64Bits(n: number): number | bigint {
  return n >= 0 ? n : TWO_POW_64 + BigInt(n)
}

function varintSize(n: number | bigint): number {
  let size = 1
  for (let v = n; v >= 128; v = typeof v === 'bigint' ? v >> 7n : Math.floor(v / 128)) size++
  return size
}

class Writer {
  pos = 0
  constructor(readonly buf: Buffer) {}

  varint(n: number | bigint): void {
    if (typeof n === 'bigint') {
      while (n >= 128n) {
        this.buf[this.pos++] = Number(n & 127n) | 128
        n >>= 7n
      }
      this.buf[this.pos++] = Number(n)
      return
    }
    // Bit shifts only below 2^31 (every size, nanos and, until 2038, seconds): above, they would truncate to 32 bits.
    if (n < 0x80000000) {
      while (n >= 128) {
        this.buf[this.pos++] = (n & 127) | 128
        n >>>= 7
      }
      this.buf[this.pos++] = n
      return
    }
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 128
      n = Math.floor(n / 128)
    }
    this.buf[this.pos++] = n
  }
  string(tag: number, text: string, bytes: number): void {
    this.buf[this.pos++] = tag
    this.varint(bytes)
    this.pos += this.buf.write(text, this.pos, bytes, 'utf8')
  }
}

function fieldSize(contentSize: number): number {
  return 1 + varintSize(contentSize) + contentSize
}

/** Size of an entry's Timestamp message; proto3 leaves zero-valued scalars out of the wire format. */
function timestampSize(seconds: number, nanos: number): number {
  return (seconds !== 0 ? 1 + varintSize(int64Bits(seconds)) : 0) + (nanos !== 0 ? 1 + varintSize(nanos) : 0)
}

/**
 * The PushRequest message, uncompressed. Two passes over the entries, sizes
 * then bytes; what the second needs of the first is kept per entry in typed
 * arrays (line bytes, timestamp size), not an object a line. Each pass is a
 * function of its own: a push's first call is long enough for V8 to compile
 * the function it loops in, and code that ran before its feedback was
 * recorded (the arrays allocated here) was thrown away at the next push
 * (bench/PERFORMANCE-LOG.md, 2026-12-06, tenth session).
 */
export function encodePushRequest(streams: readonly LokiStream[]): Buffer {
  let count = 0
  for (const stream of streams) count += stream.entries.length
  const sizes: EntrySizes = { lineBytes: new Uint32Array(count), stampSizes: new Uint8Array(count), streamSizes: new Array<number>(streams.length) }
  const w = new Writer(Buffer.allocUnsafe(measureStreams(streams, sizes)))
  writeStreams(w, streams, sizes)
  return w.buf
}

/** What the sizes pass leaves for the bytes pass. */
interface EntrySizes {
  lineBytes: Uint32Array
  stampSizes: Uint8Array
  streamSizes: number[]
}

/** The sizes pass: fills `sizes`, returns the message's length. */
function measureStreams(streams: readonly LokiStream[], { lineBytes, stampSizes, streamSizes }: EntrySizes): number {
  let total = 0
  let at = 0
  for (let s = 0; s < streams.length; s++) {
    const stream = streams[s]!
    let size = fieldSize(Buffer.byteLength(stream.labels))
    for (const entry of stream.entries) {
      const bytes = (lineBytes[at] = entry.bytes ?? Buffer.byteLength(entry.line))
      const seconds = timestampSeconds(entry.tsMs)
      const stampSize = (stampSizes[at++] = timestampSize(seconds, timestampNanos(entry.tsMs, entry.tsNanos)))
      size += fieldSize(fieldSize(stampSize) + fieldSize(bytes))
    }
    streamSizes[s] = size
    total += fieldSize(size)
  }
  return total
}

/** The bytes pass, into a buffer of the measured length. */
function writeStreams(w: Writer, streams: readonly LokiStream[], { lineBytes, stampSizes, streamSizes }: EntrySizes): void {
  let at = 0
  for (let s = 0; s < streams.length; s++) {
    const stream = streams[s]!
    w.buf[w.pos++] = TAG_1_LEN
    w.varint(streamSizes[s]!)
    w.string(TAG_1_LEN, stream.labels, Buffer.byteLength(stream.labels))
    for (const entry of stream.entries) {
      const bytes = lineBytes[at]!
      const stampSize = stampSizes[at++]!
      const seconds = timestampSeconds(entry.tsMs)
      const nanos = timestampNanos(entry.tsMs, entry.tsNanos)
      w.buf[w.pos++] = TAG_2_LEN
      w.varint(fieldSize(stampSize) + fieldSize(bytes))
      w.buf[w.pos++] = TAG_1_LEN
      w.varint(stampSize)
      if (seconds !== 0) {
        w.buf[w.pos++] = TAG_1_VARINT
        w.varint(int64Bits(seconds))
      }
      if (nanos !== 0) {
        w.buf[w.pos++] = TAG_2_VARINT
        w.varint(nanos)
      }
      if (entry.writeLine === undefined) {
        w.string(TAG_2_LEN, entry.line, bytes)
      } else {
        w.buf[w.pos++] = TAG_2_LEN
        w.varint(bytes)
        entry.writeLine(w.buf, w.pos)
        w.pos += bytes
      }
    }
  }
}

/** The PushRequest message and its snappy block-compressed body. */
export function encodeProtobufPush(streams: readonly LokiStream[]): { body: Buffer; rawBytes: number } {
  const message = encodePushRequest(streams)
  return { body: compressSync(message), rawBytes: message.length }
}
