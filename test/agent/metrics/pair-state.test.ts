import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { changesOfRow } from '../../../agent/metrics/pair-rows.js'
import { PairStateStore, pairChangesToCommit, ROWS_BETWEEN_DELETES } from '../../../agent/metrics/pair-state.js'
import { deltaOf, type ForgottenChange, type PairEntry } from '../../../agent/metrics/rules/pair-journal.js'
import { MetricsConfig } from '../../../agent/metrics/rules/config.js'
import { createMetricsEngine } from '../../../agent/metrics/rules/engine.js'
import { logEvent, sample } from './fixtures/events.js'
import { ANSWERED, orderFlow, T0 } from './fixtures/order-flow.js'

/** A delta of these changes, as the journal would have written them. */
const deltaWith = (upserts: PairEntry[], deletes: ForgottenChange[], liveFrom: number) => deltaOf([...upserts, ...deletes], liveFrom)

function tempDb(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-pairs-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'store.db')
}

t.test('apply appends upserts and deletes; load folds them into the live entries, oldest change first', async (t) => {
  const path = tempDb(t)
  const db = new Database(path)
  const store = new PairStateStore(db)
  const entry = { rule: 'order', key: 'a', state: 'pending' as const, atMs: T0 + 0.5, labels: ['orders'], seq: 2 }
  db.transaction(() =>
    store.apply(deltaWith([entry, { ...entry, key: 'b', seq: 1 }, { ...entry, rule: 'other', seq: 3 }], [], 1)),
  )()
  db.transaction(() =>
    store.apply(deltaWith([{ ...entry, state: 'completed', atMs: T0 + 9, seq: 4 }], [{ seq: 5, forgets: 3 }], 1)),
  )()
  db.close()
  const reopened = new Database(path)
  t.teardown(() => reopened.close())
  t.same(new PairStateStore(reopened).load(), [
    { ...entry, key: 'b', seq: 1 },
    { ...entry, state: 'completed', atMs: T0 + 9, seq: 4 },
  ])
})

t.test('rows written a change at a time (before grouped rows) load with grouped ones, latest change winning', async (t) => {
  const db = new Database(tempDb(t))
  t.teardown(() => db.close())
  const store = new PairStateStore(db)
  db.prepare(`INSERT INTO pair_changes (last_seq, changes) VALUES (?, ?)`).run(
    2,
    JSON.stringify([[1, 'order', 'a', 'pending', T0, ['api']], [2, 'order', 'b', 'pending', T0 + 1, ['web']]]),
  )
  db.transaction(() =>
    store.apply(deltaWith([{ rule: 'order', key: 'a', state: 'completed', atMs: T0 + 5, labels: ['api'], seq: 3 }], [{ seq: 4, forgets: 2 }], 1)),
  )()
  t.same(store.load(), [{ rule: 'order', key: 'a', state: 'completed', atMs: T0 + 5, labels: ['api'], seq: 3 }])
  const [row] = db.prepare(`SELECT changes FROM pair_changes WHERE last_seq = 4`).pluck().all() as Buffer[]
  t.ok(Buffer.isBuffer(row), 'new rows are blobs')
  t.same([...changesOfRow(row!)], [[3, 'order', 'a', 'completed', T0 + 5, ['api']], [4, 2]])
})

t.test('a forgetting reaches the change it was made for, not a later change of the key', async (t) => {
  const db = new Database(tempDb(t))
  t.teardown(() => db.close())
  const store = new PairStateStore(db)
  const change = (key: string, state: 'pending' | 'completed', seq: number) => ({ rule: 'order', key, state, atMs: T0 + seq, labels: ['api'], seq })
  // b completed (2), started again (3), then its old memory forgotten (4, as of 2); c completed (5) and forgotten (6, as of 5).
  store.apply(deltaWith([change('b', 'completed', 2)], [], 1))
  store.apply(deltaWith([change('b', 'pending', 3), change('c', 'completed', 5)], [], 1))
  store.apply(deltaWith([], [{ seq: 4, forgets: 2 }, { seq: 6, forgets: 5 }], 1))
  t.same(store.load(), [change('b', 'pending', 3)])
})

