import t from 'tap'
import { intervalText, median, medianInterval } from '../../bench/measure.js'

t.test('median: the middle value, or the mean of the two middle ones', async (t) => {
  t.equal(median([3, 1, 2]), 2)
  t.equal(median([4, 1, 3, 2]), 2.5)
})

t.test('medianInterval: nine rounds give the 2nd to 8th values, 96 % (the sign test)', async (t) => {
  const rounds = [1.21, 0.91, 1.13, 1.42, 1.05, 1.09, 0.97, 1.17, 1.11]
  const interval = medianInterval(rounds)!
  t.equal(interval.low, 0.97)
  t.equal(interval.high, 1.21)
  // 1 − 2 · (C(9,0) + C(9,1)) / 2⁹
  t.equal(interval.coverage, 1 - (2 * 10) / 512)
  t.ok(interval.low <= median(rounds) && median(rounds) <= interval.high)
})

t.test('medianInterval: a lower coverage asked for narrows it to the 3rd to 7th values', async (t) => {
  const interval = medianInterval([9, 8, 7, 6, 5, 4, 3, 2, 1], 0.8)!
  t.same(interval, { low: 3, high: 7, coverage: 1 - (2 * 46) / 512 })
})

t.test('medianInterval: too few rounds for the coverage give none', async (t) => {
  // Four values: even the smallest and largest hold the median only 1 − 2/16 = 87.5 % of the time.
  t.equal(medianInterval([1, 2, 3, 4]), undefined)
  t.same(medianInterval([1, 2, 3, 4], 0.85), { low: 1, high: 4, coverage: 0.875 })
})

t.test('intervalText: the interval as the benchmarks print it', async (t) => {
  t.equal(intervalText({ low: 1.0391, high: 1.1494, coverage: 0.9567 }), 'within 1.039–1.149 at 95 % confidence (sign test)')
})
