import t from 'tap'
import { RememberedKeys } from '../../../../agent/metrics/rules/remembered-keys.js'

t.test('entries come back as added, oldest first, and leave oldest first', async (t) => {
  const memory = new RememberedKeys<string>()
  t.equal(memory.oldest(), undefined, 'empty')
  t.equal(memory.dropOldest(), undefined, 'nothing to drop')
  memory.add('a', 1000.5, 1, 'series-x')
  memory.add('b', 2000, 2, 'series-y')
  memory.add('c', 3000, 3, 'series-x')
  t.equal(memory.size, 3)
  t.same(memory.get('b'), { key: 'b', atMs: 2000, seq: 2, series: 'series-y' })
  t.same(memory.oldest(), { key: 'a', atMs: 1000.5, seq: 1, series: 'series-x' }, 'sub-millisecond times kept')
  t.equal(memory.get('d'), undefined)

  t.equal(memory.dropOldest(), 1, "the dropped entry's sequence number is returned")
  t.equal(memory.get('a'), undefined, 'a dropped key is not found')
  t.equal(memory.oldest()?.key, 'b')
  memory.add('d', 4000, 4, 'series-y')
  t.equal(memory.get('d')?.seq, 4, 'a key added after a lookup is found')
  t.same([memory.dropOldest(), memory.dropOldest(), memory.dropOldest()], [2, 3, 4])
  t.equal(memory.size, 0)
})

t.test('a key held twice answers with its newest entry until that one leaves', async (t) => {
  const memory = new RememberedKeys<string>()
  memory.add('k', 1, 1, 'old')
  t.equal(memory.get('k')?.seq, 1, 'looked up before its second entry exists')
  memory.add('other', 2, 2, 's')
  memory.add('k', 3, 3, 'new')
  t.equal(memory.get('k')?.series, 'new', 'the newer entry wins')
  memory.dropOldest()
  t.equal(memory.get('k')?.seq, 3, 'dropping the older entry keeps the newer')

  const lazy = new RememberedKeys<string>()
  lazy.add('k', 1, 1, 'old')
  lazy.add('k', 2, 2, 'new')
  lazy.get('nothing')
  lazy.dropOldest()
  t.equal(lazy.get('k')?.seq, 2, 'the same when both were looked up only after being added')

  const dropped = new RememberedKeys<string>()
  dropped.add('k', 1, 1, 'old')
  dropped.get('k')
  dropped.add('k', 2, 2, 'new')
  dropped.dropOldest()
  t.equal(dropped.get('k')?.seq, 2, 'and when the older was in the key map before the newer was added')
  dropped.dropOldest()
  t.equal(dropped.get('k'), undefined, 'gone once both have left')
})

t.test('growing keeps every entry in age order, looked up or not, through many wraps of the ring', async (t) => {
  const memory = new RememberedKeys<number>()
  // A window of 3,000 keys sliding over 50,000, looked up every 7th key: the arrays grow to 4,096 slots, then the ring wraps a dozen times.
  const outOfOrder: number[] = []
  const misread: number[] = []
  for (let i = 0; i < 50_000; i++) {
    memory.add(`k${i}`, i, i, i % 5)
    if (i % 7 === 0 && memory.get(`k${i - 1_000}`)?.seq !== (i >= 1_000 ? i - 1_000 : undefined)) misread.push(i)
    if (i < 3_000) continue
    if (memory.dropOldest() !== i - 3_000) outOfOrder.push(i)
  }
  t.same(outOfOrder, [], 'the oldest is always the first added still held')
  t.same(misread, [], 'every lookup on the way found its own entry')
  t.equal(memory.size, 3_000)
  const wrong = Array.from({ length: 3_000 }, (_, i) => 47_000 + i).filter((i) => {
    const entry = memory.get(`k${i}`)
    return entry?.seq !== i || entry.atMs !== i || entry.series !== i % 5
  })
  t.same(wrong, [], 'every held key answers with its own entry')
  t.equal(memory.get('k46999'), undefined, 'a dropped key is gone from the key map')
})
