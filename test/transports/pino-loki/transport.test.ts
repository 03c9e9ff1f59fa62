/**
 * The threadline/loki pino transport against the Loki double: through
 * pino.transport() as services use it (the built target, in pino's worker
 * thread), and its shipper in-process for what needs a clock or a count.
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { createLokiShipper, createLokiStream, type ShipperReport } from '../../../transports/pino-loki/index.js'
import { startLokiDouble, type LokiDouble } from '../../support/loki-double.js'

const FIXTURE = fileURLToPath(new URL('./fixtures/log-then-exit.mjs', import.meta.url))
const FAST_RETRY = { minBackoffMs: 100, maxBackoffMs: 1000 }

async function waitForCount(loki: LokiDouble, count: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  while (loki.count() < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  return loki.count()
}

/**
 * Ends a transport as pino does at exit, once its worker has delivered: end() blocks this thread (Atomics.wait)
 * until the worker's stream closes, and the double answering the worker's last push runs on this very thread.
 */
async function endTransport(transport: ReturnType<typeof pino.transport>): Promise<void> {
  await new Promise<void>((resolve, reject) => transport.flush((error?: Error) => (error ? reject(error) : resolve())))
  transport.end()
  await once(transport, 'close')
}

const transportTo = (loki: LokiDouble, options: Record<string, unknown> = {}) =>
  pino.transport({ target: 'threadline/loki', options: { url: loki.url, labels: { env: 'test' }, batch: { maxWaitMs: 100 }, retry: FAST_RETRY, ...options } })

t.test('every line arrives, labelled service/level/event, correlation_id in the line', async (t) => {
  const loki = await startLokiDouble()
  t.teardown(() => loki.stop())
  const transport = transportTo(loki)
  const logger = pino({ base: { service: 'auto_executor' } }, transport)
  for (let i = 0; i < 500; i++) logger[i % 5 === 0 ? 'error' : 'info']({ event: i % 2 ? 'ORDER_SUBMIT' : 'ORDER_RESPONSE', correlation_id: `c-${i}` }, `line ${i}`)
  logger.info('no event')
  t.equal(await waitForCount(loki, 501), 501)
  await endTransport(transport)
  const entries = loki.entries()
  const expected = new Set(['{env="test", event="LOG", level="info", service="auto_executor"}'])
  for (let i = 0; i < 500; i++) expected.add(`{env="test", event="${i % 2 ? 'ORDER_SUBMIT' : 'ORDER_RESPONSE'}", level="${i % 5 === 0 ? 'error' : 'info'}", service="auto_executor"}`)
  t.same(new Set(entries.map((e) => e.labels)), expected, 'streams by service, level (pino numbers as names) and event, plus the static labels')
  const first = entries.find((e) => e.line.includes('"c-0"'))!
  t.match(JSON.parse(first.line), { correlation_id: 'c-0', msg: 'line 0' })
  t.notOk('correlation_id' in first.labelSet, 'never a label')
  t.equal(first.tsNs, `${JSON.parse(first.line).time}000000`, "the line's own time")
  const ids = entries.filter((e) => e.labelSet.event !== 'LOG').map((e) => Number(JSON.parse(e.line).correlation_id.slice(2)))
  t.same(ids.sort((a, b) => a - b), Array.from({ length: 500 }, (_, i) => i), 'each line once')
})

t.test('a 100,000-line burst: all arrive', async (t) => {
  const loki = await startLokiDouble()
  t.teardown(() => loki.stop())
  const transport = transportTo(loki)
  const logger = pino({ base: { service: 'burst' } }, transport)
  for (let i = 0; i < 100_000; i++) logger.info({ event: 'TICK', correlation_id: `b-${i}`, n: i }, 'burst')
  t.equal(await waitForCount(loki, 100_000, 60_000), 100_000)
  await endTransport(transport)
  t.equal(new Set(loki.lines()).size, 100_000, 'each line once')
})

t.test('Loki refusing connections for 10 s, then back: all arrive, the failures reported', async (t) => {
  const loki = await startLokiDouble()
  t.teardown(() => loki.stop())
  await loki.close()
  const transport = transportTo(loki)
  const reports: ShipperReport[] = []
  transport.on('lokiReport', (report: ShipperReport) => reports.push(report))
  const logger = pino({ base: { service: 'outage' } }, transport)
  let n = 0
  // 200 lines/s, paced, for the 10 s Loki is away.
  const pacer = setInterval(() => {
    for (let i = 0; i < 20; i++) logger.info({ event: 'TICK', n: n++ }, 'during the outage')
  }, 100)
  await new Promise((resolve) => setTimeout(resolve, 10_000))
  clearInterval(pacer)
  await loki.reopen()
  t.equal(await waitForCount(loki, n), n, `${n} lines logged while Loki was away`)
  await endTransport(transport)
  const failures = reports.filter((r) => r.type === 'push_failed')
  t.ok(failures.length > 0, 'push failures reached the main thread')
  t.match(failures[0], { type: 'push_failed', status: 'network', error: 'ECONNREFUSED', attempt: 1 })
  t.same(reports.filter((r) => r.type === 'dropped'), [], 'nothing dropped')
})