t.test('rows of the grouped JSON format load too, their forgettings reaching every change before them', async (t) => {
  const db = new Database(tempDb(t))
  t.teardown(() => db.close())
  const store = new PairStateStore(db)
  const grouped = { groups: [['order', ['api'], 1, 'a', 'p', T0, 2, 'b', 'e', T0 + 1], ['order', [], 3, 'a', 'f', 0]] }
  db.prepare(`INSERT INTO pair_changes (last_seq, changes) VALUES (?, ?)`).run(3, JSON.stringify(grouped))
  t.same(store.load(), [{ rule: 'order', key: 'b', state: 'expired', atMs: T0 + 1, labels: ['api'], seq: 2 }])
})

t.test('rows holding only changes older than the oldest live entry leave the log, many at a time; what remains loads the same', async (t) => {
  const db = new Database(tempDb(t))
  t.teardown(() => db.close())
  const store = new PairStateStore(db)
  const pending = (key: string, seq: number) => ({ rule: 'order', key, state: 'pending' as const, atMs: T0, labels: [], seq })
  store.apply(deltaWith([pending('a', 1), pending('b', 2)], [], 1))
  store.apply(deltaWith([pending('c', 3)], [], 1))
  store.apply(deltaWith([{ ...pending('a', 4), state: 'completed' }], [{ seq: 5, forgets: 2 }], 3))
  const rows = () => db.prepare(`SELECT last_seq FROM pair_changes ORDER BY last_seq`).pluck().all() as number[]
  t.same(rows(), [2, 3, 5], 'a superseded row stays until enough rows were appended')
  t.same(store.load().map((e) => [e.key, e.state]), [['c', 'pending'], ['a', 'completed']], 'and is folded away when the log loads')
  for (let seq = 6; seq < 6 + ROWS_BETWEEN_DELETES - 3; seq++) store.apply(deltaWith([pending(`k${seq}`, seq)], [], 3))
  t.same(rows().slice(0, 2), [3, 5], `once ${ROWS_BETWEEN_DELETES} rows were appended, the first batch's row went: a and b changed again since; b's forgetting stays until it is older than every live entry`)
  t.equal(rows().length, ROWS_BETWEEN_DELETES - 1)
  for (let i = 0; i < ROWS_BETWEEN_DELETES; i++) store.apply(deltaWith([], [{ seq: 100 + i, forgets: 6 + i }], 200))
  t.same(rows(), [], 'nothing live: the log is empty')
  t.same(store.load(), [])
})

