import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { LoopDelay } from '../../../agent/metrics/loop-delay.js'

const block = (ms: number) => {
  const until = performance.now() + ms
  while (performance.now() < until);
}

t.test('a blocked event loop shows as the late timer it makes', async (t) => {
  const delay = new LoopDelay(10)
  t.teardown(() => delay.stop())
  t.equal(delay.percentile(99), 0, 'no sample yet')
  delay.start()
  await sleep(50)
  block(300)
  await sleep(30)
  // No timer fires while the loop is blocked: the sample after the block is late by the block, less one period.
  t.ok(delay.percentile(100) >= 300 - 10, `the worst sample (${delay.percentile(100).toFixed(1)} ms) covers the block`)
  t.ok(delay.percentile(50) < delay.percentile(100), 'most samples are not the blocked one')
  delay.reset()
  t.equal(delay.percentile(99), 0, 'reset forgets the samples')
})

t.test('past the ring, the newest samples are kept', async (t) => {
  const delay = new LoopDelay(1, 4)
  t.teardown(() => delay.stop())
  delay.start()
  await sleep(20)
  block(100)
  await sleep(1)
  t.ok(delay.percentile(100) >= 100 - 1, 'the block is among the last four samples')
  await sleep(100)
  t.ok(delay.percentile(100) < 100 - 1, 'and has left them once four more were taken')
})
