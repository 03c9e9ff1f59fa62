import t from 'tap'
import type { Test } from 'tap'
import { appendFileSync, closeSync, copyFileSync, ftruncateSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { FileSourceConfig } from '../../../agent/sources/file/config.js'
import file from '../../../agent/sources/file/source.js'
import type { Lifecycle } from '../../../agent/core/types.js'
import { createSourceHarness, type SourceHarness, type SourceHarnessOptions } from '../../support/source-harness.js'

type Setup = { harness: SourceHarness; source: Lifecycle; dir: string }

async function follow(t: Test, config: Record<string, unknown>, options: SourceHarnessOptions & { dir?: string } = {}): Promise<Setup> {
  const harness = createSourceHarness(options)
  const dir = options.dir ?? harness.dir
  t.teardown(harness.cleanup)
  const parsed = FileSourceConfig.parse({ type: 'file', include: [join(dir, '*.log')], poll_interval: '20ms', rotate_wait: '200ms', ...config })
  const source = file.create(parsed, harness.ctx)
  t.teardown(() => source.stop())
  await source.start()
  return { harness, source, dir }
}

t.test('config: defaults apply and a typo fails with its name', async (t) => {
  const parsed = FileSourceConfig.parse({ type: 'file', include: ['/var/log/*.log'] })
  t.same(
    { read_from: parsed.read_from, poll_interval: parsed.poll_interval, fingerprint_bytes: parsed.fingerprint_bytes, max_line_bytes: parsed.max_line_bytes, exclude: parsed.exclude },
    { read_from: 'beginning', poll_interval: 250, fingerprint_bytes: 1024, max_line_bytes: 256 * 1024, exclude: [] },
  )
  const typo = FileSourceConfig.safeParse({ type: 'file', include: ['/x'], read_form: 'end' })
  t.notOk(typo.success)
  t.match(JSON.stringify(typo.error?.issues), /read_form/)
  t.notOk(FileSourceConfig.safeParse({ type: 'file', include: [] }).success, 'include must name at least one pattern')
})

t.test('stop without start and stop twice are safe', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const source = file.create(FileSourceConfig.parse({ type: 'file', include: [join(harness.dir, '*.log')] }), harness.ctx)
  await source.stop()
  await source.stop()
  t.pass()
})

t.test('appended lines arrive in order; partial lines wait for their newline; CRLF loses its CR', async (t) => {
  const { harness, dir } = await follow(t, { read_from: 'beginning', service: 'billing' })
  const path = join(dir, 'app.log')
  writeFileSync(path, 'first\r\nsecond\n')
  await harness.waitFor(() => harness.texts().length === 2, 'the first two lines')
  appendFileSync(path, 'third is ')
  await new Promise((resolve) => setTimeout(resolve, 150))
  t.same(harness.texts(), ['first', 'second'], 'a line without its newline is not emitted')
  appendFileSync(path, 'complete\n\n')
  await harness.waitFor(() => harness.texts().length === 4, 'the completed line')
  t.same(harness.texts(), ['first', 'second', 'third is complete', ''])
  t.same(harness.lines()[0]!.origin, { filename: path, service: 'billing' })
  t.ok(harness.lines().every((line) => typeof line.readAtMs === 'number' && line.readAtMs > 0))
  const checkpoint = JSON.parse([...harness.checkpoints.entries()].find(([key]) => key.startsWith('file:'))![1]) as { path: string; offset: number }
  t.same(checkpoint, { path, offset: Buffer.byteLength('first\r\nsecond\nthird is complete\n\n') }, 'the checkpoint is just past the last emitted line')
  t.equal(await harness.counter('linesRead', { source: 'test' }), 4)
  t.equal(await harness.counter('bytesRead', { source: 'test' }), Buffer.byteLength('first\r\nsecond\nthird is complete\n\n'))
})

