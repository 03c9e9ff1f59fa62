import t, { type Test } from 'tap'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { shareLabelSet, type LogEvent } from '../../../agent/core/types.js'
import { AgentMetrics } from '../../../agent/metrics/internal.js'
import { Store } from '../../../agent/store/store.js'
import { enforceRetention } from '../../../agent/store/retention.js'
import { SCHEMA_VERSION, SEGMENT_BITS } from '../../../agent/store/schema.js'
import Database from 'better-sqlite3'

function tempStorePath(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-store-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'store.db')
}

const SUBMIT_STREAM = `'{event="ORDER_SUBMIT", level="info", service="auto_executor"}', 'auto_executor', 'info', 'ORDER_SUBMIT'`

/** A store file as an earlier agent left it: meta (schema version, last line id) and streams (stream 1, ORDER_SUBMIT), then `rest`. */
function earlierStore(path: string, version: number, lastLineId: number | undefined, rest: string): Database.Database {
  const db = new Database(path)
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('schema_version', '${version}')${lastLineId === undefined ? '' : `, ('last_line_id', '${lastLineId}')`};
    CREATE TABLE streams (id INTEGER PRIMARY KEY, labels TEXT NOT NULL UNIQUE, service TEXT NOT NULL, level TEXT NOT NULL, event TEXT NOT NULL);
    INSERT INTO streams VALUES (1, ${SUBMIT_STREAM});
    ${rest}
  `)
  return db
}

const labelsA = shareLabelSet({ service: 'auto_executor', level: 'info', event: 'ORDER_SUBMIT' })
function event(n: number, overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    tsMs: 1_767_435_323_000 + n,
    tsNanos: 123_456,
    timeOrigin: 'own',
    line: JSON.stringify({ n, msg: `line ${n}` }),
    level: 'info',
    service: 'auto_executor',
    event: 'ORDER_SUBMIT',
    correlationId: n % 2 === 0 ? `corr-${n % 10}` : null,
    labels: labelsA,
    fields: { n },
    source: 'test',
    ...overrides,
  }
}

t.test('lines and checkpoints commit together and survive reopening', async (t) => {
  const path = tempStorePath(t)
  const store = new Store(path)
  store.append([event(1), event(2), event(3)], [{ key: 'file:abc', value: '{"offset":42}' }])
  t.equal(store.lastId(), 3)
  t.equal(store.checkpoint('file:abc'), '{"offset":42}')
  t.equal(store.checkpoint('file:missing'), undefined)
  store.close()

  const reopened = new Store(path)
  t.teardown(() => reopened.close())
  t.equal(reopened.lastId(), 3)
  t.equal(reopened.checkpoint('file:abc'), '{"offset":42}')
  const lines = reopened.readAfter(1, 10)
  t.same(
    lines.map((l) => [l.id, l.tsMs, l.tsNanos, l.labels, l.line]),
    [
      [2, event(2).tsMs, 123_456, '{event="ORDER_SUBMIT", level="info", service="auto_executor"}', event(2).line],
      [3, event(3).tsMs, 123_456, '{event="ORDER_SUBMIT", level="info", service="auto_executor"}', event(3).line],
    ],
  )
})

t.test('a failing in-transaction step rolls back the lines and the checkpoint', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  store.append([event(1)], [{ key: 'k', value: 'first' }])
  t.throws(() =>
    store.append([event(2)], [{ key: 'k', value: 'second' }], () => {
      throw new Error('disk full')
    }),
  )
  t.equal(store.lastId(), 1)
  t.equal(store.checkpoint('k'), 'first')
  t.equal(store.readAfter(0, 10).length, 1)
})

t.test('commit() runs work in a transaction of its own: kept when it returns, rolled back when it throws, no lines added', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  store.append([event(1)])
  store.db.exec(`CREATE TABLE state (value TEXT NOT NULL)`)
  const insert = store.db.prepare(`INSERT INTO state (value) VALUES (?)`)
  store.commit(() => insert.run('kept'))
  t.throws(
    () =>
      store.commit(() => {
        insert.run('rolled back')
        throw new Error('disk full')
      }),
    /disk full/,
  )
  t.same(store.db.prepare(`SELECT value FROM state`).pluck().all(), ['kept'])
  t.equal(store.lastId(), 1, 'no line was added by either')
})

t.test('cursors are per reader and default to 0', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  store.append([event(1), event(2)])
  t.equal(store.cursor('loki:default'), 0)
  store.commitCursor('loki:default', 2)
  store.commitCursor('stdout', 1)
  t.equal(store.cursor('loki:default'), 2)
  t.equal(store.cursor('stdout'), 1, 'one reader committing does not move another')
})

t.test('waitForLines resolves on append and on timeout', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  const waiting = store.waitForLines(0, 10_000)
  setTimeout(() => store.append([event(1)]), 20)
  await waiting
  t.equal(store.lastId(), 1)
  const before = Date.now()
  await store.waitForLines(1, 50)
  t.ok(Date.now() - before >= 40, 'waited for the timeout when nothing new arrived')
  await store.waitForLines(0, 10_000)
  t.pass('returns at once when lines past the id exist')
})

t.test('lines are found by correlation id in entry-time order', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  store.append([
    event(5, { correlationId: 'req-1', tsMs: 3000, service: 'auto_executor' }),
    event(6, { correlationId: 'req-2', tsMs: 1000 }),
    event(7, { correlationId: 'req-1', tsMs: 1000, service: 'ai_engine', labels: Object.freeze({ ...labelsA, service: 'ai_engine' }) }),
  ])
  const found = store.linesByCorrelationId('req-1')
  t.same(
    found.map((l) => [l.service, l.tsMs]),
    [
      ['ai_engine', 1000],
      ['auto_executor', 3000],
    ],
  )
  t.same(store.linesByCorrelationId('nope'), [])
})

t.test('retention by age keeps recent lines and counts undelivered ones it drops', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  const metrics = new AgentMetrics({ processMetrics: false })
  store.append([event(1), event(2), event(3), event(4)])
  store.commitCursor('loki:default', 2)
  const outcome = enforceRetention(store, { maxAgeMs: 60_000, maxBytes: 1 << 30 }, ['loki:default'], metrics, Date.now() + 120_000)
  t.same(outcome, { deleted: 4, undeliveredDeleted: 2 })
  const dropped = await metrics.linesDropped.get()
  t.same(dropped.values.map((v) => [v.labels.reason, v.value]), [['retention', 2]])

  store.append([event(5)])
  const kept = enforceRetention(store, { maxAgeMs: 60_000, maxBytes: 1 << 30 }, ['loki:default'], metrics)
  t.same(kept, { deleted: 0, undeliveredDeleted: 0 })
  t.equal(store.lineCount(), 1)
  t.same(store.readAfter(4, 10).map((l) => l.id), [5], 'ids go on after the table was emptied: a cursor at 4 sees the new line')
})

t.test('ids never restart, even when retention emptied the store before a restart', async (t) => {
  const path = tempStorePath(t)
  const metrics = new AgentMetrics({ processMetrics: false })
  const store = new Store(path)
  store.append([event(1), event(2), event(3)])
  store.commitCursor('loki:default', 3)
  enforceRetention(store, { maxAgeMs: 60_000, maxBytes: 1 << 30 }, ['loki:default'], metrics, Date.now() + 120_000)
  t.equal(store.lineCount(), 0)
  store.close()

  const reopened = new Store(path)
  t.teardown(() => reopened.close())
  t.equal(reopened.lastId(), 3)
  reopened.append([event(4)])
  t.same(reopened.readAfter(reopened.cursor('loki:default'), 10).map((l) => l.id), [4])
})

t.test('correlation ids are found across segments, and retention drops whole segments of them', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  const metrics = new AgentMetrics({ processMetrics: false })
  const segment = 1 << SEGMENT_BITS
  const total = 2 * segment + 10
  for (let from = 1; from <= total; from += 5_000) {
    const ids = Array.from({ length: Math.min(5_000, total - from + 1) }, (_, i) => from + i)
    store.append(ids.map((id) => event(id, { correlationId: id === 3 || id === segment + 5 || id === 2 * segment + 7 ? 'req-x' : `other-${id}` })))
  }
  t.same(store.linesByCorrelationId('req-x').map((l) => l.id), [3, segment + 5, 2 * segment + 7])
  t.equal(store.linesByCorrelationId('req-x')[0]!.correlationId, 'req-x')

  store.commitCursor('loki:default', store.lastId())
  const deleted = store.deleteThrough(segment + 5)
  t.equal(deleted, segment + 5)
  t.same(store.linesByCorrelationId('req-x').map((l) => l.id), [2 * segment + 7])
  const segments = store.db.prepare(`SELECT DISTINCT segment FROM correlations ORDER BY segment`).pluck().all()
  t.same(segments, [1, 2], 'segment 0 went with its lines; segment 1 stays until all of its lines have gone')
  t.equal(enforceRetention(store, { maxAgeMs: 60_000, maxBytes: 1 << 30 }, ['loki:default'], metrics, Date.now() + 120_000).deleted, total - segment - 5)
  t.same(store.linesByCorrelationId('req-x'), [])
  t.same(store.db.prepare(`SELECT DISTINCT segment FROM correlations`).pluck().all(), [2], 'the newest segment waits for its later lines; ids are never reused, so its entries match nothing meanwhile')
})

t.test('without checkpoints the WAL holds every append; checkpointed, it is reused from its start', async (t) => {
  const walBytesAfter = (checkpoint: boolean) => {
    const path = tempStorePath(t)
    const store = new Store(path)
    const line = 'x'.repeat(1_000)
    for (let batch = 0; batch < 30; batch++) {
      store.append(Array.from({ length: 200 }, (_, i) => event(batch * 200 + i, { line })))
      if (checkpoint) store.checkpointWal()
    }
    const bytes = statSync(`${path}-wal`).size
    store.close()
    return bytes
  }
  const never = walBytesAfter(false)
  const everyAppend = walBytesAfter(true)
  t.ok(never > 6_000_000, `SQLite's own checkpoints are off: the WAL holds all 6 MB appended (${never} bytes)`)
  t.ok(everyAppend < never / 5, `checkpointed, the WAL stays the size of a batch or two (${everyAppend} bytes)`)
})

