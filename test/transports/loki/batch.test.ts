import t from 'tap'
import { PendingEntries, encodeWithinLimit, groupIntoStreams, halve } from '../../../transports/loki/batch.js'
import { encodePush } from '../../../transports/loki/encode.js'
import type { LabelledEntry, LokiStream } from '../../../transports/loki/types.js'

const entry = (labels: string, line: string, tsNanos = 0): LabelledEntry => ({ labels, tsMs: 1_700_000_000_000, tsNanos, line })

t.test('groupIntoStreams keeps order within each stream and streams in first-seen order', async (t) => {
  const streams = groupIntoStreams([entry('{s="b"}', '1'), entry('{s="a"}', '2'), entry('{s="b"}', '3')])
  t.same(
    streams.map((s) => [s.labels, s.entries.map((e) => e.line)]),
    [
      ['{s="b"}', ['1', '3']],
      ['{s="a"}', ['2']],
    ],
  )
})

t.test('PendingEntries takes at most maxBytes of line text, and always at least one entry', async (t) => {
  const pending = new PendingEntries<LabelledEntry>(10)
  for (const line of ['aaaa', 'bbbb', 'cc', 'dddddddddddddddd', 'e']) pending.add(entry('{s="a"}', line))
  t.equal(pending.bytes, 27)
  t.ok(pending.full)
  t.same(pending.take().map((e) => e.line), ['aaaa', 'bbbb', 'cc'], 'exactly 10 bytes fit')
  t.same(pending.take().map((e) => e.line), ['dddddddddddddddd'], 'an entry over maxBytes goes alone')
  t.notOk(pending.full)
  t.same(pending.take().map((e) => e.line), ['e'])
  t.equal(pending.bytes, 0)
  pending.add(entry('{s="a"}', 'ü'))
  t.equal(pending.bytes, 2, 'bytes are UTF-8 bytes, not characters')
  pending.clear()
  t.equal(pending.length, 0)
  t.throws(() => new PendingEntries(0), /maxBytes must be a positive integer, received 0/)
})

t.test('halve splits a run, the first half taking the odd one', async (t) => {
  t.same(halve([1, 2, 3]), [[1, 2], [3]])
  t.same(halve([1]), [[1], []])
})

t.test('encodeWithinLimit keeps every body under the limit, in order, and isolates entries that cannot fit', async (t) => {
  const encode = (streams: LokiStream[]) => encodePush(streams, { encoding: 'protobuf' })
  const entries = [...Array.from({ length: 40 }, (_, i) => entry('{s="a"}', `line ${i} ${'x'.repeat(100)}`, i))]
  entries.splice(17, 0, entry('{s="a"}', 'y'.repeat(5000), 999))
  const limit = 2000
  const parts = encodeWithinLimit(entries, encode, limit)
  t.same(parts.flatMap((p) => p.entries), entries, 'every entry once, in order')
  const tooLarge = parts.filter((p) => 'tooLarge' in p)
  t.same(tooLarge.map((p) => p.entries.map((e) => e.tsNanos)), [[999]])
  for (const part of parts) if ('encoded' in part) t.ok(part.encoded.rawBytes <= limit, `${part.encoded.rawBytes} <= ${limit}`)
  t.ok(parts.length < entries.length / 2, 'halving keeps batches large')
  t.same(encodeWithinLimit([], encode, limit), [])
  t.equal(encodeWithinLimit(entries, encode, 1 << 20).length, 1, 'under the limit, one push')
})