t.test('read_from end skips what files hold at start but reads files created later from their beginning', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  writeFileSync(join(harness.dir, 'old.log'), 'old 1\nold 2\nhalf')
  const { harness: h } = await follow(t, { read_from: 'end' }, { dir: harness.dir })
  await h.waitFor(() => h.logs().some((r) => r.msg === 'file source: following file'), 'the first scan')
  appendFileSync(join(harness.dir, 'old.log'), ' written\nold 3\n')
  writeFileSync(join(harness.dir, 'new.log'), 'new 1\nnew 2\n')
  writeFileSync(join(harness.dir, 'ignored.txt'), 'not matched\n')
  await h.waitFor(() => h.texts().length === 4, 'lines after start')
  t.same(h.texts().sort(), ['half written', 'new 1', 'new 2', 'old 3'], 'a half-written last line at start is read whole once completed')
})

t.test('exclude patterns, braces and ** select files', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  mkdirSync(join(harness.dir, 'a', 'b'), { recursive: true })
  writeFileSync(join(harness.dir, 'a', 'b', 'deep.log'), 'deep\n')
  writeFileSync(join(harness.dir, 'a', 'x.out'), 'out\n')
  writeFileSync(join(harness.dir, 'a', 'skip.log'), 'skipped\n')
  const { harness: h } = await follow(
    t,
    { read_from: 'beginning', include: [join(harness.dir, '**', '*.{log,out}')], exclude: [join(harness.dir, '*', 'skip.log')] },
    { dir: harness.dir },
  )
  await h.waitFor(() => h.texts().length === 2, 'matched files')
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.same(h.texts().sort(), ['deep', 'out'])
})

t.test('20,000 lines across 5 rename-and-create and 5 copytruncate rotations arrive exactly once, in order', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const path = join(harness.dir, 'app.log')
  writeFileSync(path, '')
  const { harness: h } = await follow(t, { read_from: 'beginning', include: [`${path}*`] }, { dir: harness.dir })
  const expected: string[] = []
  let fd = openSync(path, 'a')
  for (let i = 0; i < 20_000; i++) {
    const line = JSON.stringify({ seq: i, msg: 'payload '.repeat(i % 7) })
    expected.push(line)
    writeSync(fd, `${line}\n`)
    if (i % 2000 === 1999) {
      const rotation = (i + 1) / 2000
      if (rotation % 2 === 1) {
        // rename-and-create: the writer still writes one line to the old file before reopening, as a logger reacting to SIGHUP does.
        renameSync(path, `${path}.${rotation}`)
        const late = JSON.stringify({ seq: `${i}-late` })
        expected.push(late)
        writeSync(fd, `${late}\n`)
        closeSync(fd)
        fd = openSync(path, 'a')
      } else {
        copyFileSync(path, `${path}.${rotation}`)
        ftruncateSync(fd, 0)
      }
    }
    // Each rotation period spans several polls, as in production where rotations are hours apart.
    if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  }
  closeSync(fd)
  await h.waitFor(() => h.texts().length >= expected.length, `${expected.length} lines`, 20_000).catch((error: unknown) => {
    const seen = new Set(h.texts())
    t.comment('missing', expected.filter((line) => !seen.has(line)).slice(0, 5), h.logs().slice(-40).map((r) => `${r.msg} ${r.path ?? ''} ${r.copy ?? ''} ${r.offset ?? ''}`))
    throw error
  })
  await new Promise((resolve) => setTimeout(resolve, 200))
  const got = h.texts()
  t.equal(got.length, expected.length, 'no line lost or repeated')
  const firstMismatch = got.findIndex((line, i) => line !== expected[i])
  t.equal(firstMismatch, -1, 'every line in order')
  if (firstMismatch !== -1) t.comment(got.slice(firstMismatch - 2, firstMismatch + 3), expected.slice(firstMismatch - 2, firstMismatch + 3), h.logs().filter((r) => r.msg !== 'file source: following file').map((r) => r.msg))
})