t.test('line ids past 2^31 keep their segments: found, and retained or deleted by segment', async (t) => {
  const path = tempStorePath(t)
  const seeded = new Store(path)
  seeded.db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('last_line_id', ?)`).run(String(2 ** 31 - 3))
  seeded.close()
  const store = new Store(path)
  t.teardown(() => store.close())
  store.append(Array.from({ length: 10 }, (_, i) => event(i, { correlationId: 'big' })))
  t.equal(store.lastId(), 2 ** 31 + 7)
  t.same(store.linesByCorrelationId('big').map((l) => l.id), Array.from({ length: 10 }, (_, i) => 2 ** 31 - 2 + i))
  const segments = store.db.prepare(`SELECT DISTINCT segment FROM correlations`).pluck().all()
  t.same(segments, [2 ** 31 / (1 << SEGMENT_BITS) - 1, 2 ** 31 / (1 << SEGMENT_BITS)], 'the two segments either side of 2^31, both positive')
  store.deleteThrough(2 ** 31 - 1)
  t.same(store.db.prepare(`SELECT DISTINCT segment FROM correlations`).pluck().all(), [2 ** 31 / (1 << SEGMENT_BITS)])
  t.equal(store.linesByCorrelationId('big').length, 8)
})

t.test('the newest correlation id of an event', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  t.equal(store.newestCorrelationId('ORDER_SUBMIT'), undefined)
  store.append([event(1, { correlationId: 'a' }), event(2, { correlationId: 'b' }), event(3, { correlationId: null })])
  t.equal(store.newestCorrelationId('ORDER_SUBMIT'), 'b')
  t.equal(store.newestCorrelationId('ORDER_RESPONSE'), undefined)
})

t.test('a version 1 store is upgraded in place: its correlation ids move to the segmented index', async (t) => {
  const path = tempStorePath(t)
  const v1 = earlierStore(path, 1, undefined, `
    CREATE TABLE lines (id INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL, ts_nanos INTEGER NOT NULL, read_at_ms INTEGER NOT NULL,
      stream_id INTEGER NOT NULL, correlation_id TEXT, line TEXT NOT NULL);
    CREATE INDEX lines_by_correlation ON lines (correlation_id) WHERE correlation_id IS NOT NULL;
    CREATE TABLE checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO lines VALUES (1, 1000, 0, 1000, 1, 'req-1', 'one'), (2, 2000, 0, 2000, 1, NULL, 'two'), (3, 3000, 0, 3000, 1, 'req-1', 'three');
    INSERT INTO checkpoints VALUES ('cursor:loki:default', '1');
  `)
  v1.close()

  const store = new Store(path)
  t.teardown(() => store.close())
  t.same(store.linesByCorrelationId('req-1').map((l) => l.line), ['one', 'three'])
  t.equal(store.cursor('loki:default'), 1)
  t.equal(store.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get(), String(SCHEMA_VERSION))
  t.equal(store.db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'lines'`).pluck().get(), 0, 'the row-per-line table is gone')
  t.same(store.db.prepare(`SELECT first_id, count FROM batches`).raw().all(), [[1, 1], [2, 1], [3, 1]], 'lines read at different times are batches of their own')
  store.append([event(4, { correlationId: 'req-1' })])
  t.same(store.linesByCorrelationId('req-1').map((l) => l.id), [1, 3, 4])
})

