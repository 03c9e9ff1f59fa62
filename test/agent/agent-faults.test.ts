/**
 * The whole agent as a process, file → store → Loki double, under the faults
 * the issue names: SIGKILL mid-ingest (twice), rotation both ways during
 * ingest, a Loki outage. Each ends with the double holding exactly the lines
 * written, each once.
 */
import t, { type Test } from 'tap'
import { appendFileSync, copyFileSync, mkdtempSync, renameSync, rmSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLokiDouble, type LokiDouble } from '../support/loki-double.js'
import { startAgentProcess, tailingAgentYaml, waitFor } from '../support/agent-process.js'

function workdir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-faults-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Appends numbered lines to `path`; `written()` is how many so far. */
function lineWriter(path: string, limit = Infinity) {
  let written = 0
  return {
    written: () => written,
    writeSome(count: number) {
      let chunk = ''
      for (let i = 0; i < count && written < limit; i++) chunk += line(written++) + '\n'
      appendFileSync(path, chunk)
    },
  }
}

const line = (n: number) => JSON.stringify({ ts: new Date(Date.now()).toISOString(), level: 'info', service: 'auto_executor', event: 'LOG', msg: `line ${n}`, seq: n })

function agentYaml(dir: string, include: string, loki: LokiDouble): string {
  return tailingAgentYaml({
    dir,
    include,
    lokiUrl: loki.url,
    sourceFields: 'poll_interval: 50ms',
    lokiFields: 'batch: { max_wait: 100ms }, retry: { min_backoff: 50ms, max_backoff: 1s }',
  })
}

/** Asserts the double holds lines 0..n-1 exactly once each, in order. */
function assertExactlyOnce(t: Test, loki: LokiDouble, n: number): void {
  const seqs = loki.lines().map((text) => (JSON.parse(text) as { seq: number }).seq)
  t.equal(seqs.length, n, `the double holds ${n} lines`)
  t.equal(new Set(seqs).size, n, 'no line twice')
  t.ok(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!), 'in order within the stream')
}

t.test('SIGKILL twice mid-ingest and restart: every line once', async (t) => {
  const dir = workdir(t)
  const loki = await startLokiDouble()
  t.teardown(() => loki.stop())
  const log = join(dir, 'app.log')
  const total = 30_000
  const { written, writeSome } = lineWriter(log, total)
  writeSome(1_000)
  let agent = await startAgentProcess(dir, agentYaml(dir, log, loki))
  t.teardown(() => agent.kill())
  for (const killAt of [10_000, 20_000]) {
    while (written() < killAt) {
      writeSome(500)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await agent.kill()
    writeSome(1_000)
    agent = await startAgentProcess(dir, agentYaml(dir, log, loki))
  }
  while (written() < total) writeSome(1_000)
  await waitFor('all lines in the double', () => loki.lines().length >= total, 60_000)
  t.equal(await agent.stop(), 0, 'exits 0 on SIGTERM')
  assertExactlyOnce(t, loki, total)
})

t.test('rotation by rename and by copytruncate, five times each, during ingest', async (t) => {
  const dir = workdir(t)
  const loki = await startLokiDouble()
  t.teardown(() => loki.stop())
  const log = join(dir, 'app.log')
  const agent = await startAgentProcess(dir, agentYaml(dir, join(dir, 'app.log*'), loki))
  t.teardown(() => agent.kill())
  const { written, writeSome } = lineWriter(log)
  for (let rotation = 0; rotation < 10; rotation++) {
    for (let burst = 0; burst < 5; burst++) {
      writeSome(400)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    if (rotation % 2 === 0) {
      renameSync(log, `${log}.${rotation}`)
    } else {
      // Order across a copytruncate is kept for a file the agent follows; one copied and truncated before the
      // agent first saw it can have its copy found after the new content (README, "Copytruncate").
      await waitFor('the agent caught up with the file it will copy', async () => (await agent.metric('threadline_lines_read_total{source="app"}')) >= written())
      copyFileSync(log, `${log}.${rotation}`)
      truncateSync(log, 0)
    }
    writeSome(100)
  }
  await waitFor('all lines in the double', () => loki.lines().length >= written(), 60_000)
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(await agent.stop(), 0)
  assertExactlyOnce(t, loki, written())
})

t.test('Loki refusing connections mid-run: lines wait in the store, then all arrive once', async (t) => {
  const dir = workdir(t)
  const loki = await startLokiDouble()
  t.teardown(() => loki.stop())
  const log = join(dir, 'app.log')
  const agent = await startAgentProcess(dir, agentYaml(dir, log, loki))
  t.teardown(() => agent.kill())
  const { written, writeSome } = lineWriter(log)
  writeSome(2_000)
  await waitFor('first lines shipped', () => loki.lines().length >= 2_000)
  await loki.close()
  writeSome(5_000)
  await waitFor('a refused push to be counted', async () => (await agent.metric('threadline_loki_push_results_total{sink="loki",status="network"}')) > 0)
  t.ok((await agent.metric('threadline_queue_depth_lines{sink="loki"}')) > 0, 'the backlog shows as queue depth')
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  await loki.reopen()
  await waitFor('all lines in the double', () => loki.lines().length >= written(), 30_000)
  await waitFor('the queue to drain', async () => (await agent.metric('threadline_queue_depth_lines{sink="loki"}')) === 0)
  t.equal(await agent.stop(), 0)
  assertExactlyOnce(t, loki, written())
})
