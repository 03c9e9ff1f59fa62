import t from 'tap'
import { OVERFLOW_VALUE, createCardinalityGuard } from '../../../agent/transforms/cardinality-guard.js'

t.test('admits up to the cap, then maps new values to "other" and reports each overflow', async (t) => {
  let overflows = 0
  const admit = createCardinalityGuard(3, () => overflows++)
  t.same(['a', 'b', 'c'].map(admit), ['a', 'b', 'c'])
  t.equal(admit('d'), OVERFLOW_VALUE)
  t.equal(admit('e'), OVERFLOW_VALUE)
  t.equal(overflows, 2)
  t.same(['a', 'b', 'c'].map(admit), ['a', 'b', 'c'], 'admitted values stay admitted after the cap is reached')
  t.equal(overflows, 2, 'admitted values never count as overflows')
})

t.test('sanitizes before counting, so dirty variants of one value take one slot', async (t) => {
  let overflows = 0
  const admit = createCardinalityGuard(2, () => overflows++)
  t.equal(admit('a\u0000b'), 'a_b')
  t.equal(admit('a\u0001b'), 'a_b')
  t.equal(admit('a_b'), 'a_b')
  t.equal(admit('next'), 'next')
  t.equal(admit('third'), OVERFLOW_VALUE)
  t.equal(overflows, 1)
})

t.test('10,000 distinct values yield at most the cap plus "other"', async (t) => {
  let overflows = 0
  const admit = createCardinalityGuard(100, () => overflows++)
  const seen = new Set<string>()
  for (let i = 0; i < 10_000; i++) seen.add(admit(`EVENT_${i}`))
  t.equal(seen.size, 101)
  t.ok(seen.has(OVERFLOW_VALUE))
  t.equal(overflows, 9_900)
})

t.test('a bad cap throws at construction, naming what it received', async (t) => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => createCardinalityGuard(bad, () => {}), { message: `maxValues must be a positive integer, received ${String(bad)}` })
  }
})