t.test('a version 2 store (a row per line) is upgraded in place to a row per batch: lines, ids, cursors and the index kept', async (t) => {
  const path = tempStorePath(t)
  const v2 = earlierStore(path, 2, 5, `
    INSERT INTO streams VALUES (2, '{event="ORDER_RESPONSE", level="error", service="auto_executor"}', 'auto_executor', 'error', 'ORDER_RESPONSE');
    CREATE TABLE lines (id INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL, ts_nanos INTEGER NOT NULL, read_at_ms INTEGER NOT NULL, stream_id INTEGER NOT NULL, line TEXT NOT NULL);
    CREATE TABLE correlations (segment INTEGER NOT NULL, correlation_id TEXT NOT NULL, line_id INTEGER NOT NULL, PRIMARY KEY (segment, correlation_id, line_id)) WITHOUT ROWID;
    CREATE TABLE checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    -- 1-2 read in one commit, 3 and 5 in a later one: a gap in the ids breaks a batch too.
    INSERT INTO lines VALUES (1, 1000, 5, 9000, 1, 'submit é'), (2, 1001, 0, 9000, 2, 'response'), (3, 1002, 0, 9100, 1, 'three'), (5, 1004, 7, 9100, 2, 'five');
    INSERT INTO correlations VALUES (0, 'req-1', 1), (0, 'req-1', 2), (0, 'req-2', 5);
    INSERT INTO checkpoints VALUES ('cursor:loki:default', '2');
  `)
  v2.close()

  const store = new Store(path)
  t.teardown(() => store.close())
  t.same(store.db.prepare(`SELECT first_id, count, read_at_ms FROM batches ORDER BY first_id`).raw().all(), [[1, 2, 9000], [3, 1, 9100], [5, 1, 9100]], 'one batch per commit and run of ids')
  t.same(
    store.readAfter(0, 10).map(({ id, tsMs, tsNanos, line, readAtMs }) => [id, tsMs, tsNanos, line, readAtMs]),
    [[1, 1000, 5, 'submit é', 9000], [2, 1001, 0, 'response', 9000], [3, 1002, 0, 'three', 9100], [5, 1004, 7, 'five', 9100]],
  )
  t.equal(store.cursor('loki:default'), 2)
  t.same(store.linesByCorrelationId('req-1').map(({ id, event, level, line }) => [id, event, level, line]), [[1, 'ORDER_SUBMIT', 'info', 'submit é'], [2, 'ORDER_RESPONSE', 'error', 'response']])
  t.equal(store.newestCorrelationId('ORDER_RESPONSE'), 'req-2', 'the index knows each line\'s stream')
  store.append([event(6, { correlationId: 'req-2' })])
  t.same(store.linesByCorrelationId('req-2').map((l) => l.id), [5, 6], 'ids go on after the upgraded lines')
})

