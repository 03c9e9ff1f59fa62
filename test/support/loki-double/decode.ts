/**
 * The double's own readers for both push encodings, written apart from
 * transports/loki so a mistake in the encoder is not mirrored here.
 * Protobuf: logproto.PushRequest per grafana/loki pkg/push/push.proto.
 * JSON: the documented `{"streams":[{"stream":{…},"values":[["ns","line"]]}]}`.
 */

/** One stream as a client sent it, before validation. */
export interface ReceivedStream {
  /** The selector as sent (protobuf) or built from the label map (JSON). */
  selector: string
  /** Name/value pairs in the order sent, or why the selector does not parse. */
  pairs: [string, string][] | Error
  entries: { tsNs: bigint; line: string }[]
}

class ProtoReader {
  pos = 0
  constructor(
    readonly buf: Buffer,
    /** Where the message being read ends; narrowed by enter() while reading a nested one. */
    public end = buf.length,
  ) {}

  varint(): bigint {
    let result = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new Error('proto: truncated varint')
      const byte = this.buf[this.pos++]!
      result |= BigInt(byte & 0x7f) << shift
      if (byte < 0x80) return result
    }
    throw new Error('proto: varint overflow')
  }
  /**
   * A varint of at most 7 bytes (below 2^49, so exact as a number) without the BigInt arithmetic
   * varint() does for every byte: tags, lengths and today's seconds all fit, and a push holds
   * millions of them. -1, nothing read, for a longer or truncated one, which varint() then reads
   * or reports exactly.
   */
  small(): number {
    const { buf, end } = this
    let pos = this.pos
    let result = 0
    for (let scale = 1; scale < 2 ** 49 && pos < end; scale *= 128) {
      const byte = buf[pos++]!
      result += (byte & 0x7f) * scale
      if (byte < 0x80) {
        this.pos = pos
        return result
      }
    }
    return -1
  }
  number(): number {
    const n = this.small()
    return n >= 0 ? n : Number(this.varint())
  }
  /** The next field's tag, `number << 3 | wire type`. */
  tag(): number {
    const tag = this.number()
    if (tag >>> 3 === 0) throw new Error('proto: illegal tag 0')
    return tag
  }
  /** Reads a length prefix; returns where that field ends. */
  fieldEnd(): number {
    const length = this.number()
    if (this.pos + length > this.end) throw new Error('proto: length-delimited field runs past its message')
    return this.pos + length
  }
  /**
   * Narrows this reader to a length-delimited field and returns the outer end, which the caller
   * restores once the field is read (pos is then at its end): per entry this saves the sub-reader
   * sub() would allocate.
   */
  enter(): number {
    const end = this.fieldEnd()
    const outer = this.end
    this.end = end
    return outer
  }
  /** Returns a sub-reader over a length-delimited field. */
  sub(): ProtoReader {
    const end = this.fieldEnd()
    const reader = new ProtoReader(this.buf, end)
    reader.pos = this.pos
    this.pos = end
    return reader
  }
  string(): string {
    const end = this.fieldEnd()
    const start = this.pos
    this.pos = end
    return this.buf.toString('utf8', start, end)
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint()
    else if (wireType === 1) this.pos += 8
    else if (wireType === 2) this.pos = this.fieldEnd()
    else if (wireType === 5) this.pos += 4
    else throw new Error(`proto: illegal wire type ${wireType}`)
    if (this.pos > this.end) throw new Error('proto: truncated field')
  }
  /** The tag of the next field numbered 1 to `last`, others skipped; -1 at the end of the message. */
  nextField(last: number): number {
    while (this.pos < this.end) {
      const tag = this.tag()
      const num = tag >>> 3
      if (num >= 1 && num <= last) return tag
      this.skip(tag & 7)
    }
    return -1
  }
  /** Calls `field` for each field; it returns false to have the field skipped. */
  fields(field: (num: number, wireType: number) => boolean): void {
    while (this.pos < this.end) {
      const tag = this.tag()
      if (!field(tag >>> 3, tag & 7)) this.skip(tag & 7)
    }
  }
}

function expectWire(wireType: number, expected: number, what: string): void {
  if (wireType !== expected) throw new Error(`proto: ${what} has wire type ${wireType}, expected ${expected}`)
}

// Entries and their timestamps are read with loops rather than fields(): once per entry, its
// closures and sub-readers were most of the garbage a large push left.

function readTimestamp(r: ProtoReader): bigint {
  let seconds: number | bigint = 0
  let nanos = 0
  const outer = r.enter()
  for (let tag = r.nextField(2); tag !== -1; tag = r.nextField(2)) {
    const num = tag >>> 3
    expectWire(tag & 7, 0, 'Timestamp field')
    // A small value is its own int64; `| 0` is int32's wrap-around, as BigInt.asIntN(32) would do.
    const small = r.small()
    if (num === 1) seconds = small >= 0 ? small : BigInt.asIntN(64, r.varint())
    else nanos = small >= 0 ? small | 0 : Number(BigInt.asIntN(32, r.varint()))
  }
  r.end = outer
  if (nanos < 0 || nanos > 999_999_999) throw new Error(`proto: Timestamp nanos ${nanos} out of range`)
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos)
}

