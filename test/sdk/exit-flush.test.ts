import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Test } from 'tap'
import { collect, runTs, spawnTs } from '../support/run-ts.js'

const FIXTURE = fileURLToPath(new URL('./fixtures/exit-flush.ts', import.meta.url))
const env = { THREADLINE_FIXTURE: '1' }

function parse(text: string): Array<Record<string, unknown>> {
  return text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
}

function assertBurst(t: Test, lines: Array<Record<string, unknown>>, count: number): void {
  const seqs = lines.filter((l) => l.msg === 'burst').map((l) => l.seq)
  t.equal(seqs.length, count, `all ${count} burst lines were written`)
  t.ok(seqs.every((seq, i) => seq === i), 'in order, none missing')
}

function tempLog(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-exit-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'out.log')
}

t.test('process.exit right after logging loses no line', async (t) => {
  const file = tempLog(t)
  const result = await runTs(FIXTURE, ['exit', '3000'], { env: { ...env, LOG_FILE: file } })
  t.equal(result.code, 0, result.stderr)
  assertBurst(t, parse(readFileSync(file, 'utf8')), 3000)
})

t.test('an uncaught exception is logged as fatal, lines are flushed, exit status 1', async (t) => {
  const file = tempLog(t)
  const result = await runTs(FIXTURE, ['throw', '3000'], { env: { ...env, LOG_FILE: file } })
  t.equal(result.code, 1)
  t.match(result.stderr, /kaboom/, 'Node still prints the crash')
  const lines = parse(readFileSync(file, 'utf8'))
  assertBurst(t, lines, 3000)
  t.match(lines.at(-1), { level: 'fatal', event: 'UNCAUGHT_EXCEPTION', origin: 'uncaughtException', err: { type: 'Error', message: 'kaboom', stack: /kaboom/ } })
})

t.test('an unhandled rejection is logged as fatal too', async (t) => {
  const file = tempLog(t)
  const result = await runTs(FIXTURE, ['reject', '500'], { env: { ...env, LOG_FILE: file } })
  t.equal(result.code, 1)
  const lines = parse(readFileSync(file, 'utf8'))
  assertBurst(t, lines, 500)
  t.match(lines.at(-1), { level: 'fatal', origin: 'unhandledRejection', err: { type: 'TypeError', message: 'rejected' } })
})

// stdout is a pipe read from the start: descriptors are written synchronously
// (pino's own default), so a burst is in the pipe, not in a buffer, when
// SIGTERM arrives; the test proves none of it is lost or reordered on the way.
const SIGTERM_BURST = 3000

async function sigtermRun(mode: 'sigterm' | 'sigterm-app'): Promise<Awaited<ReturnType<typeof collect>>> {
  const child = spawnTs(FIXTURE, [mode, String(SIGTERM_BURST)], { env })
  const output = collect(child)
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.includes('ready')) resolve()
    })
    child.once('exit', () => reject(new Error(`exited early: ${stderr}`)))
  })
  child.kill('SIGTERM')
  return output
}

t.test('SIGTERM flushes, then the process still dies of SIGTERM', async (t) => {
  const result = await sigtermRun('sigterm')
  t.equal(result.signal, 'SIGTERM')
  assertBurst(t, parse(result.stdout), SIGTERM_BURST)
})

t.test("SIGTERM with the app's own listener leaves the shutdown to the app, losing no line", async (t) => {
  const result = await sigtermRun('sigterm-app')
  t.equal(result.code, 0)
  t.equal(result.signal, null)
  const lines = parse(result.stdout)
  assertBurst(t, lines, SIGTERM_BURST)
  t.match(lines.at(-1), { event: 'SHUTDOWN', msg: 'app shutdown' })
})
