/**
 * The log-derived metrics engine's cost per line with the built-in rules on
 * (log_messages_total, the order pair, intents_received_total), as the
 * pipeline drives it: observe() then takeStateDelta() per batch. Compared with
 * JSON.parse of the same line, the one thing the agent does to every line
 * anyway. Then the same in the pipeline's rhythm, each batch transformed
 * just before it is observed, with the defaults and with no rules (metrics
 * off), and what a cold engine's first batches cost. Then what persisting the
 * pair state costs on top: each batch's
 * delta written into a real store, in a transaction of its own, net of an
 * empty transaction. For information: the end-to-end target (CPU per line
 * with metrics on ÷ off ≤ 1.10) lives with the agent benchmark.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LogEvent } from '../agent/core/types.js'
import { AgentMetrics } from '../agent/metrics/internal.js'
import { changesOfRow } from '../agent/metrics/pair-rows.js'
import { PairStateStore } from '../agent/metrics/pair-state.js'
import { MetricsConfig } from '../agent/metrics/rules/config.js'
import { createMetricsEngine } from '../agent/metrics/rules/engine.js'
import type { PairStateDelta } from '../agent/metrics/rules/pair-journal.js'
import { Store } from '../agent/store/store.js'
import { TransformsConfig } from '../agent/transforms/config.js'
import { createTransform, type Transform } from '../agent/transforms/index.js'
import { generateLines } from '../test/support/log-generator.js'
import { bestNsPerLine, median } from './measure.js'
import type { BenchResult } from './result.js'

const LINES = 500_000
/** Lines a 128 KiB read of this traffic (151 bytes a line) hands the pipeline. */
const BATCH = 868
const ROUNDS = 5
/**
 * The agent benchmark's traffic (test/support/log-generator.ts: one order in
 * twelve lines, answered 40 ms later or never). A synthetic mix with one order
 * in fifty lines put the engine at 73 ns a line where this traffic cost the
 * same build 353–404 (2026-12-04). The lines end when they are read (`t0`), as
 * in the agent benchmark's file: lines written after their read time are a
 * service running ahead, judged by a clock of its own
 * (agent/metrics/rules/line-clocks.ts), which the agent benchmark never
 * exercises.
 */
function agentTraffic(t0: number): string[] {
  return [...generateLines({ lines: LINES, startMs: t0 - LINES })]
}

/** The agent's own transform chain, so the labels are the shared frozen sets the engine sees in the agent. */
function agentTransform(): Transform {
  return createTransform(TransformsConfig.parse({}), { metrics: new AgentMetrics() })
}

function transformAll(texts: readonly string[], t0: number, transform: Transform): LogEvent[] {
  const events: LogEvent[] = []
  for (const text of texts) {
    const event = transform({ text, readAtMs: t0 }, 'bench')
    if (event !== null) events.push(event)
  }
  return events
}

/** The batches of the agent's first 83,000 lines or so, where the engine's code is still warming up. */
const WARM_UP_BATCHES = 96

/**
 * The engine as the pipeline drives it: each batch transformed just before it
 * is observed, so between batches parsing pushes the engine's own state
 * (pending starts, the journal's row, the remembered keys) out of the cache
 * and fills the young generation the engine allocates in, as in the agent.
 * Run over events made in one go the same engine costs about two thirds as
 * much a line (2026-12-06: 95 against 146 ns). Times observe() and
 * takeStateDelta() only, a fresh engine a pass: ns a line over the first
 * WARM_UP_BATCHES, and over the rest.
 */
function inPipelineRhythm(texts: readonly string[], t0: number, config: MetricsConfig): { warmUpNs: number; steadyNs: number } {
  const transform = agentTransform()
  const engine = createMetricsEngine(config)
  const ns = [0, 0]
  const lines = [0, 0]
  for (let i = 0, batch = 0; i < texts.length; i += BATCH, batch++) {
    const events = transformAll(texts.slice(i, i + BATCH), t0, transform)
    const started = process.hrtime.bigint()
    engine.observe(events)
    engine.takeStateDelta()
    const phase = batch < WARM_UP_BATCHES ? 0 : 1
    ns[phase]! += Number(process.hrtime.bigint() - started)
    lines[phase]! += events.length
  }
  return { warmUpNs: ns[0]! / lines[0]!, steadyNs: ns[1]! / lines[1]! }
}

