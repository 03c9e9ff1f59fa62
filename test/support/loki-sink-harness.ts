/**
 * The loki sink wired to a Loki double and a memory feed, as its tests need
 * it: config through the real schema, logs captured as text, metrics read
 * back by name, and the exactly-once check every fault test ends with.
 */
import pino from 'pino'
import type { Test } from 'tap'
import type { z } from 'zod'
import type { LineFeed, StoredLine } from '../../agent/core/types.js'
import { AgentMetrics } from '../../agent/metrics/internal.js'
import { LokiSinkConfig, createLokiSink, resolveLokiSinkOptions, type LokiSink } from '../../agent/sinks/loki.js'
import { formatLabels } from '../../transports/loki/labels.js'
import { startLokiDouble, type LokiDouble, type LokiDoubleOptions } from './loki-double.js'
import { MemoryFeed } from './memory-feed.js'

export interface SinkRun<Feed extends LineFeed = MemoryFeed> {
  feed: Feed
  double: LokiDouble
  metrics: AgentMetrics
  /** Every log line the sink wrote, as JSON text. */
  logs: string[]
  sink: LokiSink
}

type ConfigInput = Omit<z.input<typeof LokiSinkConfig>, 'type' | 'endpoint'> & { endpoint?: string }

/** Starts a double and a sink pushing to it (fast retries unless `config` says otherwise); both stop at teardown. */
export async function startSinkRun<Feed extends LineFeed = MemoryFeed>(
  t: Test,
  { config = {}, double: doubleOptions = {}, env = {}, feed = new MemoryFeed() as unknown as Feed }: { config?: ConfigInput; double?: LokiDoubleOptions; env?: NodeJS.ProcessEnv; feed?: Feed } = {},
): Promise<SinkRun<Feed>> {
  const double = await startLokiDouble(doubleOptions)
  const logs: string[] = []
  const metrics = new AgentMetrics({ processMetrics: false })
  const parsed = LokiSinkConfig.parse({ type: 'loki', endpoint: double.url, retry: { min_backoff: '20ms', max_backoff: '200ms' }, batch: { max_wait: '50ms' }, ...config })
  const log = pino({ level: 'debug' }, { write: (text: string) => void logs.push(text) })
  const sink = createLokiSink(resolveLokiSinkOptions(parsed, env), { id: 'main', feed, metrics, log })
  t.teardown(async () => {
    await sink.stop(1000)
    await double.stop()
  })
  await sink.start()
  return { feed, double, metrics, logs, sink }
}

/** Appends `count` numbered lines spread over `streams` streams, stamped now. */
export function writeLines(feed: MemoryFeed, count: number, { streams = 3, prefix = 'line' } = {}): StoredLine[] {
  const now = Date.now()
  return feed.append(
    Array.from({ length: count }, (_, i) => ({
      tsMs: now,
      tsNanos: i % 1_000_000,
      labels: formatLabels({ service: `svc${i % streams}`, level: 'info' }),
      line: JSON.stringify({ msg: `${prefix} ${i}`, seq: i }),
    })),
  )
}

/** Polls `predicate` every 20 ms until it holds or `timeoutMs` passes. */
export async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return true
}

/** A metric's value for a label set (0 when never set); a histogram's `_count` or `_sum` by that name. */
export async function metricValue(metrics: AgentMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const family = metrics.registry.getSingleMetric(name) ?? metrics.registry.getSingleMetric(name.replace(/_(count|sum)$/, ''))
  if (!family) throw new Error(`no metric ${name}`)
  const { values } = await family.get()
  const match = values.find(
    (v) => ((v as { metricName?: string }).metricName ?? name) === name && Object.entries(labels).every(([k, value]) => v.labels[k] === value),
  )
  return match?.value ?? 0
}

/** The double holds exactly `expected`: every line once, each stream in store order. */
export function assertExactlyOnce(t: Test, double: LokiDouble, expected: readonly StoredLine[]): void {
  const byStream = (entries: { labels: string; line: string }[]) => {
    const streams = new Map<string, string[]>()
    for (const { labels, line } of entries) streams.set(labels, [...(streams.get(labels) ?? []), line])
    return Object.fromEntries([...streams].sort(([a], [b]) => (a < b ? -1 : 1)))
  }
  const received = double.entries()
  t.equal(received.length, expected.length, `the double holds exactly ${expected.length} lines`)
  t.equal(new Set(received.map((e) => `${e.labels}\n${e.line}`)).size, received.length, 'none twice')
  t.same(byStream(received), byStream([...expected]), 'each stream complete and in order')
}
