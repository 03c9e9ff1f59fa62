/**
 * The log-derived metrics engine's cost per line with the built-in rules on
 * (log_messages_total, the order pair, intents_received_total), as the
 * pipeline drives it: observe() then takeStateDelta() per batch. Compared with
 * JSON.parse of the same line, the one thing the agent does to every line
 * anyway. Then what persisting the pair state costs on top: each batch's
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
import { createTransform } from '../agent/transforms/index.js'
import { generateLines } from '../test/support/log-generator.js'
import { bestNsPerLine } from './measure.js'
import type { BenchResult } from './result.js'

const LINES = 500_000
/** Lines a 128 KiB read of this traffic (151 bytes a line) hands the pipeline. */
const BATCH = 868
const ROUNDS = 5
/**
 * The agent benchmark's traffic (test/support/log-generator.ts: one order in
 * twelve lines, answered 40 ms later or never) through the agent's own
 * transform chain, so the labels are the shared frozen sets the engine sees
 * in the agent. A synthetic mix with one order in fifty lines put the engine
 * at 73 ns a line where this traffic cost the same build 353–404 (2026-12-04).
 * The lines end when they are read, as in the agent benchmark's file: lines
 * written after their read time are a service running ahead, judged by a
 * clock of its own (agent/metrics/rules/line-clocks.ts), which the agent
 * benchmark never exercises.
 */
function generateEvents(count: number, t0: number): LogEvent[] {
  const transform = createTransform(TransformsConfig.parse({}), { metrics: new AgentMetrics() })
  const events: LogEvent[] = []
  for (const text of generateLines({ lines: count, startMs: t0 - count })) {
    const event = transform({ text, readAtMs: t0 }, 'bench')
    if (event !== null) events.push(event)
  }
  return events
}

export async function run(): Promise<BenchResult[]> {
  const events = generateEvents(LINES, Date.now())
  const config = MetricsConfig.parse({})
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
      name: 'pair state persisted (defaults on) / JSON.parse of the line',
      ratio: persist.netNs / parseNs,
      target: 'for information',
      met: true,
      details: `${persist.netNs.toFixed(0)} ns/line, ${persist.nsPerChange.toFixed(0)} ns a change (${persist.changes.toLocaleString('en')} changes), net of an empty transaction a batch (${persist.emptyNs.toFixed(0)} ns/line)`,
    },
  ]
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
