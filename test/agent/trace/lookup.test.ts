/** Lookups from a real store, the Loki double and a real redis-server, for one id among interleaved requests. */
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { Store } from '../../../agent/store/store.js'
import { eventsFromLoki, traceQuery } from '../../../agent/trace/loki-lookup.js'
import { lookUpTrace } from '../../../agent/trace/lookup.js'
import { eventsFromRedis, redactedUrl } from '../../../agent/trace/redis-lookup.js'
import { startLokiDouble } from '../../support/loki-double.js'
import { startRedis } from '../../support/redis-server.js'
import { buildScenario, fillStore, publishToRedis, pushToLoki, EXECUTION_STREAM, INTENT_STREAM } from '../../support/trace-scenario.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-trace-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const startMs = Date.now() - 60_000
const scenario = buildScenario(startMs)
const store = new Store(join(dir, 'store.db'))
fillStore(store, [...scenario.lines].reverse())
store.close()
const window = { startMs: Date.now() - 3_600_000, endMs: Date.now() + 1000 }

/** What the scenario holds for one id, in time order: lane, event and the line (or entry id's time). */
function expected(id: string, withStreams: boolean): Array<[string, string]> {
  const rows: Array<[number, string, string]> = scenario.lines.filter((l) => l.correlationId === id).map((l) => [l.tsMs, l.service, l.event])
  if (withStreams) for (const e of scenario.entries.filter((e) => e.correlationId === id)) rows.push([e.tsMs, `stream:${e.stream}`, 'STREAM_ENTRY'])
  return rows.sort((a, b) => a[0] - b[0]).map(([, lane, event]) => [lane, event])
}

t.test('store: exactly the lines of one id, in time order, among interleaved requests', async (t) => {
  const timeline = await lookUpTrace({ correlationId: scenario.answered, lines: { kind: 'store', dataDir: dir }, window, limit: 100 })
  t.same(timeline.rows.map((r) => [r.lane, r.event]), expected(scenario.answered, false))
  t.same(timeline.rows.map((r) => r.origin), ['store', 'store', 'store'])
  t.same(timeline.submits, [{ orderId: 'ord_0', submitIndex: 1, responseIndex: 2, gapMs: 12 }])
  const failed = await lookUpTrace({ correlationId: scenario.failed, lines: { kind: 'store', dataDir: dir }, window, limit: 100 })
  t.same(failed.rows.map((r) => [r.event, r.error]), [['INTENT_RECEIVED', false], ['ORDER_SUBMIT', false], ['ORDER_ERROR', true]])
  t.same(failed.submits.map((s) => s.responseIndex), [null], 'the submit without a response is called out')
  const none = await lookUpTrace({ correlationId: scenario.absent, lines: { kind: 'store', dataDir: dir }, window, limit: 100 })
  t.equal(none.rows.length, 0)
  await t.rejects(lookUpTrace({ correlationId: 'x', lines: { kind: 'store', dataDir: join(dir, 'nope') }, window, limit: 1 }), { name: 'BackendUnreachableError', backend: 'store' })
})

t.test('Loki: the line filter first, then parsed; pages past the per-query limit without repeats', async (t) => {
  const loki = await startLokiDouble({ maxEntriesLimitPerQuery: 100 })
  t.teardown(() => loki.stop())
  // 250 more lines of the traced id, three to a millisecond (so pages end inside a shared timestamp).
  const chatty = Array.from({ length: 250 }, (_, i) => ({
    correlationId: scenario.answered,
    service: (i % 2 ? 'ai_engine' : 'auto_executor') as 'ai_engine' | 'auto_executor',
    level: 'debug',
    event: 'HEARTBEAT',
    tsMs: startMs + 40 + Math.floor(i / 3),
    line: JSON.stringify({ correlation_id: scenario.answered, event: 'HEARTBEAT', n: i }),
  }))
  await pushToLoki(loki.pushUrl, [...scenario.lines, ...chatty])
  t.equal(traceQuery('abc'), '{service=~".+"} |= "abc" | json | correlation_id="abc"')

  const found = await eventsFromLoki({ baseUrl: loki.url, pageSize: 100 }, scenario.answered, window, 10_000)
  t.equal(found.length, 253, 'every line of the id, none of the line that only mentions it')
  t.equal(new Set(found.map((e) => e.raw)).size, 253, 'no line twice across pages')
  t.ok(loki.requests.queries >= 3, `paged: ${loki.requests.queries} queries`)
  const times = found.map((e) => e.tsMs)
  t.same(times, [...times].sort((a, b) => a - b), 'oldest first')
  t.same(found.slice(0, 3).map((e) => [e.lane, e.event, e.origin]), [['ai_engine', 'INTENT_RECEIVED', 'loki'], ['auto_executor', 'ORDER_SUBMIT', 'loki'], ['auto_executor', 'ORDER_RESPONSE', 'loki']])

  const limited = await eventsFromLoki({ baseUrl: loki.url, pageSize: 100 }, scenario.answered, window, 120)
  t.equal(limited.length, 120, '--limit caps the total')
  const failed = await lookUpTrace({ correlationId: scenario.failed, lines: { kind: 'loki', options: { baseUrl: loki.url } }, window, limit: 100 })
  t.same(failed.rows.map((r) => [r.lane, r.event]), expected(scenario.failed, false))
  const narrow = await eventsFromLoki({ baseUrl: loki.url }, scenario.failed, { startMs: window.endMs - 1000, endMs: window.endMs }, 100)
  t.same(narrow, [], 'nothing outside the window')
})

