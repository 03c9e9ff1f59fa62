import t from 'tap'
import { backoffDelay, checkBackoffOptions } from '../../../transports/loki/backoff.js'

const options = { minMs: 500, maxMs: 300_000 }

t.test('delays double per attempt, between half and all of the step', async (t) => {
  for (const [attempt, step] of [[0, 500], [1, 1000], [2, 2000], [5, 16_000]] as const) {
    t.equal(backoffDelay(attempt, options, undefined, () => 0), step / 2, `attempt ${attempt}, least jitter`)
    t.equal(backoffDelay(attempt, options, undefined, () => 1), step, `attempt ${attempt}, most jitter`)
  }
})

t.test('the cap holds however many attempts, even absurd ones', async (t) => {
  t.equal(backoffDelay(30, options, undefined, () => 1), 300_000)
  t.equal(backoffDelay(10_000, options, undefined, () => 1), 300_000)
  t.ok(backoffDelay(10_000, options, undefined, () => 0) >= 150_000)
})

t.test('Retry-After is a floor, capped at the maximum', async (t) => {
  t.equal(backoffDelay(0, options, 7000, () => 0), 7000)
  t.equal(backoffDelay(0, options, 100, () => 1), 500, 'a shorter Retry-After does not hurry the backoff')
  t.equal(backoffDelay(0, options, 3_600_000, () => 0), 300_000)
})

t.test('jitter spreads retries out', async (t) => {
  const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, options)))
  t.ok(delays.size > 10)
})

t.test('bad options are named', async (t) => {
  t.throws(() => checkBackoffOptions({ minMs: 0, maxMs: 10 }), /minMs must be a positive number, received 0/)
  t.throws(() => checkBackoffOptions({ minMs: 100, maxMs: 10 }), /maxMs must be a number >= minMs \(100\), received 10/)
  t.doesNotThrow(() => checkBackoffOptions(options))
})
