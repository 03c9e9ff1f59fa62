import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Test } from 'tap'
import { startDemo } from '../../examples/demo-service.js'
import { collect, spawnTs } from '../support/run-ts.js'

const DEMO = fileURLToPath(new URL('../../examples/demo-service.ts', import.meta.url))

function readLines(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
}

async function until(what: string, probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-demo-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('the demo logs the trading flow across two services under one correlation id', async (t) => {
  const file = join(tempDir(t), 'demo.log')
  const demo = await startDemo({ logFile: file, intervalMs: 10 })
  t.teardown(() => demo.stop())
  const header = await new Promise<string | undefined>((resolve) =>
    get({ host: '127.0.0.1', port: demo.port, path: '/health', headers: { 'x-correlation-id': 'probe-1' } }, (res) => {
      res.resume()
      resolve(res.headers['x-correlation-id'] as string | undefined)
    }),
  )
  t.equal(header, 'probe-1')
  await until('a submit without response and an error', () => {
    const lines = readLines(file)
    return lines.some((l) => l.event === 'ORDER_ERROR') && lines.filter((l) => l.event === 'ORDER_RESPONSE').length >= 20
  })
  await demo.stop()
  await demo.stop()
  const lines = readLines(file)
  const byId = new Map<unknown, Array<Record<string, unknown>>>()
  for (const line of lines) if (line.event !== 'HTTP_REQUEST') byId.set(line.correlation_id, [...(byId.get(line.correlation_id) ?? []), line])
  const flows = [...byId.values()]
  t.ok(flows.every((flow) => flow[0]!.event === 'INTENT_RECEIVED' && flow[0]!.service === 'ai_engine'), 'every flow starts with the intent')
  t.ok(flows.some((flow) => flow.map((l) => l.event).join() === 'INTENT_RECEIVED,ORDER_SUBMIT,ORDER_RESPONSE' && flow[2]!.service === 'auto_executor'))
  t.ok(flows.some((flow) => flow.map((l) => l.event).join() === 'INTENT_RECEIVED,ORDER_SUBMIT'), 'some submits never get a response')
  t.ok(lines.some((l) => l.event === 'HTTP_REQUEST' && l.correlation_id === 'probe-1'))
  t.match(lines.find((l) => l.event === 'ORDER_ERROR'), { level: 'error', err: { message: 'exchange timeout' } })
})

t.test('run as a program, the demo stops cleanly on SIGTERM', async (t) => {
  const file = join(tempDir(t), 'demo.log')
  const child = spawnTs(DEMO, [], { env: { DEMO_LOG_FILE: file } })
  const done = collect(child)
  await until('some lines', () => readLines(file).length >= 3)
  child.kill('SIGTERM')
  const result = await done
  t.equal(result.code, 0, result.stderr)
  t.match(result.stderr, /listening on 127\.0\.0\.1:\d+/)
  t.ok(readLines(file).length >= 3, 'the log is complete JSON lines')
})