t.test('a process that exits right after logging: all arrive (natural end and process.exit)', async (t) => {
  const loki = await startLokiDouble()
  t.teardown(() => loki.stop())
  for (const exit of ['natural', 'hard']) {
    const before = loki.count()
    const child = spawn(process.execPath, [FIXTURE], { env: { ...process.env, NODE_OPTIONS: '', LOKI_URL: loki.url, LINES: '5000', EXIT: exit }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk))
    const [code] = (await once(child, 'exit')) as [number]
    t.equal(code, 0, stderr)
    t.equal(loki.count() - before, 5000, `${exit}: every line was in Loki when the process had exited`)
  }
})

t.test('a batch timer that fires before its wait is up by the wall clock does not stop the shipping', async (t) => {
  // Timers run on the monotonic clock and the wait is measured with Date.now(): the two differ by rounding,
  // and a wall clock stepped back (NTP) makes the gap as long as the step. Holding Date.now() still stands for both.
  const loki = await startLokiDouble()
  t.teardown(() => loki.stop())
  const realNow = Date.now
  const heldAt = realNow()
  Date.now = () => heldAt
  t.teardown(() => void (Date.now = realNow))
  const shipper = createLokiShipper({ url: loki.url, batch: { maxWaitMs: 20 }, retry: FAST_RETRY })
  shipper.write(JSON.stringify({ level: 'info', service: 's', n: 1 }))
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(loki.count(), 0, 'not due by the wall clock: nothing sent yet')
  Date.now = realNow
  t.equal(await waitForCount(loki, 1, 5000), 1, 'sent once the wait is up by the wall clock')
  shipper.write(JSON.stringify({ level: 'info', service: 's', n: 2 }))
  await shipper.flush()
  t.same(loki.lines().map((line) => JSON.parse(line).n), [1, 2], 'later lines and flush() still work')
  await shipper.close()
})

t.test('the bounded buffer drops the oldest lines, counts and reports them', async (t) => {
  const loki = await startLokiDouble()
  t.teardown(() => loki.stop())
  await loki.close()
  const reports: ShipperReport[] = []
  const shipper = createLokiShipper({ url: loki.url, maxBufferedLines: 100, batch: { maxWaitMs: 10_000 }, retry: FAST_RETRY, onReport: (r) => reports.push(r) })
  for (let i = 0; i < 250; i++) shipper.write(JSON.stringify({ level: 'info', service: 's', n: i }))
  t.match(shipper.stats(), { buffered: 100, dropped: { buffer_full: 150 }, sent: 0 })
  await loki.reopen()
  await shipper.flush()
  t.same(loki.lines().map((line) => JSON.parse(line).n), Array.from({ length: 100 }, (_, i) => 150 + i), 'the newest 100, in order')
  t.match(reports.find((r) => r.type === 'dropped'), { reason: 'buffer_full', lines: 150, totalDropped: 150 })
  t.match(shipper.stats(), { sent: 100, buffered: 0 })
  await shipper.close()
})

t.test('a 400 is not retried; close gives up at its deadline; writes after close are counted', async (t) => {
  const loki = await startLokiDouble()
  t.teardown(() => loki.stop())
  const reports: ShipperReport[] = []
  const stream = createLokiStream({ url: `${loki.url}/loki/api/v1/push`, encoding: 'json', gzip: true, retry: FAST_RETRY, closeTimeoutMs: 1500, onReport: (r) => reports.push(r) })
  const emitted: ShipperReport[] = []
  stream.on('lokiReport', (r: ShipperReport) => emitted.push(r))
  loki.failNext(1, 400)
  stream.write('{"level":"warn","service":"s","msg":"refused"}\n{"level":"info","ser')
  stream.write('vice":"s","msg":"split across chunks"}\n')
  await stream.flush()
  t.match(reports[0], { type: 'dropped', reason: 'loki_rejected', lines: 2, error: /^400: / })
  t.equal(loki.requests.byStatus[400], 1, 'sent once')
  stream.write('plain text, not JSON\n')
  await stream.flush()
  t.match(loki.entries().at(-1), { line: 'plain text, not JSON', labelSet: { service: 'unknown', level: 'unknown', event: 'LOG' } })

  await loki.close()
  stream.write('{"level":50,"service":"s","msg":"never delivered"}')
  const started = Date.now()
  stream.end()
  await once(stream, 'close')
  t.ok(Date.now() - started < 5000, 'close did not outlive its deadline by much')
  t.match(reports.at(-1), { type: 'dropped', reason: 'shutdown', lines: 1 })
  stream.shipper.write('after close')
  t.equal(stream.shipper.stats().dropped.shutdown, 2)
  await stream.shipper.close()
  t.same(emitted, reports, 'the same reports as events')
})

t.test('options are checked at construction, naming what was expected', async (t) => {
  t.throws(() => createLokiShipper({} as never), /url must be Loki's base URL as a string, received undefined/)
  t.throws(() => createLokiShipper({ url: 'http://u:p@loki:3100' }), /must not hold credentials/)
  t.throws(() => createLokiShipper({ url: 'http://loki:3100', maxBufferedLines: 0 }), /maxBufferedLines must be a positive integer, received 0/)
  t.throws(() => createLokiShipper({ url: 'http://loki:3100', retry: { minBackoffMs: 0 } }), /minMs must be a positive number/)
  t.throws(() => createLokiShipper({ url: 'ftp://loki' }), /http\(s\) URL/)
})
