import t from 'tap'
import { decodeBatch, encodeBatchLines, type BatchRow } from '../../../agent/store/batch-rows.js'
import { RecentLines } from '../../../agent/store/recent-lines.js'

const lines = (from: number, count: number, text = 'x'.repeat(10)): BatchRow => ({
  firstId: from,
  count,
  readAtMs: 1,
  ...encodeBatchLines(Array.from({ length: count }, () => ({ tsMs: 1, tsNanos: 0, streamId: 1, line: text }))),
})
/** Ids of the lines after `afterId`, at most `limit`, as the store reads them from the rows held; undefined when it must read SQLite. */
function ids(rows: BatchRow[] | undefined, afterId: number, limit = 10): number[] | undefined {
  if (rows === undefined) return undefined
  const found: number[] = []
  for (const row of rows) decodeBatch(row, Math.max(0, afterId + 1 - row.firstId), (id) => found.push(id) < limit)
  return found.slice(0, limit)
}
const after = (recent: RecentLines, afterId: number, limit = 10) => ids(recent.rowsAfter(afterId), afterId, limit)

t.test('serves lines after an id across batches, up to a limit', async (t) => {
  const recent = new RecentLines(1000)
  t.equal(after(recent, 0, 10), undefined, 'nothing held: read the store')
  recent.add(lines(1, 3))
  recent.add(lines(4, 3))
  t.same(after(recent, 0, 10), [1, 2, 3, 4, 5, 6])
  t.same(after(recent, 2, 3), [3, 4, 5])
  t.same(after(recent, 3, 10), [4, 5, 6], 'from the start of a batch')
  t.same(after(recent, 6, 10), [], 'caught up')
})

t.test('keeps at most maxChars of line text, oldest batches go first, the newest always stays', async (t) => {
  const recent = new RecentLines(50)
  recent.add(lines(1, 3))
  recent.add(lines(4, 3))
  t.same(after(recent, 3, 10), [4, 5, 6], '60 chars held: the first batch went')
  t.equal(after(recent, 2, 10), undefined, 'a reader behind what is held reads the store')
  recent.add(lines(7, 1, 'y'.repeat(100)))
  t.same(after(recent, 6, 10), [7], 'one batch over the limit is still held')
})

t.test('a batch that does not follow on starts over', async (t) => {
  const recent = new RecentLines(1000)
  recent.add(lines(1, 3))
  recent.add(lines(10, 2))
  t.equal(after(recent, 3, 10), undefined)
  t.same(after(recent, 9, 10), [10, 11])
  recent.add(lines(12, 0))
  t.same(after(recent, 9, 10), [10, 11], 'an empty batch changes nothing')
})

t.test('lines retention deleted are forgotten, whole batches and part of one', async (t) => {
  const recent = new RecentLines(1000)
  recent.add(lines(1, 3))
  recent.add(lines(4, 3))
  recent.dropThrough(4)
  t.equal(after(recent, 3, 10), undefined, 'line 4 is gone')
  t.same(after(recent, 4, 10), [5, 6])
  recent.add(lines(7, 95))
  t.same(after(recent, 4, 3), [5, 6, 7], 'the size of what is kept was recounted')
  recent.dropThrough(200)
  t.equal(after(recent, 101, 10), undefined, 'all gone')
  recent.add(lines(102, 1))
  t.same(after(recent, 101, 10), [102])
  recent.clear()
  t.equal(after(recent, 101, 10), undefined)
})
