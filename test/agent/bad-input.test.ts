/**
 * The bad-input corpus through the whole agent (file → transforms → store →
 * Loki double): the agent never crashes, and every line is delivered or
 * counted with a reason.
 */
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLokiDouble } from '../support/loki-double.js'
import { startAgentProcess, tailingAgentYaml, waitFor } from '../support/agent-process.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-bad-input-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const loki = await startLokiDouble()
t.teardown(() => loki.stop())

const now = new Date().toISOString()
const ok = (fields: Record<string, unknown>) => JSON.stringify({ ts: now, service: 'svc', msg: 'ok', ...fields })
const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)
const chunks: Buffer[] = [
  Buffer.from('\n\n   \n'), // 3 empty lines
  Buffer.from(ok({ n: 'crlf' }) + '\r\n'),
  Buffer.concat([Buffer.from('{"msg":"bad utf8 '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}\n')]),
  Buffer.from('{"msg":"nul \u0000 byte"}\n'),
  Buffer.from('plain text, not json\n'),
  Buffer.from('{"msg": "broken json"\n'),
  Buffer.from(JSON.stringify({ ts: now, msg: 'huge', pad: 'x'.repeat(10 * 1024 * 1024) }) + '\n'),
  Buffer.from(deep + '\n'),
  Buffer.from('{"__proto__":{"polluted":true},"msg":"proto","level":"warn"}\n'),
  Buffer.from(ok({ level: 50 }) + '\n'),
  Buffer.from(ok({ level: true }) + '\n'),
  Buffer.from(ok({ level: 'WARNING' }) + '\n'),
]
const nonEmptyCorpusLines = 11
const distinctEvents = 10_000
chunks.push(Buffer.from(Array.from({ length: distinctEvents }, (_, i) => ok({ event: `EVENT_${i}`, i })).join('\n') + '\n'))
writeFileSync(join(dir, 'bad.log'), Buffer.concat(chunks))

const agent = await startAgentProcess(
  dir,
  tailingAgentYaml({ dir, include: join(dir, 'bad.log'), lokiUrl: loki.url, lokiFields: 'batch: { max_wait: 100ms }' }),
)
t.teardown(() => agent.kill())
const expectedDelivered = nonEmptyCorpusLines + distinctEvents
await waitFor('every non-empty line in the double', () => loki.lines().length >= expectedDelivered, 60_000)

t.test('every non-empty line is delivered once, empty ones are counted', async (t) => {
  t.equal(loki.lines().length, expectedDelivered)
  t.equal(await agent.metric('threadline_lines_dropped_total{reason="empty"}'), 3)
  t.ok(agent.child.exitCode === null, 'the agent is still running')
})

t.test('malformed lines are shipped raw with level unknown and counted', async (t) => {
  const entries = loki.entries()
  const raw = entries.find((e) => e.line === 'plain text, not json')
  t.equal(raw?.labelSet.level, 'unknown')
  t.ok(entries.some((e) => e.line === '{"msg": "broken json"'))
  t.ok((await agent.metric('threadline_lines_unparsed_total{source="app"}')) >= 2)
  t.ok(entries.some((e) => e.line.includes('nul \u0000 byte')), 'the NUL byte survives')
  t.ok(entries.some((e) => e.line.includes('bad utf8')), 'invalid UTF-8 is delivered (replacement characters)')
})

t.test('the 10 MiB line is truncated to 256 KiB and counted', async (t) => {
  const huge = loki.lines().find((line) => line.includes('"msg":"huge"'))
  t.ok(huge, 'delivered')
  t.ok(Buffer.byteLength(huge!) <= 256 * 1024, `delivered ${Buffer.byteLength(huge!)} bytes`)
  t.equal(await agent.metric('threadline_lines_truncated_total{source="app"}'), 1)
})

t.test('levels and __proto__ are handled without pollution', async (t) => {
  const levels = new Set(loki.entries().map((e) => e.labelSet.level))
  t.ok([...levels].every((level) => ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'].includes(level!)), [...levels].join(', '))
  t.ok(loki.entries().some((e) => e.line.includes('"level":50') && e.labelSet.level === 'error'))
  t.ok(loki.entries().some((e) => e.line.includes('"msg":"proto"') && e.labelSet.level === 'warn'))
  t.equal(({} as Record<string, unknown>).polluted, undefined)
})

t.test('10,000 distinct events are capped at 100 label values plus "other"', async (t) => {
  const events = new Set(loki.entries().map((e) => e.labelSet.event))
  t.ok(events.size <= 101 + 1, `${events.size} distinct event labels`)
  t.ok(events.has('other'))
  t.ok((await agent.metric('threadline_label_overflow_total{label="event"}')) > 0)
  t.ok(loki.entries().every((e) => !('correlation_id' in e.labelSet)), 'correlation ids are never labels')
})

t.test('the agent stops cleanly afterwards', async (t) => {
  t.equal(await agent.stop(), 0)
})