t.test('a version 4 store, its correlation ids indexed per segment of 2^14 lines, is moved to the segments of now', async (t) => {
  const path = tempStorePath(t)
  // Lines written through a store of now, then their index put back as version 4 kept it (its tables are otherwise the same).
  const lineIds = [3, 2_000, 20_000, 20_001, 40_000]
  const writer = new Store(path)
  let next = 1
  for (const id of lineIds) {
    writer.append(Array.from({ length: id - next + 1 }, (_, i) => event(next + i, { correlationId: next + i === id ? (id === 20_001 ? 'req-2' : 'req-1') : null })))
    next = id + 1
  }
  writer.db.exec(`UPDATE correlations SET segment = line_id / ${2 ** 14}; UPDATE meta SET value = '4' WHERE key = 'schema_version'`)
  writer.close()

  const store = new Store(path)
  t.teardown(() => store.close())
  t.equal(store.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get(), String(SCHEMA_VERSION))
  t.same(
    store.db.prepare(`SELECT segment, correlation_id, line_id FROM correlations ORDER BY line_id`).raw().all(),
    lineIds.map((id) => [Math.floor(id / (1 << SEGMENT_BITS)), id === 20_001 ? 'req-2' : 'req-1', id]),
  )
  t.same(store.linesByCorrelationId('req-1').map((l) => l.id), [3, 2_000, 20_000, 40_000])
  t.same(store.linesByCorrelationId('req-2').map((l) => l.id), [20_001])
  t.equal(store.newestCorrelationId('ORDER_SUBMIT'), 'req-1')
})

