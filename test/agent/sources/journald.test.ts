import t from 'tap'
import type { Test } from 'tap'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { JournaldSourceConfig } from '../../../agent/sources/journald/config.js'
import journald from '../../../agent/sources/journald/source.js'
import { createSourceHarness, type SourceHarness } from '../../support/source-harness.js'

const BOOT_ID = '0123456789abcdef0123456789abcdef'
const BASE_US = 1_767_225_600_000_000 // 2026-01-01T00:00:00Z

type Entry = { seq: number; unit: string; message: string | Buffer }

/** Journal export format (systemd's JOURNAL_EXPORT_FORMATS): `NAME=value` lines, binary fields as NAME, LE64 size, bytes; a blank line ends an entry. */
function exportFormat(entries: Entry[]): Buffer {
  const parts: Buffer[] = []
  for (const { seq, unit, message } of entries) {
    parts.push(Buffer.from(`__REALTIME_TIMESTAMP=${BASE_US + seq}\n__MONOTONIC_TIMESTAMP=${1000 + seq}\n_BOOT_ID=${BOOT_ID}\n_SYSTEMD_UNIT=${unit}\n_TRANSPORT=stdout\n`))
    if (typeof message === 'string') parts.push(Buffer.from(`MESSAGE=${message}\n`))
    else {
      const size = Buffer.alloc(8)
      size.writeBigUInt64LE(BigInt(message.length))
      parts.push(Buffer.from('MESSAGE\n'), size, message, Buffer.from('\n'))
    }
    parts.push(Buffer.from('\n'))
  }
  return Buffer.concat(parts)
}

/** Writes a real journal file with systemd-journal-remote. */
function writeJournal(path: string, entries: Entry[]): void {
  const input = `${path}.export`
  writeFileSync(input, exportFormat(entries))
  execFileSync('/lib/systemd/systemd-journal-remote', ['-o', path, input], { stdio: 'ignore' })
}

function startSource(t: Test, harness: SourceHarness, config: Record<string, unknown>) {
  const source = journald.create(JournaldSourceConfig.parse({ type: 'journald', ...config }), harness.ctx)
  t.teardown(() => source.stop())
  return source
}

t.test('config: defaults apply and a typo fails with its name', async (t) => {
  const parsed = JournaldSourceConfig.parse({ type: 'journald', units: ['a.service'] })
  t.same({ journalctl: parsed.journalctl, read_from: parsed.read_from, restart_delay: parsed.restart_delay }, { journalctl: 'journalctl', read_from: 'end', restart_delay: 1000 })
  const typo = JournaldSourceConfig.safeParse({ type: 'journald', unit: ['a.service'] })
  t.notOk(typo.success)
  t.match(JSON.stringify(typo.error?.issues), /unit/)
})

t.test('stop without start and stop twice are safe', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const source = journald.create(JournaldSourceConfig.parse({ type: 'journald' }), harness.ctx)
  await source.stop()
  await source.stop()
  t.pass()
})

