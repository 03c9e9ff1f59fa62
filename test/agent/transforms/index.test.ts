import t from 'tap'
import type { LogEvent, RawLine } from '../../../agent/core/types.js'
import { AgentMetrics } from '../../../agent/metrics/internal.js'
import { TransformsConfig } from '../../../agent/transforms/config.js'
import { createTransform } from '../../../agent/transforms/index.js'
import { badInput } from './fixtures/bad-input.js'
import { counterTotal, counterValue } from './fixtures/counter.js'

function setup(config: Record<string, unknown> = {}) {
  const metrics = new AgentMetrics({ processMetrics: false })
  const transform = createTransform(TransformsConfig.parse(config), { metrics })
  return { metrics, transform }
}

const now = () => Date.now()
const raw = (text: string, extra: Partial<RawLine> = {}): RawLine => ({ text, readAtMs: now(), ...extra })

t.test('a pino line becomes a labelled LogEvent', async (t) => {
  const { metrics, transform } = setup({ static_labels: { env: 'prod' } })
  const time = now() - 1000
  const text = JSON.stringify({ level: 30, time, service: 'orders', event: 'ORDER_PLACED', correlation_id: 'c-1', order_id: 'ord_9', msg: 'placed' })
  const event = transform(raw(text, { origin: { container: 'orders-1' } }), 'app')
  t.match(event, {
    tsMs: time,
    tsNanos: 0,
    line: text,
    level: 'info',
    service: 'orders',
    event: 'ORDER_PLACED',
    correlationId: 'c-1',
    labels: { service: 'orders', level: 'info', event: 'ORDER_PLACED', env: 'prod' },
    fields: { order_id: 'ord_9', msg: 'placed' },
    source: 'app',
  })
  t.same(Object.keys(event!.labels).sort(), ['env', 'event', 'level', 'service'])
  t.equal(await counterTotal(metrics.timestampFallbacks), 0)
  t.equal(await counterTotal(metrics.linesUnparsed), 0)
})

t.test('a plain-text line ships raw with level unknown, the origin service and event LOG, counted', async (t) => {
  const { metrics, transform } = setup({ default_service: 'edge' })
  const readAtMs = now()
  const event = transform(raw('GET /health 200', { readAtMs, origin: { unit: 'nginx.service' } }), 'journal')
  t.match(event, { line: 'GET /health 200', level: 'unknown', service: 'nginx.service', event: 'LOG', correlationId: null, fields: null, tsMs: readAtMs })
  t.equal(transform(raw('no origin'), 'journal')?.service, 'edge', 'the configured default service')
  t.equal(await counterValue(metrics.linesUnparsed, { source: 'journal' }), 2)
  t.equal(await counterValue(metrics.timestampFallbacks, { source: 'journal', reason: 'missing' }), 2)
})

t.test('the bad-input corpus: every line is delivered or dropped, and counted with a reason', async (t) => {
  for (const { name, raw: input, outcome } of badInput) {
    const { metrics, transform } = setup()
    let event: LogEvent | null = null
    t.doesNotThrow(() => (event = transform(input, 'app')), `${name}: no throw`)
    if (outcome === 'drop:empty') {
      t.equal(event, null, `${name}: dropped`)
      t.equal(await counterValue(metrics.linesDropped, { reason: 'empty' }), 1, `${name}: counted as empty`)
      continue
    }
    const shipped = event as LogEvent | null
    t.ok(shipped, `${name}: delivered`)
    if (!shipped) continue
    t.equal(shipped.level, outcome.level, `${name}: level`)
    t.equal(await counterValue(metrics.linesUnparsed, { source: 'app' }), outcome.unparsed ? 1 : 0, `${name}: unparsed counted`)
    t.equal(shipped.fields === null, outcome.unparsed, `${name}: fields`)
    t.equal(await counterValue(metrics.linesTruncated, { source: 'app' }), outcome.truncated ? 1 : 0, `${name}: truncated counted`)
    t.ok(Buffer.byteLength(shipped.line) <= 256 * 1024, `${name}: line within 256 KiB`)
    t.notOk(shipped.line.endsWith('\r'), `${name}: no trailing CR`)
    t.equal(Object.getPrototypeOf(shipped.labels), Object.prototype, `${name}: labels have a plain prototype`)
    t.same(Object.keys(shipped.labels).sort(), ['event', 'level', 'service'], `${name}: exactly three labels`)
    for (const value of Object.values(shipped.labels)) t.notMatch(value, /[\u0000-\u001f\u007f-\u009f]/, `${name}: no control characters in labels`)
    t.equal(await counterValue(metrics.linesDropped, { reason: 'empty' }), 0, `${name}: not dropped`)
  }
  t.equal(({} as { level?: unknown }).level, undefined, 'Object.prototype was never polluted')
})