t.test('a version 3 store (text as a string, lengths in UTF-16 units) is read, measured, cut and appended to as it was', async (t) => {
  const path = tempStorePath(t)
  const v3 = earlierStore(path, 3, 3, `
    CREATE TABLE checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE batches (first_id INTEGER PRIMARY KEY, count INTEGER NOT NULL, read_at_ms INTEGER NOT NULL, meta BLOB NOT NULL, text TEXT NOT NULL);
    CREATE INDEX batches_by_read_at ON batches (read_at_ms);
    CREATE TABLE correlations (segment INTEGER NOT NULL, correlation_id TEXT NOT NULL, line_id INTEGER NOT NULL, stream_id INTEGER NOT NULL, PRIMARY KEY (segment, correlation_id, line_id)) WITHOUT ROWID;
    INSERT INTO correlations VALUES (0, 'req-1', 2, 1);
  `)
  const lines = ['submit é', 'ça va', 'three']
  const meta = Buffer.alloc(lines.length * 20)
  const times = new Float64Array(meta.buffer, meta.byteOffset, lines.length)
  const fields = new Uint32Array(meta.buffer, meta.byteOffset + lines.length * 8, lines.length * 3)
  lines.forEach((line, i) => {
    times[i] = 1000 + i
    fields.set([i, 1, line.length], 3 * i)
  })
  v3.prepare(`INSERT INTO batches VALUES (1, 3, 9000, ?, ?)`).run(meta, lines.join(''))
  v3.close()

  const store = new Store(path)
  t.teardown(() => store.close())
  t.same(
    store.readAfter(0, 10).map(({ id, tsMs, tsNanos, line, bytes }) => [id, tsMs, tsNanos, line, bytes]),
    [[1, 1000, 0, 'submit é', 9], [2, 1001, 1, 'ça va', 6], [3, 1002, 2, 'three', 5]],
  )
  t.same(store.measureAfter(0, 15), { count: 2, bytes: 15, lastId: 2, full: true }, 'measured in UTF-8 bytes')
  t.same(store.measureAfter(1, 100), { count: 2, bytes: 11, lastId: 3, full: false })
  t.same(store.linesByCorrelationId('req-1').map(({ id, line }) => [id, line]), [[2, 'ça va']])
  store.append([event(4, { line: 'quatre è' })])
  t.same(store.db.prepare(`SELECT first_id, typeof(text) FROM batches ORDER BY first_id`).raw().all(), [[1, 'text'], [4, 'blob']], 'new rows hold bytes')
  t.same(store.measureAfter(2, 100), { count: 2, bytes: 5 + 9, lastId: 4, full: false }, 'across a version 3 row and a new one')
  t.equal(store.deleteThrough(1), 1, 'retention cuts the old row')
  t.same(store.readAfter(0, 10).map(({ id, line, bytes }) => [id, line, bytes]), [[2, 'ça va', 6], [3, 'three', 5], [4, 'quatre è', 9]])
  t.equal(store.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get(), String(SCHEMA_VERSION))
})

