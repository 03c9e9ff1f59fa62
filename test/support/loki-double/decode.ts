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
    readonly end = buf.length,
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
  /** Returns a sub-reader over a length-delimited field. */
  sub(): ProtoReader {
    const length = Number(this.varint())
    if (this.pos + length > this.end) throw new Error('proto: length-delimited field runs past its message')
    const reader = new ProtoReader(this.buf, this.pos + length)
    reader.pos = this.pos
    this.pos += length
    return reader
  }
  string(): string {
    const r = this.sub()
    return this.buf.toString('utf8', r.pos, r.end)
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint()
    else if (wireType === 1) this.pos += 8
    else if (wireType === 2) this.sub()
    else if (wireType === 5) this.pos += 4
    else throw new Error(`proto: illegal wire type ${wireType}`)
    if (this.pos > this.end) throw new Error('proto: truncated field')
  }
  /** Calls `field` for each field; it returns false to have the field skipped. */
  fields(field: (num: number, wireType: number) => boolean): void {
    while (this.pos < this.end) {
      const tag = Number(this.varint())
      const num = tag >>> 3
      const wireType = tag & 7
      if (num === 0) throw new Error('proto: illegal tag 0')
      if (!field(num, wireType)) this.skip(wireType)
    }
  }
}

function expectWire(wireType: number, expected: number, what: string): void {
  if (wireType !== expected) throw new Error(`proto: ${what} has wire type ${wireType}, expected ${expected}`)
}

function readTimestamp(r: ProtoReader): bigint {
  let seconds = 0n
  let nanos = 0n
  r.fields((num, wireType) => {
    if (num !== 1 && num !== 2) return false
    expectWire(wireType, 0, 'Timestamp field')
    if (num === 1) seconds = BigInt.asIntN(64, r.varint())
    else nanos = BigInt.asIntN(32, r.varint())
    return true
  })
  if (nanos < 0n || nanos > 999_999_999n) throw new Error(`proto: Timestamp nanos ${nanos} out of range`)
  return seconds * 1_000_000_000n + nanos
}

function readEntry(r: ProtoReader): { tsNs: bigint; line: string } {
  let tsNs = 0n
  let line = ''
  r.fields((num, wireType) => {
    if (num !== 1 && num !== 2) return false
    expectWire(wireType, 2, num === 1 ? 'EntryAdapter.timestamp' : 'EntryAdapter.line')
    if (num === 1) tsNs = readTimestamp(r.sub())
    else line = r.string()
    return true
  })
  return { tsNs, line }
}

function readStream(r: ProtoReader): ReceivedStream {
  let selector = ''
  const entries: ReceivedStream['entries'] = []
  r.fields((num, wireType) => {
    if (num !== 1 && num !== 2) return false
    expectWire(wireType, 2, num === 1 ? 'StreamAdapter.labels' : 'StreamAdapter.entries')
    if (num === 1) selector = r.string()
    else entries.push(readEntry(r.sub()))
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