function readEntry(r: ProtoReader): { tsNs: bigint; line: string } {
  let tsNs = 0n
  let line = ''
  const outer = r.enter()
  for (let tag = r.nextField(2); tag !== -1; tag = r.nextField(2)) {
    const num = tag >>> 3
    expectWire(tag & 7, 2, num === 1 ? 'EntryAdapter.timestamp' : 'EntryAdapter.line')
    if (num === 1) tsNs = readTimestamp(r)
    else line = r.string()
  }
  r.end = outer
  return { tsNs, line }
}

function readStream(r: ProtoReader): ReceivedStream {
  let selector = ''
  const entries: ReceivedStream['entries'] = []
  r.fields((num, wireType) => {
    if (num !== 1 && num !== 2) return false
    expectWire(wireType, 2, num === 1 ? 'StreamAdapter.labels' : 'StreamAdapter.entries')
    if (num === 1) selector = r.string()
    else entries.push(readEntry(r))
    return true
  })
  return { selector, pairs: parseSelector(selector), entries }
}

/** Decodes an uncompressed logproto.PushRequest; throws on malformed input. */
export function decodeProtobufPush(message: Buffer): ReceivedStream[] {
  const streams: ReceivedStream[] = []
  const r = new ProtoReader(message)
  r.fields((num, wireType) => {
    if (num !== 1) return false
    expectWire(wireType, 2, 'PushRequest.streams')
    streams.push(readStream(r.sub()))
    return true
  })
  return streams
}

const GO_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' }

/**
 * Parses an equality-only LogQL selector `{name="value", …}` the way Loki's
 * syntax.ParseLabels accepts it: names `[a-zA-Z_][a-zA-Z0-9_]*`, values
 * Go-quoted. Returns the error instead of throwing.
 */
export function parseSelector(selector: string): [string, string][] | Error {
  const token = /\s*(?:([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\\n]|\\.)*)"\s*(,|(?=\}))|(\}))/y
  if (!/^\s*\{/.test(selector)) return new Error(`parse error: selector ${JSON.stringify(selector)} must start with "{"`)
  token.lastIndex = selector.indexOf('{') + 1
  const pairs: [string, string][] = []
  for (;;) {
    const at = token.lastIndex
    const match = token.exec(selector)
    if (!match) return new Error(`parse error at offset ${at} of ${JSON.stringify(selector)}`)
    if (match[4]) break
    const value = unquote(match[2]!)
    if (value instanceof Error) return value
    pairs.push([match[1]!, value])
    if (match[3] === ',' && /^\s*\}/.test(selector.slice(token.lastIndex))) {
      return new Error(`parse error: trailing comma in ${JSON.stringify(selector)}`)
    }
  }
  if (selector.slice(token.lastIndex).trim() !== '') return new Error(`parse error: text after "}" in ${JSON.stringify(selector)}`)
  return pairs
}

function unquote(body: string): string | Error {
  try {
    return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, esc: string) => {
      if (esc.length > 1) return String.fromCodePoint(parseInt(esc.slice(1), 16))
      const known = GO_ESCAPES[esc]
      if (known === undefined) throw new Error(`parse error: invalid escape \\${esc}`)
      return known
    })
  } catch (err) {
    return err as Error
  }
}

/** Go's strconv.Quote for the characters a label value realistically holds: how Loki prints labels. */
export function goQuote(value: string): string {
  const escaped = value.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' }
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
  })
  return `"${escaped}"`
}

/** Decodes a JSON push body; throws on anything Loki's decoder would refuse. */
export function decodeJsonPush(text: string): ReceivedStream[] {
  const body = JSON.parse(text) as unknown
  const streams = (body as { streams?: unknown })?.streams
  if (!Array.isArray(streams)) throw new Error('"streams" must be an array')
  return streams.map((stream: unknown, i): ReceivedStream => {
    const { stream: labels, values } = (stream ?? {}) as { stream?: unknown; values?: unknown }
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new Error(`streams[${i}].stream must be an object`)
    const pairs = Object.entries(labels)
    if (pairs.some(([, v]) => typeof v !== 'string')) throw new Error(`streams[${i}].stream values must be strings`)
    if (!Array.isArray(values)) throw new Error(`streams[${i}].values must be an array`)
    const entries = values.map((value: unknown, j) => {
      if (!Array.isArray(value) || value.length < 2 || value.length > 3) throw new Error(`streams[${i}].values[${j}] must be [ts, line] or [ts, line, metadata]`)
      const [ts, line] = value as unknown[]
      if (typeof ts !== 'string' || !/^-?\d+$/.test(ts)) throw new Error(`streams[${i}].values[${j}][0] must be a string of ns since the epoch`)
      if (typeof line !== 'string') throw new Error(`streams[${i}].values[${j}][1] must be a string`)
      return { tsNs: BigInt(ts), line }
    })
    const sorted = [...(pairs as [string, string][])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    const selector = `{${sorted.map(([n, v]) => `${n}=${goQuote(v)}`).join(', ')}}`
    return { selector, pairs: pairs as [string, string][], entries }
  })
}
