import t from 'tap'
import { spawn } from 'node:child_process'
import { PassThrough } from 'node:stream'
import { isEnding } from '../../../agent/core/types.js'
import { loadDefinition } from '../../../agent/core/lazy-registry.js'
import { sources } from '../../../agent/sources/index.js'
import { stdinSource } from '../../../agent/sources/stdin.js'
import { FileSourceConfig } from '../../../agent/sources/file/config.js'
import { StdinSourceConfig } from '../../../agent/sources/stdin-config.js'
import { createSourceHarness } from '../../support/source-harness.js'

t.test('config: defaults apply and a typo fails with its name', async (t) => {
  t.equal(StdinSourceConfig.parse({ type: 'stdin' }).max_line_bytes, 256 * 1024)
  const typo = StdinSourceConfig.safeParse({ type: 'stdin', servce: 'x' })
  t.notOk(typo.success)
  t.match(JSON.stringify(typo.error?.issues), /servce/)
})

t.test('reads a child process pipe to its end, including an unterminated last line, then reports ended', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const child = spawn(process.execPath, ['-e', 'for (let i = 0; i < 5000; i++) process.stdout.write(`{"seq":${i}}\\r\\n`); process.stdout.write("last, no newline")'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const definition = stdinSource(child.stdout)
  const source = definition.create(StdinSourceConfig.parse({ type: 'stdin', service: 'batch-job' }), harness.ctx)
  t.ok(isEnding(source), 'the agent can tell the stdin source ends')
  await source.start()
  await source.ended
  const texts = harness.texts()
  t.equal(texts.length, 5001)
  t.equal(texts[0], '{"seq":0}', 'CR removed')
  t.equal(texts[4999], '{"seq":4999}')
  t.equal(texts[5000], 'last, no newline')
  t.same(harness.lines()[0]!.origin, { service: 'batch-job' })
  t.ok(harness.batches.every((batch) => batch.lines.length <= 1000 && batch.checkpoints === undefined), 'batches of at most 1,000 lines, no checkpoints')
  t.equal(await harness.counter('linesRead', { source: 'test' }), 5001)
  await source.stop()
})

t.test('the file source is not an ending source', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const file = (await loadDefinition(sources, 'file')).create(FileSourceConfig.parse({ type: 'file', include: [`${harness.dir}/*.log`] }), harness.ctx)
  t.notOk(isEnding(file))
})

t.test('waits for each commit before reading on, cuts long lines, and stops without reading further', async (t) => {
  let release!: () => void
  let gate = new Promise<void>((resolve) => (release = resolve))
  const harness = createSourceHarness({ beforeCommit: () => gate })
  t.teardown(harness.cleanup)
  const input = new PassThrough()
  const definition = stdinSource(input)
  const source = definition.create(StdinSourceConfig.parse({ type: 'stdin', max_line_bytes: 8 }), harness.ctx)
  await source.start()
  input.write('0123456789abc\nshort\n')
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(harness.batches.length, 0, 'nothing is committed while the store holds the emit')
  release()
  await harness.waitFor(() => harness.texts().length === 2, 'the first batch')
  t.same(harness.texts(), ['01234567', 'short'])
  t.equal(await harness.counter('linesTruncated', { source: 'test' }), 1)
  gate = Promise.resolve()
  await source.stop()
  await source.ended
  input.write('after stop\n')
  input.end()
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.same(harness.texts(), ['01234567', 'short'], 'nothing is read after stop')
})
