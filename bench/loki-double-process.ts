/**
 * The Loki double in a process of its own, as Loki is: the benchmark's own
 * heap (a 75 MB file parsed for the baseline, the previous run's 500,000
 * entries) would otherwise tax the double's garbage collector, and so the run
 * that happens to follow. Speaks over IPC: sends `{ url }` once listening,
 * answers `'count'` with `{ count }`, `'close'` and `'reopen'` (refusing
 * connections, then listening again) with `{ ok }`, and stops when the parent
 * disconnects. LOKI_DOUBLE_MAX_BODY_BYTES raises its 4 MiB push limit.
 */
import { startLokiDouble } from '../test/support/loki-double.js'

const maxBodyBytes = process.env.LOKI_DOUBLE_MAX_BODY_BYTES ? Number(process.env.LOKI_DOUBLE_MAX_BODY_BYTES) : undefined
const loki = await startLokiDouble(maxBodyBytes ? { maxBodyBytes } : {})
const send = (message: object) => process.send!(message)
send({ url: loki.url })
process.on('message', (message) => {
  if (message === 'count') send({ count: loki.count() })
  if (message === 'close') void loki.close().then(() => send({ ok: true }))
  if (message === 'reopen') void loki.reopen().then(() => send({ ok: true }))
})
process.once('disconnect', () => void loki.stop().then(() => process.exit(0)))
