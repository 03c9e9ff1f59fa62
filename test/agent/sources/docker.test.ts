import t from 'tap'
import type { Test } from 'tap'
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DockerSourceConfig } from '../../../agent/sources/docker/config.js'
import docker from '../../../agent/sources/docker/source.js'
import { rfc3339ToNs } from '../../../agent/sources/docker/decode.js'
import { createSourceHarness, type SourceHarness } from '../../support/source-harness.js'

/** Lays out a container the way Docker's json-file driver does under /var/lib/docker/containers. */
function container(root: string, id: string, name: string): string {
  mkdirSync(join(root, id), { recursive: true })
  writeFileSync(join(root, id, 'config.v2.json'), JSON.stringify({ ID: id, Name: `/${name}`, State: { Running: true }, LogPath: join(root, id, `${id}-json.log`) }))
  const log = join(root, id, `${id}-json.log`)
  writeFileSync(log, '')
  return log
}

const record = (log: string, stream = 'stdout', time = '2026-01-02T03:04:05.123456789Z') => `${JSON.stringify({ log, stream, time })}\n`
const ID_A = 'a'.repeat(64)
const ID_B = 'b'.repeat(64)
const ID_C = 'c'.repeat(64)

function startSource(t: Test, harness: SourceHarness, config: Record<string, unknown>) {
  const source = docker.create(DockerSourceConfig.parse({ type: 'docker', root: harness.dir, poll_interval: '20ms', rotate_wait: '100ms', ...config }), harness.ctx)
  t.teardown(() => source.stop())
  return source
}

t.test('config: defaults apply and a typo fails with its name', async (t) => {
  const parsed = DockerSourceConfig.parse({ type: 'docker', containers: ['quantum_*'] })
  t.equal(parsed.root, '/var/lib/docker/containers')
  t.equal(parsed.read_from, 'beginning')
  const typo = DockerSourceConfig.safeParse({ type: 'docker', container: ['quantum_*'] })
  t.notOk(typo.success)
  t.match(JSON.stringify(typo.error?.issues), /container/)
})

t.test('RFC 3339 times become ns decimal strings without float rounding', async (t) => {
  t.equal(rfc3339ToNs('2026-01-02T03:04:05.123456789Z'), `${Date.UTC(2026, 0, 2, 3, 4, 5) / 1000}123456789`)
  t.equal(rfc3339ToNs('2026-01-02T03:04:05.5Z'), `${Date.UTC(2026, 0, 2, 3, 4, 5) / 1000}500000000`)
  t.equal(rfc3339ToNs('2026-01-02T04:04:05+01:00'), `${Date.UTC(2026, 0, 2, 3, 4, 5) / 1000}000000000`)
  t.equal(rfc3339ToNs('yesterday'), undefined)
  t.equal(rfc3339ToNs(42), undefined)
})

t.test('selects containers by name, unwraps `log`, keeps stream and time, ships a corrupt record raw', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const api = container(harness.dir, ID_A, 'quantum_api')
  const db = container(harness.dir, ID_B, 'postgres')
  writeFileSync(api, record('{"msg":"hello"}\n') + record('oops\r\n', 'stderr'))
  writeFileSync(db, record('not selected\n'))
  await startSource(t, harness, { containers: ['quantum_*'], read_from: 'beginning' }).start()
  await harness.waitFor(() => harness.texts().length === 2, 'the two records')
  appendFileSync(api, 'garbage that is not json\n')
  await harness.waitFor(() => harness.texts().length === 3, 'the corrupt record')
  const lines = harness.lines()
  t.same(lines.map((l) => l.text), ['{"msg":"hello"}', 'oops', 'garbage that is not json'])
  t.same(lines.map((l) => l.origin), [{ container: 'quantum_api', stream: 'stdout' }, { container: 'quantum_api', stream: 'stderr' }, { container: 'quantum_api', stream: 'unknown' }])
  t.equal(lines[0]!.sourceTimeNs, rfc3339ToNs('2026-01-02T03:04:05.123456789Z'))
})

t.test('joins partial records; the checkpoint stays before an incomplete line; a restart re-joins it whole', async (t) => {
  const first = createSourceHarness()
  t.teardown(first.cleanup)
  const log = container(first.dir, ID_A, 'quantum_api')
  const big = 'x'.repeat(40 * 1024)
  const head = record('before\n')
  writeFileSync(log, head + record(big.slice(0, 16384)) + record('interleaved\n', 'stderr') + record(big.slice(16384, 32768)))
  const source = startSource(t, first, { containers: ['quantum_api'], read_from: 'beginning' })
  await source.start()
  await first.waitFor(() => first.texts().length === 2, 'the complete records')
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.same(first.texts(), ['before', 'interleaved'], 'partials are held')
  const offset = (JSON.parse(first.checkpoints.get([...first.checkpoints.keys()].find((k) => k.startsWith('file:'))!)!) as { offset: number }).offset
  t.equal(offset, Buffer.byteLength(head), 'the checkpoint does not pass the first held partial')
  await source.stop()

  appendFileSync(log, record(`${big.slice(32768)}\n`))
  const second = createSourceHarness({ checkpoints: new Map(first.checkpoints) })
  t.teardown(second.cleanup)
  const again = docker.create(DockerSourceConfig.parse({ type: 'docker', root: first.dir, containers: ['quantum_api'], poll_interval: '20ms' }), second.ctx)
  t.teardown(() => again.stop())
  await again.start()
  await second.waitFor(() => second.texts().some((text) => text.length > 20), 'the joined line')
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.same(second.texts().map((text) => (text.length > 20 ? `${text.length} x` : text)), ['interleaved', `${big.length} x`], 'joined whole; only the stderr line between the partials is read twice')
  t.equal(second.texts()[1], big)
})

t.test('a joined line over max_line_bytes is cut and counted', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const log = container(harness.dir, ID_A, 'quantum_api')
  writeFileSync(log, record('y'.repeat(16384)) + record('y'.repeat(16384)) + record('y\n') + record('after\n'))
  await startSource(t, harness, { containers: ['quantum_api'], read_from: 'beginning', max_line_bytes: '20KiB' }).start()
  await harness.waitFor(() => harness.texts().length === 2, 'both lines')
  t.equal(harness.texts()[0], 'y'.repeat(20 * 1024))
  t.equal(harness.texts()[1], 'after')
  t.equal(await harness.counter('linesTruncated', { source: 'test' }), 1)
})

t.test("follows Docker's rotation (rename to -json.log.1) and containers started later", async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const log = container(harness.dir, ID_A, 'quantum_api')
  writeFileSync(log, record('old, skipped with read_from end\n'))
  await startSource(t, harness, { containers: ['quantum_*'], read_from: 'end' }).start()
  await harness.waitFor(() => harness.logs().some((r) => r.msg === 'file source: following file'), 'the first scan')
  appendFileSync(log, record('1\n'))
  await harness.waitFor(() => harness.texts().length === 1, 'line 1')
  appendFileSync(log, record('2\n'))
  renameSync(log, `${log}.1`)
  writeFileSync(log, record('3\n'))
  const worker = container(harness.dir, ID_C, 'quantum_worker')
  writeFileSync(worker, record('worker 1\n'))
  await harness.waitFor(() => harness.texts().length === 4, 'lines across the rotation')
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.same(harness.texts().filter((text) => !text.startsWith('worker')), ['1', '2', '3'])
  t.same(harness.lines().find((l) => l.text === 'worker 1')?.origin, { container: 'quantum_worker', stream: 'stdout' })
})
