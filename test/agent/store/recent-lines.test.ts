import t from 'tap'
import type { StoredLine } from '../../../agent/core/types.js'
import { RecentLines } from '../../../agent/store/recent-lines.js'

const lines = (from: number, count: number, text = 'x'.repeat(10)): StoredLine[] =>
  Array.from({ length: count }, (_, i) => ({ id: from + i, tsMs: 1, tsNanos: 0, labels: '{a="b"}', line: text, readAtMs: 1 }))
const ids = (found: StoredLine[] | undefined) => found?.map((line) => line.id)

t.test('serves lines after an id across batches, up to a limit', async (t) => {
  const recent = new RecentLines(1000)
  t.equal(recent.after(0, 10), undefined, 'nothing held: read the store')
  recent.add(lines(1, 3))
  recent.add(lines(4, 3))
  t.same(ids(recent.after(0, 10)), [1, 2, 3, 4, 5, 6])
  t.same(ids(recent.after(2, 3)), [3, 4, 5])
  t.same(ids(recent.after(3, 10)), [4, 5, 6], 'from the start of a batch')
  t.same(ids(recent.after(6, 10)), [], 'caught up')
})

t.test('keeps at most maxChars of line text, oldest batches go first, the newest always stays', async (t) => {
  const recent = new RecentLines(50)
  recent.add(lines(1, 3))
  recent.add(lines(4, 3))
  t.same(ids(recent.after(3, 10)), [4, 5, 6], '60 chars held: the first batch went')
  t.equal(recent.after(2, 10), undefined, 'a reader behind what is held reads the store')
  recent.add(lines(7, 1, 'y'.repeat(100)))
  t.same(ids(recent.after(6, 10)), [7], 'one batch over the limit is still held')
})

t.test('a batch that does not follow on starts over', async (t) => {
  const recent = new RecentLines(1000)
  recent.add(lines(1, 3))
  recent.add(lines(10, 2))
  t.equal(recent.after(3, 10), undefined)
  t.same(ids(recent.after(9, 10)), [10, 11])
  recent.add([])
  t.same(ids(recent.after(9, 10)), [10, 11], 'an empty batch changes nothing')
})

t.test('lines retention deleted are forgotten, whole batches and part of one', async (t) => {
  const recent = new RecentLines(1000)
  recent.add(lines(1, 3))
  recent.add(lines(4, 3))
  recent.dropThrough(4)
  t.equal(recent.after(3, 10), undefined, 'line 4 is gone')
  t.same(ids(recent.after(4, 10)), [5, 6])
  recent.add(lines(7, 95))
  t.same(ids(recent.after(4, 3)), [5, 6, 7], 'the size of what is kept was recounted')
  recent.dropThrough(200)
  t.equal(recent.after(101, 10), undefined, 'all gone')
  recent.add(lines(102, 1))
  t.same(ids(recent.after(101, 10)), [102])
  recent.clear()
  t.equal(recent.after(101, 10), undefined)
})
