/**
 * The transform chain's cost per line against JSON.parse alone over the same
 * generated pino-style lines. The agent must move at least a quarter of
 * JSON.parse-only throughput end to end, so the chain should add little on top
 * of its one parse per line. For information: the end-to-end target lives with
 * the pipeline benchmark.
 */
import { AgentMetrics } from '../agent/metrics/internal.js'
import type { RawLine } from '../agent/core/types.js'
import { TransformsConfig } from '../agent/transforms/config.js'
import { createTransform } from '../agent/transforms/index.js'
import { bestNsPerLine } from './measure.js'
import type { BenchResult } from './result.js'

const LINES = 20_000
const ROUNDS = 10
const EVENTS = ['LOG', 'ORDER_PLACED', 'ORDER_PAID', 'PAYMENT_FAILED', 'STOCK_RESERVED', 'HTTP_REQUEST', 'HTTP_RESPONSE', 'RETRY']
const SERVICES = ['orders', 'payments', 'inventory']
const LEVELS = [20, 30, 30, 30, 40, 50]

/** Short pino lines as the SDK writes them, each with its own correlation id and order id. */
function generateLines(count: number, nowMs: number): string[] {
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    lines.push(
      JSON.stringify({
        level: LEVELS[i % LEVELS.length],
        time: nowMs - count + i,
        pid: 4242,
        hostname: 'bench',
        service: SERVICES[i % SERVICES.length],
        event: EVENTS[i % EVENTS.length],
        correlation_id: `c0ffee-${i.toString(16).padStart(8, '0')}`,
        order_id: `ord_${i}`,
        msg: 'order state changed',
      }),
    )
  }
  return lines
}

/** Access-log lines, which take the unparsed path (two counters per line instead of a parse). */
function generatePlainLines(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.0.0.${i % 256} - - [01/Jun/2024:12:00:00 +0000] "GET /orders/${i} HTTP/1.1" 200 512`)
}

/** Runs the benchmark: one result, met by definition (for information). */
export async function run(): Promise<BenchResult[]> {
  const nowMs = Date.now()
  const texts = generateLines(LINES, nowMs)
  const raws: RawLine[] = texts.map((text) => ({ text, readAtMs: nowMs }))
  const plainRaws: RawLine[] = generatePlainLines(LINES).map((text) => ({ text, readAtMs: nowMs }))
  const transform = createTransform(TransformsConfig.parse({}), { metrics: new AgentMetrics({ processMetrics: false }) })

  const transformAll = (lines: RawLine[]) => {
    let kept = 0
    for (const raw of lines) if (transform(raw, 'bench') !== null) kept++
    return kept
  }
  const [parseNs, transformNs, plainNs] = bestNsPerLine(LINES, ROUNDS, [
    () => {
      let kept = 0
      for (const text of texts) if (JSON.parse(text) !== null) kept++
      return kept
    },
    () => transformAll(raws),
    () => transformAll(plainRaws),
  ]) as [number, number, number]
  const perSecond = (ns: number) => Math.round(1e9 / ns).toLocaleString('en')
  return [
    {
      name: 'transforms: cost per line / JSON.parse cost per line',
      ratio: transformNs / parseNs,
      target: 'for information',
      met: true,
      details: `transform ${transformNs.toFixed(0)} ns/line (${perSecond(transformNs)} lines/s), JSON.parse ${parseNs.toFixed(0)} ns/line (${perSecond(parseNs)} lines/s); plain-text lines ${plainNs.toFixed(0)} ns/line (${perSecond(plainNs)} lines/s); ${LINES} lines × ${ROUNDS} rounds`,
    },
  ]
}