t.test('a row-per-key table of an earlier version is carried over into the journal', async (t) => {
  const db = new Database(tempDb(t))
  t.teardown(() => db.close())
  db.exec(`
    CREATE TABLE pending_pairs (rule TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL, at_ms REAL NOT NULL, labels TEXT NOT NULL,
      seq INTEGER NOT NULL, PRIMARY KEY (rule, key)) WITHOUT ROWID;
    INSERT INTO pending_pairs VALUES ('order', 'k2', 'pending', ${T0}, '["orders"]', 7), ('order', 'k1', 'expired', ${T0 + 1}, '["orders"]', 3);
  `)
  const store = new PairStateStore(db)
  t.same(store.load().map((e) => [e.key, e.state, e.seq, e.labels]), [['k1', 'expired', 3, ['orders']], ['k2', 'pending', 7, ['orders']]])
  t.notOk(db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'pending_pairs'`).get(), 'the old table is gone')
})

t.test('a delta applied in a transaction that rolls back leaves nothing', async (t) => {
  const db = new Database(tempDb(t))
  t.teardown(() => db.close())
  const store = new PairStateStore(db)
  const failing = db.transaction(() => {
    store.apply(deltaWith([{ rule: 'order', key: 'a', state: 'pending', atMs: T0, labels: [], seq: 1 }], [], 1))
    throw new Error('the batch insert failed')
  })
  t.throws(failing, /batch insert failed/)
  t.same(store.load(), [])
})

t.test('changes taken for a commit that rolls back are written by its retry', async (t) => {
  const db = new Database(tempDb(t))
  t.teardown(() => db.close())
  const store = new PairStateStore(db)
  const engine = createMetricsEngine(MetricsConfig.parse({}))
  engine.observe([logEvent(T0, { service: 'auto_executor', event: 'ORDER_SUBMIT', correlationId: 'req-1' })])
  const work = pairChangesToCommit(engine, store)
  t.throws(
    db.transaction(() => {
      work()
      throw new Error('disk full')
    }),
    /disk full/,
  )
  t.same(store.load(), [], 'rolled back')
  db.transaction(work)()
  t.same(store.load().map(({ rule, key, state }) => [rule, key, state]), [['order', 'req-1', 'pending']], 'the retry wrote the same changes')
})

t.test('after SIGKILL and restart, pending starts are answered or timed out and nothing is counted twice', async (t) => {
  const path = tempDb(t)
  const lines = orderFlow()
  const firstAnswer = lines.findIndex((e) => e.event === 'ORDER_RESPONSE')
  const child = spawn(process.execPath, [...process.execArgv, join(import.meta.dirname, 'fixtures/pair-restart-child.ts'), path, String(firstAnswer + 45)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => void child.kill('SIGKILL'))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve())
    child.on('exit', (code) => reject(new Error(`child exited with ${code} before it was ready`)))
  })
  child.kill('SIGKILL')
  await new Promise((resolve) => child.once('exit', resolve))

  // The restarted agent: what was committed, and the lines after it.
  const db = new Database(path)
  t.teardown(() => db.close())
  const position = db.prepare(`SELECT line FROM position`).pluck().get() as number
  const before = lines.slice(0, position)
  const after = lines.slice(position)
  const answeredBefore = new Set(before.filter((e) => e.event === 'ORDER_RESPONSE').map((e) => e.correlationId))
  t.ok(answeredBefore.size > 0 && answeredBefore.size < ANSWERED, `killed between answers (position ${position})`)

  const store = new PairStateStore(db)
  const wall = { ms: 0 }
  const engine = createMetricsEngine(MetricsConfig.parse({}), { now: () => wall.ms })
  const persisted = store.load()
  engine.restore(persisted, store.newestSeq())
  const count = async (name: string, labels: Record<string, string> = {}) => (await sample(engine.registry, `order_${name}`, labels)) ?? 0
  t.equal(await count('pending'), 100 - answeredBefore.size, 'every start still unanswered at the kill is pending again')

  engine.observe(after)
  const delta = engine.takeStateDelta()
  const newestBefore = Math.max(...persisted.map((e) => e.seq))
  t.ok([...changesOfRow(delta.row!)].every(([seq]) => seq > newestBefore), 'changes after the restart are ordered after the restored ones')
  db.transaction(() => store.apply(delta))()

  const submittedAt = new Map(before.filter((e) => e.event === 'ORDER_SUBMIT').map((e) => [e.correlationId, e.tsMs + e.tsNanos / 1e6]))
  const answersAfter = after.filter((e) => e.event === 'ORDER_RESPONSE' && /^k\d+$/.test(e.correlationId!) && !answeredBefore.has(e.correlationId))
  const expectedSeconds = answersAfter.reduce((sum, e) => sum + (e.tsMs + e.tsNanos / 1e6 - submittedAt.get(e.correlationId)!) / 1000, 0)
  t.equal(await count('started_total'), 0, 'starts from before the kill are not counted again')
  t.equal(await count('completed_total', { service: 'orders' }), answersAfter.length)
  t.equal(await count('duration_seconds_count'), answersAfter.length)
  t.ok(Math.abs((await count('duration_seconds_sum')) - expectedSeconds) < 1e-6, 'durations span the restart, on the lines\' timestamps')
  t.equal(await count('late_total'), 1, 'the start that timed out before the kill is remembered: its answer is late')
  t.equal(await count('duplicate_ends_total'), 1, 'the pair completed before the kill is remembered: its second answer is a duplicate')
  t.equal(await count('orphan_ends_total'), 1)
  t.equal(await count('pending'), 1)

  wall.ms += 30_000
  engine.tick()
  t.equal(await count('unanswered_total', { reason: 'timeout' }), 1, 'the start never answered times out after the restart')
  t.equal(await count('pending'), 0)
  db.transaction(() => store.apply(engine.takeStateDelta()))()
  t.same(
    store.load().filter((e) => e.state === 'pending'),
    [],
    'the store holds no pending start once all are answered or timed out',
  )
})

t.test('entries of a pair rule no longer configured are deleted', async (t) => {
  const db = new Database(tempDb(t))
  t.teardown(() => db.close())
  const store = new PairStateStore(db)
  store.apply(deltaWith([{ rule: 'retired', key: 'a', state: 'pending', atMs: T0, labels: [], seq: 1 }], [], 1))
  const engine = createMetricsEngine(MetricsConfig.parse({}))
  engine.restore(store.load(), store.newestSeq())
  engine.observe([logEvent(T0)])
  store.apply(engine.takeStateDelta())
  t.same(store.load(), [])
})

t.test('after a restart, changes are numbered after everything stored, a forgotten key included', async (t) => {
  const path = tempDb(t)
  const db = new Database(path)
  const store = new PairStateStore(db)
  // 'a' pending (seq 1); 'b' completed then forgotten (seq 3): the newest stored change is newer than every live entry.
  store.apply(deltaWith([{ rule: 'order', key: 'a', state: 'pending', atMs: T0, labels: ['orders'], seq: 1 }], [], 1))
  store.apply(deltaWith([{ rule: 'order', key: 'b', state: 'completed', atMs: T0, labels: ['orders'], seq: 2 }], [], 1))
  store.apply(deltaWith([], [{ seq: 3, forgets: 2 }], 1))
  t.equal(store.newestSeq(), 3)

  const engine = createMetricsEngine(MetricsConfig.parse({}))
  engine.restore(store.load(), store.newestSeq())
  engine.observe([logEvent(T0 + 10, { event: 'ORDER_SUBMIT', correlationId: 'b', service: 'orders' })])
  const delta = engine.takeStateDelta()
  t.same([...changesOfRow(delta.row!)].map(([seq, , key, state]) => [key, state, seq]), [['b', 'pending', 4]])
  t.doesNotThrow(() => db.transaction(() => store.apply(delta))(), 'no sequence number is given twice')
  t.same(store.load().map((e) => [e.key, e.state]), [['a', 'pending'], ['b', 'pending']], "b's new start outranks its older forgetting")
})

t.test('keys of any text come back as written, and are forgotten in the store once remember_for has passed', async (t) => {
  const db = new Database(tempDb(t))
  const store = new PairStateStore(db)
  const engine = createMetricsEngine(MetricsConfig.parse({}))
  const commit = () => db.transaction(pairChangesToCommit(engine, store))()
  const keys = ['ordre-é', '注文-42', 'emoji-🚀', '7f1c2b9e-3d4a-4c5b-8e6f-0a1b2c3d4e5f', '7F1C2B9E-3D4A-4C5B-8E6F-0A1B2C3D4E5F']
  engine.observe(
    keys.flatMap((key, i) => [
      logEvent(T0 + i, { event: 'ORDER_SUBMIT', correlationId: key, service: 'orders' }),
      logEvent(T0 + 10 + i, { event: 'ORDER_RESPONSE', correlationId: key, service: 'orders' }),
    ]),
  )
  commit()
  const remembered = store.load()
  t.same(remembered.map((e) => [e.key, e.state]), keys.map((key) => [key, 'completed']), 'remembered as completed, UUIDs in either case as written')

  // remember_for is 10 minutes by default: a line 11 minutes on moves the line clock past it.
  engine.observe([logEvent(T0 + 11 * 60_000, { event: 'LOG', service: 'orders' })])
  const delta = engine.takeStateDelta()
  t.same(
    [...changesOfRow(delta.row!)].map((record) => record[1]),
    remembered.map((e) => e.seq),
    'each key forgotten by the number of its change',
  )
  db.transaction(() => store.apply(delta))()
  t.same(store.load(), [], 'nothing is left to restore')
})
