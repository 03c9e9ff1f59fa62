/**
 * Backlogs tell the truth: a trading log dropped into a tailed directory, read
 * from the beginning in one go, gives exactly the pair counts its lines hold,
 * with non-JSON lines scattered through it (stamped with the read time, which
 * must not move the line clock), with one service's clock running 5 minutes
 * ahead, and across a restart in the middle.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t, { type Test } from 'tap'
import type { LogEvent } from '../../../agent/core/types.js'
import { AgentMetrics } from '../../../agent/metrics/internal.js'
import { PairStateStore } from '../../../agent/metrics/pair-state.js'
import { MetricsConfig } from '../../../agent/metrics/rules/config.js'
import { createMetricsEngine, type MetricsEngine } from '../../../agent/metrics/rules/engine.js'
import { TransformsConfig } from '../../../agent/transforms/config.js'
import { createTransform } from '../../../agent/transforms/index.js'
import { startAgentProcess, tailingAgentYaml, waitFor } from '../../support/agent-process.js'
import { tradingBacklog, type TradingBacklog } from '../../support/trading-backlog.js'
import { sample } from './fixtures/events.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-backlog-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

/** Sum of the samples of `name` whose labels include `labels`, from exposition text. */
function sum(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const has = Object.entries(labels).every(([key, value]) => match[2]?.includes(`${key}="${value}"`))
    if (has) total += Number(match[3])
  }
  return total
}

async function agentCounts(t: Test, name: string, backlog: TradingBacklog) {
  const caseDir = join(dir, name)
  const log = join(caseDir, 'trading.log')
  mkdirSync(caseDir, { recursive: true })
  writeFileSync(log, backlog.lines.join('\n') + '\n')
  const agent = await startAgentProcess(caseDir, tailingAgentYaml({ dir: caseDir, include: log }))
  t.teardown(() => agent.kill())
  await waitFor(
    'the whole backlog read and every submit settled',
    async () => {
      const text = await agent.metricsText()
      return sum(text, 'threadline_lines_read_total') === backlog.lines.length && sum(text, 'order_pending') === 0
    },
    60_000,
  )
  const text = await agent.metricsText()
  t.equal(await agent.stop(), 0)
  return {
    started: sum(text, 'order_started_total'),
    completed: sum(text, 'order_completed_total'),
    unanswered: sum(text, 'order_unanswered_total', { reason: 'timeout' }),
    evicted: sum(text, 'order_unanswered_total', { reason: 'evicted' }),
    late: sum(text, 'order_late_total'),
    orphans: sum(text, 'order_orphan_ends_total'),
    unparsed: sum(text, 'threadline_lines_unparsed_total'),
  }
}

t.test('a 100,000-line backlog with non-JSON lines scattered through it: every count exact', async (t) => {
  const backlog = tradingBacklog()
  t.ok(backlog.nonJson > 300 && backlog.nonJson < 800, `about 0.5 % non-JSON lines (${backlog.nonJson})`)
  t.ok(backlog.neverAnswered > 100, `some submits are never answered (${backlog.neverAnswered} of ${backlog.submits})`)
  const counts = await agentCounts(t, 'tracebacks', backlog)
  t.same(counts, {
    started: backlog.submits,
    completed: backlog.answered,
    unanswered: backlog.neverAnswered,
    evicted: 0,
    late: 0,
    orphans: 0,
    unparsed: backlog.nonJson,
  })
})

t.test("a service whose clock runs 5 minutes ahead does not time out another service's pairs", async (t) => {
  const backlog = tradingBacklog({ aheadMs: { ai_engine: 5 * 60_000 }, seed: 11 })
  const counts = await agentCounts(t, 'ahead', backlog)
  t.same(
    { completed: counts.completed, unanswered: counts.unanswered, late: counts.late, orphans: counts.orphans },
    { completed: backlog.answered, unanswered: backlog.neverAnswered, late: 0, orphans: 0 },
  )
})

/** The agent's transform chain and metrics engine over a backlog, in source-sized batches, as one read pass does it. */
function observeBacklog(engine: MetricsEngine, lines: readonly string[], afterBatch: (events: LogEvent[]) => void = () => {}) {
  const transform = createTransform(TransformsConfig.parse({}), { metrics: new AgentMetrics() })
  for (let from = 0; from < lines.length; from += 1_000) {
    const readAtMs = Date.now()
    const events = lines
      .slice(from, from + 1_000)
      .map((text) => transform({ text, readAtMs }, 'app'))
      .filter((event): event is LogEvent => event !== null)
    engine.observe(events)
    afterBatch(events)
  }
}

async function engineCounts(engine: MetricsEngine) {
  const count = async (name: string, labels: Record<string, string> = {}) => (await sample(engine.registry, `order_${name}`, labels)) ?? 0
  return {
    completed: await count('completed_total'),
    unanswered: await count('unanswered_total', { reason: 'timeout' }),
    late: await count('late_total'),
    pending: await count('pending'),
  }
}

t.test('a service running ahead has its own pairs judged by its own clock', async (t) => {
  const backlog = tradingBacklog({ lines: 40_000, aheadMs: { auto_executor: 4 * 60_000 }, seed: 3 })
  const engine = createMetricsEngine(MetricsConfig.parse({}))
  observeBacklog(engine, backlog.lines)
  t.same(await engineCounts(engine), { completed: backlog.answered, unanswered: backlog.neverAnswered, late: 0, pending: 0 })
})

t.test('a restart in the middle of a backlog: pending pairs are restored and counted once, exactly', async (t) => {
  const backlog = tradingBacklog({ lines: 60_000, seed: 5 })
  const db = new Database(join(dir, 'restart.db'))
  t.teardown(() => db.close())
  const state = new PairStateStore(db)
  const config = MetricsConfig.parse({})
  const half = 30_000
  const first = createMetricsEngine(config)
  observeBacklog(first, backlog.lines.slice(0, half), () => db.transaction(() => state.apply(first.takeStateDelta()))())
  const before = await engineCounts(first)
  t.ok(before.pending > 0, `submits are pending at the restart (${before.pending})`)

  const second = createMetricsEngine(config)
  second.restore(state.load(), state.newestSeq())
  observeBacklog(second, backlog.lines.slice(half))
  const after = await engineCounts(second)
  t.equal(before.completed + after.completed, backlog.answered, 'completed = answered')
  t.equal(before.unanswered + after.unanswered, backlog.neverAnswered, 'unanswered = never answered')
  t.equal(before.late + after.late, 0, 'nothing late')
  t.equal(after.pending, 0)
})
