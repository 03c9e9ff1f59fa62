import t from 'tap'
import { RememberedKeys } from '../../../../agent/metrics/rules/remembered-keys.js'

t.test('entries come back as added, oldest first, and go when deleted', async (t) => {
  const memory = new RememberedKeys<string>()
  t.equal(memory.oldest(), undefined, 'empty')
  memory.add('a', 1000.5, 1, 'series-x')
  memory.add('b', 2000, 2, 'series-y')
  memory.add('c', 3000, 3, 'series-x')
  t.equal(memory.size, 3)
  t.same(memory.get('b'), { key: 'b', atMs: 2000, seq: 2, series: 'series-y' })
  t.same(memory.oldest(), { key: 'a', atMs: 1000.5, seq: 1, series: 'series-x' }, 'sub-millisecond times kept')
  t.equal(memory.get('c')?.key, 'c')
  t.equal(memory.get('d'), undefined)

  t.ok(memory.delete('b'), 'a middle entry')
  t.notOk(memory.delete('b'), 'only once')
  t.equal(memory.oldest()?.key, 'a')
  t.ok(memory.delete('a'))
  t.equal(memory.oldest()?.key, 'c', 'the hole left by b is skipped')
  t.ok(memory.delete('c'))
  t.equal(memory.oldest(), undefined)
  t.equal(memory.size, 0)
})

t.test('growing and compacting keep every entry, in age order', async (t) => {
  const memory = new RememberedKeys<number>()
  const live: string[] = []
  const oldestSeen: Array<string | undefined> = []
  const expectedOldest: string[] = []
  // 10,000 keys, every third deleted soon after (holes), the oldest dropped as the window moves: the arrays grow and compact many times.
  for (let i = 0; i < 10_000; i++) {
    const key = `order-${i}`
    memory.add(key, i, i + 1, i % 7)
    live.push(key)
    if (i % 3 === 0 && i > 0) {
      const victim = `order-${i - 1}`
      memory.delete(victim)
      live.splice(live.indexOf(victim), 1)
    }
    while (live.length > 500) {
      oldestSeen.push(memory.oldest()?.key)
      expectedOldest.push(live[0])
      memory.delete(live.shift()!)
    }
  }
  t.same(oldestSeen, expectedOldest, 'the oldest was always the first added still held')
  t.equal(memory.size, live.length)
  const wrong = live.filter((key) => {
    const i = Number(key.slice('order-'.length))
    const entry = memory.get(key)
    return entry?.atMs !== i || entry.seq !== i + 1 || entry.series !== i % 7
  })
  t.same(wrong, [], 'every held entry with its own time, sequence number and series')
  const drained: string[] = []
  for (let entry = memory.oldest(); entry !== undefined; entry = memory.oldest()) {
    drained.push(entry.key)
    memory.delete(entry.key)
  }
  t.same(drained, live, 'drained oldest first')
})

t.test('growing without holes keeps every key where it was, through many wraps of the ring', async (t) => {
  const memory = new RememberedKeys<number>()
  // A window of 3,000 keys sliding over 50,000: the arrays grow to 4,096 slots, then the ring wraps a dozen times.
  const outOfOrder: number[] = []
  for (let i = 0; i < 50_000; i++) {
    memory.add(`k${i}`, i, i, 0)
    if (i < 3_000) continue
    if (memory.oldest()?.key !== `k${i - 3_000}`) outOfOrder.push(i)
    memory.delete(`k${i - 3_000}`)
  }
  t.same(outOfOrder, [], 'the oldest is always the first added still held')
  t.equal(memory.size, 3_000)
  const wrong = Array.from({ length: 3_000 }, (_, i) => 47_000 + i).filter((i) => memory.get(`k${i}`)?.seq !== i)
  t.same(wrong, [], 'every held key answers with its own entry')
})

t.test('two memories sharing one key map each see only their own keys, also after growing and compacting', async (t) => {
  const shared = new Map<string, number>()
  const expired = new RememberedKeys<string>(shared, 0)
  const completed = new RememberedKeys<string>(shared, 1)
  for (let i = 0; i < 3_000; i++) {
    ;(i % 2 === 0 ? expired : completed).add(`k${i}`, i, i, 's')
    // Two keys in three deleted: holes in both, so both compact as well as grow.
    if (i % 3 !== 0) (i % 2 === 0 ? expired : completed).delete(`k${i}`)
  }
  t.equal(expired.size + completed.size, shared.size, 'one entry a key in the shared map')
  const misplaced: string[] = []
  for (let i = 0; i < 3_000; i++) {
    const held = i % 3 === 0
    const own = i % 2 === 0 ? expired : completed
    const other = i % 2 === 0 ? completed : expired
    if ((own.get(`k${i}`)?.seq === i) !== held || other.get(`k${i}`) !== undefined || other.delete(`k${i}`)) misplaced.push(`k${i}`)
  }
  t.same(misplaced, [], "each memory answers for its own keys only, and cannot delete the other's")
  t.equal(expired.oldest()?.key, 'k0')
  t.equal(completed.oldest()?.key, 'k3')
})

t.test('dropOldest forgets the oldest held entry and returns its key', async (t) => {
  const shared = new Map<string, number>()
  const memory = new RememberedKeys<string>(shared, 1)
  t.equal(memory.dropOldest(), undefined, 'nothing to drop')
  for (const key of ['a', 'b', 'c']) memory.add(key, 0, 0, 's')
  memory.delete('b')
  t.equal(memory.dropOldest(), 'a')
  t.equal(memory.dropOldest(), 'c', 'past the hole b left')
  t.equal(memory.size, 0)
  t.equal(shared.size, 0, 'gone from the key map too')
})