t.test('a store written by a newer agent is refused', async (t) => {
  const path = tempStorePath(t)
  const newer = new Database(path)
  newer.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '${SCHEMA_VERSION + 1}')`)
  newer.close()
  t.throws(() => new Store(path), new RegExp(`schema version ${SCHEMA_VERSION + 1} is newer than this agent understands \\(${SCHEMA_VERSION}\\)`))
})

t.test('retention by size deletes oldest lines until under the limit', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  const metrics = new AgentMetrics({ processMetrics: false })
  const big = 'x'.repeat(2_000)
  for (let batch = 0; batch < 10; batch++) {
    store.append(Array.from({ length: 1_000 }, (_, i) => event(batch * 1_000 + i, { line: big })))
  }
  const before = store.sizeBytes()
  t.ok(before > 15_000_000, `store grew to ${before} bytes`)
  store.commitCursor('loki:default', store.lastId())
  const outcome = enforceRetention(store, { maxAgeMs: 86_400_000, maxBytes: 8_000_000 }, ['loki:default'], metrics)
  t.ok(store.sizeBytes() <= 8_000_000, `store is ${store.sizeBytes()} bytes after retention`)
  t.ok(outcome.deleted > 0 && outcome.deleted < 10_000)
  t.equal(outcome.undeliveredDeleted, 0, 'every deleted line had been delivered')
  t.equal(store.readAfter(0, 1)[0]!.id, outcome.deleted + 1, 'the oldest lines went first')
  t.equal((await metrics.storeLines.get()).values[0]!.value, 10_000 - outcome.deleted)
})

t.test('the newest lines read from memory are the lines SQLite holds; a batch of many rows and one of a few', async (t) => {
  const path = tempStorePath(t)
  const store = new Store(path)
  const many = Array.from({ length: 250 }, (_, i) => event(i + 1))
  store.append(many)
  store.append([event(251, { line: 'non-ASCII: ünïcödé ✓' }), event(252)])
  const fromMemory = store.readAfter(0, 1000)
  const measures = (s: Store) => [s.measureAfter(0, 1e9), s.measureAfter(240, 200), s.measureAfter(250, 1)]
  const measuredInMemory = measures(store)
  store.close()
  const reopened = new Store(path)
  t.teardown(() => reopened.close())
  const fromDisk = reopened.readAfter(0, 1000)
  t.equal(fromDisk.length, 252)
  t.same(fromMemory, fromDisk)
  t.same(measuredInMemory, measures(reopened), 'measured alike from memory and from SQLite')
  t.same(measuredInMemory[2], { count: 1, bytes: Buffer.byteLength('non-ASCII: ünïcödé ✓'), lastId: 251, full: true }, 'one line over the budget still counts')
  t.equal(measuredInMemory[0]!.bytes, fromDisk.reduce((n, line) => n + Buffer.byteLength(line.line), 0))
  t.same(fromDisk.map((line) => line.bytes), fromDisk.map((line) => Buffer.byteLength(line.line)))
  t.same(reopened.linesByCorrelationId('corr-2').length, 26, 'every correlated line of the bulk inserts is indexed')
  t.same(reopened.readAfter(100, 2).map((line) => line.id), [101, 102])
})

t.test('a batch failing half-way is retried whole: no row queued by the failed attempt is inserted twice', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  t.throws(() => store.append(Array.from({ length: 150 }, (_, i) => event(i + 1)), [], () => { throw new Error('disk full') }))
  store.append(Array.from({ length: 150 }, (_, i) => event(i + 1)))
  t.equal(store.readAfter(0, 1000).length, 150)
  t.same(store.readAfter(0, 1000).map((line) => line.id), Array.from({ length: 150 }, (_, i) => i + 1))
})

t.test('lines deleted by retention are not served from memory either', async (t) => {
  const store = new Store(tempStorePath(t))
  t.teardown(() => store.close())
  store.append([event(1), event(2), event(3)])
  store.deleteThrough(2)
  t.same(store.readAfter(0, 10).map((line) => line.id), [3])
})