t.test('a line over max_line_bytes is parsed first, then its text is cut', async (t) => {
  const { metrics, transform } = setup({ max_line_bytes: '1KiB' })
  const text = JSON.stringify({ level: 'error', event: 'BIG', pad: 'é'.repeat(2000) })
  const event = transform(raw(text), 'app')!
  t.equal(event.level, 'error')
  t.equal(event.event, 'BIG')
  t.ok(text.startsWith(event.line))
  t.ok(Buffer.byteLength(event.line) <= 1024 && Buffer.byteLength(event.line) >= 1023)
  t.equal(await counterValue(metrics.linesTruncated, { source: 'app' }), 1)
  t.equal(await counterTotal(metrics.linesUnparsed), 0)
})

t.test('correlation ids and order ids never become labels', async (t) => {
  const { transform } = setup({ static_labels: { env: 'test' } })
  const labelSets = new Set<Readonly<Record<string, string>>>()
  for (let i = 0; i < 500; i++) {
    const text = JSON.stringify({ level: 30, service: 'orders', event: 'ORDER_PAID', correlation_id: `corr-${i}`, correlationId: `cid-${i}`, order_id: `ord-${i}`, orderId: i, trace_id: `t${i}` })
    const event = transform(raw(text), 'app')!
    t.equal(event.correlationId, `corr-${i}`)
    labelSets.add(event.labels)
  }
  t.equal(labelSets.size, 1, 'one shared label object for one stream')
  const [labels] = labelSets
  t.same(labels, { service: 'orders', level: 'info', event: 'ORDER_PAID', env: 'test' })
})

t.test('10,000 distinct event values give at most 100 event labels plus "other"', async (t) => {
  const { metrics, transform } = setup()
  const events = new Set<string>()
  for (let i = 0; i < 10_000; i++) events.add(transform(raw(`{"level":30,"event":"EVENT_${i}"}`), 'app')!.labels.event!)
  t.equal(events.size, 101)
  t.ok(events.has('other'))
  t.equal(await counterValue(metrics.labelOverflows, { label: 'event' }), 9_900)
})

t.test('identical lines read in one ms keep distinct entry times', async (t) => {
  const { transform } = setup()
  const readAtMs = now()
  const stamps = Array.from({ length: 5 }, () => transform(raw('same line', { readAtMs }), 'app')!).map((e) => `${e.tsMs}.${e.tsNanos}`)
  t.equal(new Set(stamps).size, 5)
})

t.test('random input never throws and every line is accounted for', async (t) => {
  const { metrics, transform } = setup({ max_line_bytes: '1KiB' })
  let seed = 42
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31)
  const alphabet = ['{', '}', '"', ':', ',', '[', ']', '\\', ' ', '\r', '\u0000', 'a', '1', 'é', '😀', '\ud800', 'level', 'time', '__proto__', 'event', 'service']
  let delivered = 0
  const lines = 3_000
  for (let i = 0; i < lines; i++) {
    let text = i % 3 === 0 ? '{"level":' : ''
    const length = next() % 400
    for (let j = 0; j < length; j++) text += alphabet[next() % alphabet.length]
    if (transform(raw(text), 'fuzz') !== null) delivered++
  }
  t.equal(delivered + (await counterValue(metrics.linesDropped, { reason: 'empty' })), lines)
})
