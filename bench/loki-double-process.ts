/**
 * The Loki double in a process of its own, as Loki is: the benchmark's own
 * heap (a 75 MB file parsed for the baseline, the previous run's 500,000
 * entries) would otherwise tax the double's garbage collector, and so the run
 * that happens to follow. Speaks over IPC: sends `{ url }` once listening,
 * answers `'count'` with `{ count }`, and stops when the parent disconnects.
 */
import { startLokiDouble } from '../test/support/loki-double.js'

const loki = await startLokiDouble()
const send = (message: object) => process.send!(message)
send({ url: loki.url })
process.on('message', (message) => {
  if (message === 'count') send({ count: loki.count() })
})
process.once('disconnect', () => void loki.stop().then(() => process.exit(0)))