t.test('reads a real journal: chosen units only, binary messages, ns timestamps; follows new entries; resumes after the committed cursor', async (t) => {
  const first = createSourceHarness()
  t.teardown(first.cleanup)
  const dir = join(first.dir, 'journal')
  mkdirSync(dir)
  writeJournal(join(dir, 'a.journal'), [
    { seq: 1, unit: 'quantum.service', message: 'hello 1' },
    { seq: 2, unit: 'other.service', message: 'not chosen' },
    { seq: 3, unit: 'quantum.service', message: Buffer.from([0x62, 0x69, 0x6e, 0xff, 0x00, 0x78]) },
    { seq: 4, unit: 'quantum.service', message: 'hello 2' },
  ])
  const source = startSource(t, first, { units: ['quantum.service'], directory: dir, read_from: 'beginning' })
  await source.start()
  await first.waitFor(() => first.texts().length === 3, 'the stored entries')
  t.same(first.texts(), ['hello 1', 'bin\ufffd\u0000x', 'hello 2'])
  t.same(first.lines()[0]!.origin, { unit: 'quantum.service' })
  t.same(first.lines().map((line) => line.sourceTimeNs), [`${BASE_US + 1}000`, `${BASE_US + 3}000`, `${BASE_US + 4}000`])
  const listed = execFileSync('journalctl', ['-D', dir, '-o', 'json', '--no-pager', '-u', 'quantum.service'], { encoding: 'utf8' }).trim().split('\n')
  t.equal(first.checkpoints.get('journald:test'), (JSON.parse(listed.at(-1)!) as { __CURSOR: string }).__CURSOR, 'the checkpoint is the last entry cursor')

  writeJournal(join(dir, 'b.journal'), [{ seq: 5, unit: 'quantum.service', message: 'hello 3, live' }])
  await first.waitFor(() => first.texts().length === 4, 'the entry written while following')
  await source.stop()
  t.equal(await first.counter('linesRead', { source: 'test' }), 4)

  writeJournal(join(dir, 'c.journal'), [
    { seq: 6, unit: 'quantum.service', message: 'hello 4, while stopped' },
    { seq: 7, unit: 'other.service', message: 'not chosen either' },
  ])
  const second = createSourceHarness({ checkpoints: new Map(first.checkpoints) })
  t.teardown(second.cleanup)
  await startSource(t, second, { units: ['quantum.service'], directory: dir, read_from: 'beginning' }).start()
  await second.waitFor(() => second.texts().length >= 1, 'the entry written while stopped')
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.same(second.texts(), ['hello 4, while stopped'], 'nothing before the cursor is read again')
})

t.test('relative --file paths are followed (journalctl needs them absolute)', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const path = join(harness.dir, 'one.journal')
  writeJournal(path, [{ seq: 1, unit: 'quantum.service', message: 'from a file' }])
  await startSource(t, harness, { files: [relative(process.cwd(), path)], read_from: 'beginning' }).start()
  await harness.waitFor(() => harness.texts().length === 1, 'the entry')
  t.same(harness.texts(), ['from a file'])
})

t.test('journalctl exiting is counted and it is restarted after the last cursor', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const fake = join(harness.dir, 'journalctl')
  // Prints one entry naming the arguments it got, then fails like a journalctl that lost its journal.
  writeFileSync(fake, `#!/bin/sh\nprintf '{"MESSAGE":"args %s","__CURSOR":"c-%s"}\\n' "$*" "$$"\necho "journal gone" >&2\nexit 1\n`)
  chmodSync(fake, 0o755)
  await startSource(t, harness, { journalctl: fake, restart_delay: '10ms' }).start()
  await harness.waitFor(() => harness.texts().length >= 2, 'a restart')
  const [firstRun, secondRun] = harness.texts()
  t.match(firstRun, /--lines=0/, 'read_from end without a cursor')
  const firstCursor = harness.batches[0]!.checkpoints![0]!.value
  t.match(secondRun, `--after-cursor=${firstCursor}`, 'the restart resumes after the committed cursor')
  t.ok((await harness.counter('sourceErrors', { source: 'test', error_type: 'journalctl_exit' })) >= 1)
  t.ok(harness.logs().some((r) => r.stderr === 'journal gone'), 'journalctl stderr is logged')
})

t.test('a missing journalctl binary is counted and retried, not thrown', async (t) => {
  const harness = createSourceHarness()
  t.teardown(harness.cleanup)
  const source = startSource(t, harness, { journalctl: join(harness.dir, 'no-such-journalctl'), restart_delay: '10ms' })
  await source.start()
  await harness.waitFor(() => harness.logs().filter((r) => r.msg === 'journald source: journalctl exited; restarting').length >= 2, 'two failed starts')
  t.ok((await harness.counter('sourceErrors', { source: 'test', error_type: 'journalctl_exit' })) >= 2)
  await source.stop()
})
