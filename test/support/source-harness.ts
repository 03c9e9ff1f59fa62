/**
 * A SourceContext for tests: records every emitted batch, applies a batch's
 * checkpoints only once its emit resolves (as the store commits them in the
 * same transaction), and captures the pino log output.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import type { RawLine, SourceBatch, SourceContext } from '../../agent/core/types.js'
import { AgentMetrics } from '../../agent/metrics/internal.js'

export interface SourceHarnessOptions {
  id?: string
  /** Committed checkpoints to start from, e.g. a previous harness' `checkpoints`. */
  checkpoints?: Map<string, string>
  /** Runs before a batch commits; throw to make the emit fail, or delay to apply backpressure. */
  beforeCommit?: (batch: SourceBatch) => Promise<void> | void
}

export interface SourceHarness {
  ctx: SourceContext
  metrics: AgentMetrics
  /** Batches whose emit resolved, in order. */
  batches: SourceBatch[]
  /** Committed checkpoints by key. */
  checkpoints: Map<string, string>
  lines(): RawLine[]
  texts(): string[]
  /** Parsed pino records logged so far. */
  logs(): Array<Record<string, unknown>>
  /** The current value of a counter for the given labels (0 when never incremented). */
  counter(name: keyof AgentMetrics, labels: Record<string, string>): Promise<number>
  /** Polls until `predicate` holds; rejects with `what` after `timeoutMs`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>
  /** A temporary directory removed by `cleanup()`. */
  dir: string
  cleanup(): void
}

export function createSourceHarness(options: SourceHarnessOptions = {}): SourceHarness {
  const metrics = new AgentMetrics({ processMetrics: false })
  const checkpoints = options.checkpoints ?? new Map<string, string>()
  const batches: SourceBatch[] = []
  const logText: string[] = []
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        logText.push(String(chunk))
        done()
      },
    }),
  )
  const dir = mkdtempSync(join(tmpdir(), 'threadline-source-'))
  const ctx: SourceContext = {
    id: options.id ?? 'test',
    log,
    metrics,
    dataDir: dir,
    checkpoint: (key) => checkpoints.get(key),
    async emit(batch) {
      await options.beforeCommit?.(batch)
      batches.push(batch)
      for (const { key, value } of batch.checkpoints ?? []) checkpoints.set(key, value)
    },
  }
  return {
    ctx,
    metrics,
    batches,
    checkpoints,
    dir,
    lines: () => batches.flatMap((batch) => batch.lines),
    texts: () => batches.flatMap((batch) => batch.lines.map((line) => line.text)),
    logs: () =>
      logText
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async counter(name, labels) {
      const metric = metrics[name] as { get(): Promise<{ values: Array<{ value: number; labels: Record<string, string | number> }> }> }
      const { values } = await metric.get()
      const match = values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
      return match?.value ?? 0
    },
    async waitFor(predicate, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}