t.test('a fresh instance resumes from the committed checkpoints: nothing re-read, nothing missed, even after a rotation while stopped', async (t) => {
  const first = createSourceHarness()
  t.teardown(first.cleanup)
  const path = join(first.dir, 'app.log')
  writeFileSync(path, 'a1\na2\n')
  const one = await follow(t, { read_from: 'beginning' }, { dir: first.dir })
  await one.harness.waitFor(() => one.harness.texts().length === 2, 'first run')
  appendFileSync(path, 'a3\n')
  await one.harness.waitFor(() => one.harness.texts().length === 3, 'first run, appended line')
  await one.source.stop()

  appendFileSync(path, 'a4\n')
  renameSync(path, join(first.dir, 'app.1.log'))
  writeFileSync(path, 'b1\n')

  const two = await follow(t, { read_from: 'end' }, { dir: first.dir, checkpoints: new Map(one.harness.checkpoints) })
  await two.harness.waitFor(() => two.harness.texts().length === 2, 'second run')
  await new Promise((resolve) => setTimeout(resolve, 150))
  t.same(two.harness.texts(), ['a4', 'b1'], 'the renamed file resumes at its offset; the file created while stopped is read whole')
})

t.test('a 10 MiB line is cut to max_line_bytes and counted; NUL bytes stay and invalid UTF-8 becomes U+FFFD', async (t) => {
  const { harness, dir } = await follow(t, { read_from: 'beginning', max_line_bytes: '64KiB' })
  const path = join(dir, 'bad.log')
  const huge = 'é'.repeat(5 * 1024 * 1024)
  writeFileSync(path, Buffer.concat([Buffer.from(`start\n${huge}\nnul\u0000inside\n`), Buffer.from([0x62, 0xff, 0xfe, 0x61, 0x0a]), Buffer.from('end\n')]))
  await harness.waitFor(() => harness.texts().length === 5, 'five lines')
  const [start, cut, nul, invalid, end] = harness.texts()
  t.equal(start, 'start')
  t.equal(Buffer.byteLength(cut!), 64 * 1024, 'cut on a character boundary at 64 KiB')
  t.equal(cut, 'é'.repeat(32 * 1024))
  t.equal(nul, 'nul\u0000inside')
  t.equal(invalid, 'b\ufffd\ufffda')
  t.equal(end, 'end')
  t.equal(await harness.counter('linesTruncated', { source: 'test' }), 1)
})

t.test('a file deleted while tailing is read to its end and released; a new file under its name is read whole', async (t) => {
  const { harness, dir } = await follow(t, { read_from: 'beginning' })
  const path = join(dir, 'gone.log')
  const fd = openSync(path, 'a')
  writeSync(fd, 'one\n')
  await harness.waitFor(() => harness.texts().length === 1, 'the first line')
  rmSync(path)
  writeSync(fd, 'two, after deletion\n')
  closeSync(fd)
  await harness.waitFor(() => harness.logs().some((r) => String(r.msg).includes('finished rotated-away file')), 'the deleted file to be released')
  writeFileSync(path, 'three\n')
  await harness.waitFor(() => harness.texts().length === 3, 'the recreated file')
  t.same(harness.texts(), ['one', 'two, after deletion', 'three'])
})

t.test('a failed emit is retried from the committed offset without losing or repeating lines', async (t) => {
  let failures = 1
  const { harness, dir } = await follow(t, { read_from: 'beginning' }, {
    beforeCommit: () => {
      if (failures-- > 0) throw new Error('store unavailable')
    },
  })
  writeFileSync(join(dir, 'retry.log'), 'x1\nx2\n')
  await harness.waitFor(() => harness.texts().length === 2, 'the retried batch')
  t.same(harness.texts(), ['x1', 'x2'])
  t.equal(await harness.counter('sourceErrors', { source: 'test', error_type: 'emit_failed' }), 1)
})
