import t from 'tap'
import { LineClock } from '../../../../agent/metrics/rules/line-clock.js'

t.test('follows the newest line and never goes back', async (t) => {
  const wall = { ms: 5_000_000 }
  const clock = new LineClock(() => wall.ms)
  t.equal(clock.nowMs, -Infinity)
  clock.tick()
  t.equal(clock.nowMs, -Infinity, 'no line yet, nothing to advance from')
  clock.linesArrived(1_000)
  clock.linesArrived(900)
  t.equal(clock.nowMs, 1_000)
})

t.test('moves on by the wall time elapsed once lines have been quiet for the idle time', async (t) => {
  // The lines' clock is an hour behind the agent's: the watermark follows elapsed time, not the wall clock's value.
  const wall = { ms: 3_600_000 + 10_000 }
  const clock = new LineClock(() => wall.ms, 1_000)
  clock.linesArrived(10_000)
  wall.ms += 999
  clock.tick()
  t.equal(clock.nowMs, 10_000, 'quiet for less than the idle time')
  wall.ms += 4_001
  clock.tick()
  t.equal(clock.nowMs, 15_000)
  clock.linesArrived(12_000)
  t.equal(clock.nowMs, 15_000, 'a line older than the advanced watermark does not pull it back')
  wall.ms += 2_000
  clock.tick()
  t.equal(clock.nowMs, 15_000, 'the idle time counts from the last line')
  wall.ms += 5_000
  clock.tick()
  t.equal(clock.nowMs, 12_000 + 7_000)
})
