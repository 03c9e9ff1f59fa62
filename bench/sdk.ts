/**
 * SDK line cost: a Threadline log call inside a correlation context, and
 * pino with a cls-rtracer-style `mixin`, each divided by a bare pino call.
 *
 * All three write to the same destination, an in-memory stream that discards
 * (so the ratio is the logging CPU cost, not disk speed), with equivalent
 * options: same level, `ts` timestamp, `service` base, level label and
 * message key. Variants alternate in slices of 20k lines over several rounds
 * (after a warm-up round); each slice yields a ratio of neighbouring
 * measurements and the median ratio is reported: on a shared two-core machine
 * the absolute ns/line swings by 2x within seconds, a neighbour's ratio less.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { createLogger, newCorrelationId, withCorrelation } from '../sdk/index.js'
import { median } from './measure.js'
import type { BenchResult } from './result.js'

/** Each round logs 200k lines per variant, in slices alternating between variants. */
const LINES_PER_SLICE = 20_000
const SLICES_PER_ROUND = 10
const ROUNDS = 7
const TARGET = 1.15

const discard: pino.DestinationStream = { write: () => {} }
const bareOptions: pino.LoggerOptions = {
  level: 'info',
  base: { service: 'auto_executor' },
  messageKey: 'msg',
  timestamp: () => ',"ts":"' + new Date().toISOString() + '"',
  formatters: { level: (label) => ({ level: label }) },
}

type Variant = { name: string; logLines: (count: number) => void }

function variants(): Variant[] {
  const bare = pino(bareOptions, discard)
  const threadline = createLogger({ service: 'auto_executor', level: 'info', destination: discard })
  // cls-rtracer keeps the request id in its own AsyncLocalStorage and users
  // add it to every line with `mixin: () => ({ requestId: rTracer.id() })`.
  const tracer = new AsyncLocalStorage<string>()
  const withMixin = pino({ ...bareOptions, mixin: () => ({ correlation_id: tracer.getStore() }) }, discard)
  const fields = { symbol: 'BTCUSDT', intent_id: 'intent_123', confidence: 0.82 }
  const msg = 'Intent received: BTCUSDT'
  return [
    {
      name: 'bare pino',
      logLines: (count) => {
        for (let i = 0; i < count; i++) bare.info(fields, msg)
      },
    },
    {
      name: 'threadline',
      logLines: (count) =>
        withCorrelation(newCorrelationId(), () => {
          for (let i = 0; i < count; i++) threadline.info(fields, msg)
        }),
    },
    {
      name: 'pino + mixin',
      logLines: (count) =>
        tracer.run(newCorrelationId(), () => {
          for (let i = 0; i < count; i++) withMixin.info(fields, msg)
        }),
    },
  ]
}

/** Measures the three variants in one run and reports both ratios. */
export async function run(): Promise<BenchResult[]> {
  const all = variants()
  const samples = new Map<string, number[]>(all.map((v) => [v.name, []]))
  for (let round = 0; round <= ROUNDS; round++) {
    for (let slice = 0; slice < SLICES_PER_ROUND; slice++) {
      // Rotate the order so no variant always runs first (right after a GC, say).
      for (let k = 0; k < all.length; k++) {
        const variant = all[(slice + k) % all.length]!
        const start = performance.now()
        variant.logLines(LINES_PER_SLICE)
        const ns = ((performance.now() - start) * 1e6) / LINES_PER_SLICE
        if (round > 0) samples.get(variant.name)!.push(ns)
      }
    }
    await new Promise((resolve) => setImmediate(resolve))
  }
  const [bare, threadline, mixin] = all.map((v) => samples.get(v.name)!) as [number[], number[], number[]]
  const threadlineRatio = median(threadline.map((ns, i) => ns / bare[i]!))
  const mixinRatio = median(mixin.map((ns, i) => ns / bare[i]!))
  const figures =
    `median ns/line: bare ${median(bare).toFixed(0)}, threadline ${median(threadline).toFixed(0)}, ` +
    `mixin ${median(mixin).toFixed(0)} (${ROUNDS} rounds x ${LINES_PER_SLICE * SLICES_PER_ROUND} lines per variant)`
  return [
    {
      name: 'SDK line cost / bare pino line cost',
      ratio: threadlineRatio,
      target: `<= ${TARGET}`,
      met: threadlineRatio <= TARGET,
      details: figures,
    },
    {
      name: 'pino + cls-rtracer-style mixin / bare pino line cost',
      ratio: mixinRatio,
      target: 'for comparison',
      met: true,
      details: figures,
    },
  ]
}
