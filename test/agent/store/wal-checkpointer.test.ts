import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pino from 'pino'
import type { LogEvent } from '../../../agent/core/types.js'
import { Store } from '../../../agent/store/store.js'
import { keepWalCheckpointed } from '../../../agent/store/wal-checkpointer.js'

const labels = Object.freeze({ service: 'svc', level: 'info', event: 'LOG' })
const batch = (from: number, size: number): LogEvent[] =>
  Array.from({ length: size }, (_, i) => ({
    tsMs: 1_767_435_323_000 + from + i,
    tsNanos: 0,
    line: 'x'.repeat(1_000),
    level: 'info',
    service: 'svc',
    event: 'LOG',
    correlationId: null,
    labels,
    fields: null,
    source: 'test',
  }))

function openStore(t: Test): Store {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-wal-'))
  const store = new Store(join(dir, 'store.db'))
  t.teardown(() => {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return store
}

/** Frames now in the WAL: after a checkpoint and a new commit, only that commit's. */
const walFrames = (store: Store) => (store.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log

t.test('the checkpointer copies the WAL on its timer, so the next commit starts the WAL over', async (t) => {
  const store = openStore(t)
  for (let i = 0; i < 20; i++) store.append(batch(i * 200, 200))
  const stop = keepWalCheckpointed(store, pino({ level: 'silent' }), 10)
  t.teardown(stop)
  await sleep(60)
  store.append(batch(5_000, 10))
  t.ok(walFrames(store) < 50, 'only the last small commit is in the WAL')

  stop()
  for (let i = 0; i < 20; i++) store.append(batch(10_000 + i * 200, 200))
  t.ok(walFrames(store) > 1_000, 'stopped: SQLite does not checkpoint on its own, the WAL grows')
})

t.test('a failing checkpoint is logged and tried again, never thrown', async (t) => {
  const store = openStore(t)
  const logged: string[] = []
  const log = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) })
  store.close()
  const stop = keepWalCheckpointed(store, log, 5)
  await sleep(40)
  stop()
  t.ok(logged.length >= 2, `logged on every attempt (${logged.length})`)
  t.match(JSON.parse(logged[0]!), { msg: 'store WAL checkpoint failed; it will be tried again', err: { message: /not open/ } })
})
