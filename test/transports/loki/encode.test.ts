import { gunzipSync } from 'node:zlib'
import { uncompressSync } from 'snappy'
import t from 'tap'
import { encodePush } from '../../../transports/loki/encode.js'
import { encodePushRequest } from '../../../transports/loki/encode-protobuf.js'
import { toTimestamp, toUnixNanos } from '../../../transports/loki/time.js'
import type { LokiStream } from '../../../transports/loki/types.js'
import { decodeProtobufPush } from '../../support/loki-double/decode.js'

const streams: LokiStream[] = [
  {
    labels: '{level="info", service="api"}',
    entries: [
      { tsMs: 1_700_000_000_123, tsNanos: 456_789, line: 'first' },
      { tsMs: 1_700_000_000_123, tsNanos: 456_790, line: 'ünïcödé ✓ and a "quote"\n' },
    ],
  },
  { labels: '{service="worker"}', entries: [{ tsMs: 0, tsNanos: 0, line: '' }] },
]

t.test('ns timestamps keep every digit past 2^53', async (t) => {
  t.equal(toUnixNanos(1_700_000_000_123, 456_789), '1700000000123456789')
  t.equal(toUnixNanos(1_700_000_000_123, 0), '1700000000123000000')
  t.equal(toUnixNanos(-1, 999_999), '-1')
  t.same(toTimestamp(1_700_000_000_123, 456_789), { seconds: 1_700_000_000, nanos: 123_456_789 })
  t.same(toTimestamp(-1, 5), { seconds: -1, nanos: 999_000_005 }, 'nanos stay positive before the epoch')
})

t.test('protobuf bytes match logproto.PushRequest written by hand', async (t) => {
  const message = encodePushRequest([{ labels: '{a="b"}', entries: [{ tsMs: 1500, tsNanos: 7, line: 'hi' }] }])
  // 0a19 streams (25 bytes): 0a07 labels '{a="b"}', 120e entries: 0a08 timestamp { 0801 seconds=1,
  // 1087cab5ee01 nanos=500000007 }, 1202 line 'hi'. Field numbers from grafana/loki pkg/push/push.proto.
  t.equal(message.toString('hex'), '0a190a077b613d2262227d120e0a0808011087cab5ee0112026869')
})

t.test('protobuf round-trips through an independent decoder, ns exact', async (t) => {
  const encoded = encodePush(streams, { encoding: 'protobuf' })
  t.equal(encoded.contentType, 'application/x-protobuf')
  t.equal(encoded.contentEncoding, undefined)
  t.equal(encoded.entries, 3)
  const message = uncompressSync(encoded.body, { asBuffer: true }) as Buffer
  t.equal(message.length, encoded.rawBytes, 'rawBytes is the uncompressed message size')
  const decoded = decodeProtobufPush(message)
  t.same(
    decoded.map((s) => ({ selector: s.selector, entries: s.entries.map((e) => [e.tsNs.toString(), e.line]) })),
    [
      { selector: streams[0]!.labels, entries: [['1700000000123456789', 'first'], ['1700000000123456790', 'ünïcödé ✓ and a "quote"\n']] },
      { selector: streams[1]!.labels, entries: [['0', '']] },
    ],
  )
})

t.test('protobuf writes seconds past 2^31 (after 2038) and at 2^53 ms exactly', async (t) => {
  const late = [{ labels: '{a="b"}', entries: [{ tsMs: 4_102_444_800_123, tsNanos: 1, line: 'year 2100' }, { tsMs: 2 ** 53 - 1, tsNanos: 999_999, line: 'far' }] }]
  const decoded = decodeProtobufPush(encodePushRequest(late))
  t.same(decoded[0]!.entries.map((e) => [e.tsNs.toString(), e.line]), [['4102444800123000001', 'year 2100'], [`${BigInt(2 ** 53 - 1) * 1_000_000n + 999_999n}`, 'far']])
})

t.test('protobuf copies the bytes of an entry that holds them (writeLine) instead of encoding its line', async (t) => {
  const held = Buffer.from('xx ünïcödé ✓ yy')
  const at = 3
  const bytes = Buffer.byteLength('ünïcödé ✓')
  const entry = { tsMs: 1500, tsNanos: 7, line: 'never read', bytes, writeLine: (target: Buffer, to: number) => void held.copy(target, to, at, at + bytes) }
  const decoded = decodeProtobufPush(encodePushRequest([{ labels: '{a="b"}', entries: [entry] }]))
  t.same(decoded[0]!.entries.map((e) => e.line), ['ünïcödé ✓'])
})

t.test('protobuf body is snappy block format, not framed', async (t) => {
  const encoded = encodePush(streams, { encoding: 'protobuf' })
  // Block format starts with the uncompressed length as a varint; framed starts with 0xff "sNaPpY".
  t.not(encoded.body[0], 0xff)
  let length = 0
  for (let i = 0, shift = 0; ; i++, shift += 7) {
    length += (encoded.body[i]! & 0x7f) * 2 ** shift
    if (encoded.body[i]! < 0x80) break
  }
  t.equal(length, encoded.rawBytes)
})

t.test('JSON body is the documented push format, optionally gzipped', async (t) => {
  const plain = encodePush(streams, { encoding: 'json' })
  t.equal(plain.contentType, 'application/json')
  t.equal(plain.contentEncoding, undefined)
  const expected = {
    streams: [
      { stream: { level: 'info', service: 'api' }, values: [['1700000000123456789', 'first'], ['1700000000123456790', 'ünïcödé ✓ and a "quote"\n']] },
      { stream: { service: 'worker' }, values: [['0', '']] },
    ],
  }
  t.same(JSON.parse(plain.body.toString()), expected)
  t.equal(plain.rawBytes, plain.body.length)

  const gzipped = encodePush(streams, { encoding: 'json', gzip: true })
  t.equal(gzipped.contentEncoding, 'gzip')
  t.same(JSON.parse(gunzipSync(gzipped.body).toString()), expected)
  t.equal(gzipped.rawBytes, plain.rawBytes, 'rawBytes is measured before gzip')
})

t.test('JSON encoding refuses a malformed selector', async (t) => {
  t.throws(() => encodePush([{ labels: 'not a selector', entries: [] }], { encoding: 'json' }), /invalid stream selector/)
})

t.test('protobuf writes a negative int64 seconds as ten-byte two\'s complement', async (t) => {
  const message = encodePushRequest([{ labels: '{a="b"}', entries: [{ tsMs: -1500, tsNanos: 0, line: 'x' }] }])
  t.same(decodeProtobufPush(message).map((s) => s.entries.map((e) => e.tsNs)), [[-1_500_000_000n]])
})