t.test('Loki: auth and tenant as configured; refusals and strangers are unreachable, named', async (t) => {
  const loki = await startLokiDouble({ requireTenant: 'trading', basicAuth: { username: 'u', password: 'p' } })
  t.teardown(() => loki.stop())
  await pushToLoki(`${loki.pushUrl}`, scenario.lines, { tenantId: 'trading', basicAuth: { username: 'u', password: 'p' } } as never)
  const access = { tenantId: 'trading', basicAuth: { username: 'u', password: 'p' } }
  const found = await eventsFromLoki({ baseUrl: loki.url, access }, scenario.answered, window, 100)
  t.equal(found.length, 3)
  await t.rejects(eventsFromLoki({ baseUrl: loki.url, access: { tenantId: 'trading' } }, scenario.answered, window, 100), /loki unreachable at http:\/\/127\.0\.0\.1:\d+: HTTP 401/)
  await t.rejects(eventsFromLoki({ baseUrl: loki.url, access, pageSize: 6000 }, scenario.answered, window, 10_000), /HTTP 400: max entries limit per query exceeded/)
  const notLoki = await startLokiDouble()
  await notLoki.stop()
  await t.rejects(eventsFromLoki({ baseUrl: notLoki.url }, 'x', window, 1), /loki unreachable at .*ECONNREFUSED/)
})

t.test('Redis: entries of the id in the window only, merged with the lines in time order', async (t) => {
  const server = await startRedis()
  t.teardown(() => server.stop())
  const redis = new Redis(server.url)
  t.teardown(() => redis.disconnect())
  await publishToRedis(redis, [scenario.tooOld, ...scenario.entries])
  await redis.set('not-a-stream', 'x')
  // More entries than one XRANGE page, none of them the id's.
  for (let i = 0; i < 1200; i++) await redis.xadd(INTENT_STREAM, '*', 'correlation_id', `other-${i}`)

  const entries = await eventsFromRedis(server.url, [INTENT_STREAM, EXECUTION_STREAM, 'absent-stream'], scenario.answered, window, 100)
  t.same(entries.map((e) => e.lane), [`stream:${INTENT_STREAM}`, `stream:${EXECUTION_STREAM}`], 'not the entry older than the window')
  const late = await eventsFromRedis(server.url, [INTENT_STREAM], 'other-1100', { ...window, endMs: Date.now() + 1000 }, 100)
  t.same(late.map((e) => e.fields.correlation_id), ['other-1100'], 'read past the first page')

  const timeline = await lookUpTrace({
    correlationId: scenario.answered,
    lines: { kind: 'store', dataDir: dir },
    redis: { url: server.url, streams: [INTENT_STREAM, EXECUTION_STREAM] },
    window,
    limit: 100,
  })
  t.same(timeline.rows.map((r) => [r.lane, r.event]), expected(scenario.answered, true))
  t.same(timeline.lanes, ['ai_engine', `stream:${INTENT_STREAM}`, 'auto_executor', `stream:${EXECUTION_STREAM}`])

  await t.rejects(eventsFromRedis(server.url, ['not-a-stream'], 'x', window, 1), /redis unreachable at .*WRONGTYPE/)
  await t.rejects(eventsFromRedis('redis://:secret@127.0.0.1:1', [INTENT_STREAM], 'x', window, 1), /redis unreachable at redis:\/\/:\*\*\*@127\.0\.0\.1:1: ECONNREFUSED/)
  t.equal(redactedUrl('not a url'), '(invalid URL)')
})
