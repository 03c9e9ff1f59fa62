/**
 * Log-derived metrics end to end: a generated log with known counts is tailed
 * by the real agent, a real Prometheus scrapes it every second, and the query
 * API returns exactly those counts.
 */
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAgentProcess, tailingAgentYaml, waitFor } from '../support/agent-process.js'
import { writeLogFile } from '../support/log-generator.js'
import { startPrometheus } from '../support/prometheus.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-e2e-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const LINES = 20_000
// Every line is older than the 30 s order timeout by the wall clock, so the
// unanswered submits time out as soon as the agent has caught up.
const counts = await writeLogFile(join(dir, 'app.log'), { lines: LINES, startMs: Date.now() - 120_000 - LINES, seed: 7 })

const agent = await startAgentProcess(
  dir,
  tailingAgentYaml({ dir, include: join(dir, 'app.log') }),
)
t.teardown(() => agent.kill())
const prometheus = await startPrometheus([`127.0.0.1:${agent.port}`])
t.teardown(() => prometheus.stop())

async function scalar(expr: string): Promise<number> {
  const result = await prometheus.query(expr)
  return result.length === 0 ? NaN : result[0]!.value
}

await waitFor('the agent to read every line', async () => (await agent.metric('threadline_lines_read_total{source="app"}')) === LINES, 60_000)
const expected: Record<string, number> = {
  'sum(log_messages_total)': counts.lines,
  'sum(intents_received_total)': counts.intents,
  'sum(order_started_total)': counts.submits,
  'sum(order_completed_total)': counts.responses,
  'sum(order_unanswered_total)': counts.unanswered,
  'sum(order_duration_seconds_count)': counts.responses,
  'sum(order_pending)': 0,
}
await waitFor(
  'Prometheus to scrape the final values',
  async () => {
    for (const [expr, value] of Object.entries(expected)) if ((await scalar(expr)) !== value) return false
    return true
  },
  60_000,
)

t.test('Prometheus holds exactly the generated counts', async (t) => {
  for (const [expr, value] of Object.entries(expected)) t.equal(await scalar(expr), value, expr)
  t.ok(counts.unanswered > 0 && counts.responses > 0, 'the generated log has both answered and unanswered submits')
})

t.test('log_messages_total by service and level matches the log', async (t) => {
  const series = await prometheus.query('sum by (service, level) (log_messages_total)')
  const seen = Object.fromEntries(series.map((s) => [`${s.labels.service}/${s.labels.level}`, s.value]))
  t.same(seen, counts.byServiceLevel)
  t.ok((counts.byServiceLevel['ai_engine/error'] ?? 0) > 0, 'errors are among them')
})

t.test('submit→response latency is on the lines own clock', async (t) => {
  // The generator answers every submit 40 ms later by the lines' timestamps.
  const mean = await scalar('sum(order_duration_seconds_sum) / sum(order_duration_seconds_count)')
  t.ok(Math.abs(mean - 0.04) < 1e-9, `mean submit→response time ${mean} s is 0.04 s`)
  t.equal(await scalar('sum(order_duration_seconds_bucket{le="0.05"})'), counts.responses)
})

t.test('promtool check metrics finds nothing to report on the agent /metrics', async (t) => {
  const text = await agent.metricsText()
  const checked = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
  t.equal(checked.status, 0, `promtool exit status (stderr: ${checked.stderr})`)
  t.equal(checked.stdout + checked.stderr, '', 'no lint findings')
  t.match(text, /^threadline_lines_read_total\{source="app"\} 20000$/m, 'the agent metrics are in the same exposition')
})