export async function run(): Promise<BenchResult[]> {
  const t0 = Date.now()
  const texts = agentTraffic(t0)
  const config = MetricsConfig.parse({})
  const rhythm = pipelineRhythm(texts, t0, config)
  const events = transformAll(texts, t0, agentTransform())
  const [touchNs, parseNs, observeNs] = bestNsPerLine(LINES, ROUNDS, [
    () => {
      let touched = 0
      for (const event of events) touched += event.tsMs & 1
      return touched
    },
    () => {
      let parsed = 0
      for (const event of events) if (JSON.parse(event.line) !== null) parsed++
      return parsed
    },
    () => {
      const engine = createMetricsEngine(config)
      let written = 0
      for (let i = 0; i < events.length; i += BATCH) {
        engine.observe(events.slice(i, i + BATCH))
        written += engine.takeStateDelta().newestSeq
      }
      return written
    },
  ]) as [number, number, number]
  const netNs = Math.max(0, observeNs - touchNs)
  const persist = persistNsPerLine(events, config)
  return [
    {
      name: 'metrics engine cost per line (defaults on) / JSON.parse of the line',
      ratio: netNs / parseNs,
      target: 'for information',
      met: true,
      details: `observe ${netNs.toFixed(0)} ns/line net of a ${touchNs.toFixed(1)} ns/line touch loop; JSON.parse ${parseNs.toFixed(0)} ns/line; ${LINES.toLocaleString('en')} lines in batches of ${BATCH}`,
    },
    {
      name: "metrics engine cost per line in the pipeline's rhythm, past its warm-up (defaults on) / JSON.parse of the line",
      ratio: rhythm.onNs / parseNs,
      target: 'for information',
      met: true,
      details: `defaults ${rhythm.onNs.toFixed(0)} ns/line, no rules (metrics off) ${rhythm.offNs.toFixed(0)} ns/line (medians of ${ROUNDS} passes, the lines after the first ${WARM_UP_BATCHES} batches); a cold engine's first ${WARM_UP_BATCHES} batches ${rhythm.coldNs.toFixed(0)} ns/line`,
    },
    {
      name: 'pair state persisted (defaults on) / JSON.parse of the line',
      ratio: persist.netNs / parseNs,
      target: 'for information',
      met: true,
      details: `${persist.netNs.toFixed(0)} ns/line, ${persist.nsPerChange.toFixed(0)} ns a change (${persist.changes.toLocaleString('en')} changes), net of an empty transaction a batch (${persist.emptyNs.toFixed(0)} ns/line)`,
    },
  ]
}

/**
 * {@link inPipelineRhythm} with the defaults and with no rules, alternating,
 * after a first pass in which the engine's code is cold, as in a fresh agent.
 */
function pipelineRhythm(texts: readonly string[], t0: number, config: MetricsConfig): { coldNs: number; onNs: number; offNs: number } {
  const cold = inPipelineRhythm(texts, t0, config)
  const noRules = MetricsConfig.parse({ defaults: false })
  const on: number[] = []
  const off: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    on.push(inPipelineRhythm(texts, t0, config).steadyNs)
    off.push(inPipelineRhythm(texts, t0, noRules).steadyNs)
  }
  return { coldNs: cold.warmUpNs, onNs: median(on), offNs: median(off) }
}

/** Each batch's pair-state delta applied in a transaction of its own, as the agent commits it with the batch: ns per line and per change. */
function persistNsPerLine(events: readonly LogEvent[], config: MetricsConfig): { netNs: number; emptyNs: number; nsPerChange: number; changes: number } {
  const engine = createMetricsEngine(config)
  const deltas: PairStateDelta[] = []
  for (let i = 0; i < events.length; i += BATCH) {
    engine.observe(events.slice(i, i + BATCH))
    deltas.push(engine.takeStateDelta())
  }
  const changes = deltas.reduce((sum, delta) => sum + (delta.row === undefined ? 0 : [...changesOfRow(delta.row)].length), 0)
  const dir = mkdtempSync(join(tmpdir(), 'threadline-bench-pairs-'))
  // A fresh store a pass: the log is keyed by sequence number, so a delta is written once per store.
  const stores = Array.from({ length: 2 * (ROUNDS + 1) }, (_, i) => new Store(join(dir, `${i}.db`)))
  let next = 0
  try {
    const [appliedNs, emptyNs] = bestNsPerLine(events.length, ROUNDS, [
      () => {
        const store = stores[next++]!
        const pairs = new PairStateStore(store.db)
        for (const delta of deltas) store.db.transaction(() => pairs.apply(delta))()
        return deltas.length
      },
      () => {
        const store = stores[next++]!
        for (let i = 0; i < deltas.length; i++) store.db.transaction(() => undefined)()
        return deltas.length
      },
    ]) as [number, number]
    const netNs = Math.max(0, appliedNs - emptyNs)
    return { netNs, emptyNs, nsPerChange: (netNs * events.length) / changes, changes }
  } finally {
    for (const store of stores) store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
