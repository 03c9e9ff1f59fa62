import t from 'tap'
import { LineClocks } from '../../../../agent/metrics/rules/line-clocks.js'
import { logEvent } from '../fixtures/events.js'

const T = 1_700_000_000_000

t.test('own times move the shared clock; fallback times move no clock but hold off the idle rule', async (t) => {
  const wall = { ms: T }
  const clocks = new LineClocks(() => wall.ms)
  clocks.observe([logEvent(T - 80_000), logEvent(T, { timeOrigin: 'fallback' })])
  t.equal(clocks.shared.nowMs, T - 80_000, 'a traceback stamped "now" does not jump the clock')
  wall.ms += 900
  clocks.observe([logEvent(T, { timeOrigin: 'fallback' })])
  wall.ms += 900
  clocks.tick()
  t.equal(clocks.shared.nowMs, T - 80_000, 'lines still arrive: the idle rule waits')
  wall.ms += 1_000
  clocks.tick()
  t.equal(clocks.shared.nowMs, T - 80_000 + 1_900, 'quiet for 1 s: it moves on by the wall time elapsed since the last line arrived')
})

t.test('a service whose times run ahead gets its own clock and leaves the shared one alone', async (t) => {
  const clocks = new LineClocks(() => T)
  clocks.observe([logEvent(T - 1_000, { service: 'auto_executor' }), logEvent(T + 300_000, { service: 'ai_engine', timeOrigin: 'ahead' })])
  t.equal(clocks.shared.nowMs, T - 1_000)
  t.equal(clocks.clockOf('ai_engine').nowMs, T + 300_000)
  t.equal(clocks.clockOf('auto_executor'), clocks.shared)
  t.equal(clocks.aheadClockOf('ai_engine'), clocks.clockOf('ai_engine'), 'one clock per service, kept')
  t.equal([...clocks.all()].length, 2)
})
