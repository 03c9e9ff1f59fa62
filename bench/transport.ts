/**
 * threadline/loki versus pino-loki, same lines, same Loki double (its own
 * process), each transport in a logging process of its own:
 * - lines/s: a 100,000-line burst, from the first log call to the double
 *   holding every line (the double's push limit raised to 64 MiB for this
 *   run: pino-loki sends a whole interval's lines as one push, which a
 *   default Loki's 4 MiB gRPC limit refuses);
 * - lines lost: 1,800 lines/s for 12 s with the double refusing connections
 *   for the first 10 s (default limits), counted once delivery settled.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { startLokiDoubleProcess, type LokiDoubleProcess } from './agent.js'
import type { BenchResult } from './result.js'

const PRODUCER = fileURLToPath(new URL('./transport-producer.js', import.meta.url))
const BURST = Number(process.env.BENCH_TRANSPORT_LINES ?? 100_000)
const PACED_RATE = 1800
const PACED_SECONDS = 12
const OUTAGE_MS = 10_000
/** Delivery counts as settled once the count stood still this long after the producer exited. */
const SETTLE_MS = 3000

type Kind = 'threadline' | 'pino-loki'

/** Runs a producer; resolves to the delivered count and the ms from its first log call to the last line arriving. */
async function produce(loki: LokiDoubleProcess, kind: Kind, env: Record<string, string>, duringRun?: () => Promise<void>): Promise<{ delivered: number; ms: number }> {
  const before = await loki.count()
  const child = spawn(process.execPath, [PRODUCER, kind, loki.url], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  let startedAt = 0
  child.stdout!.on('data', (chunk: Buffer) => {
    const match = /start (\d+)/.exec(String(chunk))
    if (match) startedAt = Number(match[1])
  })
  const exited = once(child, 'exit')
  let done = false
  void exited.then(() => (done = true))
  const during = duringRun?.()
  const expected = Number(env.LINES)
  let last = before
  let lastChangeAt = Date.now()
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    const count = await loki.count()
    if (count !== last) [last, lastChangeAt] = [count, Date.now()]
    if (count - before >= expected || (done && Date.now() - lastChangeAt > SETTLE_MS)) break
  }
  await during
  await exited
  return { delivered: last - before, ms: lastChangeAt - startedAt }
}

async function burst(kind: Kind): Promise<{ rate: number; delivered: number }> {
  const loki = await startLokiDoubleProcess({ LOKI_DOUBLE_MAX_BODY_BYTES: String(64 * 1024 * 1024) })
  try {
    const { delivered, ms } = await produce(loki, kind, { LINES: String(BURST), RATE: '0' })
    return { rate: (delivered / ms) * 1000, delivered }
  } finally {
    await loki.stop()
  }
}

async function outage(kind: Kind): Promise<{ sent: number; lost: number }> {
  const loki = await startLokiDoubleProcess()
  try {
    await loki.refuse(true)
    const sent = PACED_RATE * PACED_SECONDS
    const { delivered } = await produce(loki, kind, { LINES: String(sent), RATE: String(PACED_RATE) }, async () => {
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS))
      await loki.refuse(false)
    })
    return { sent, lost: sent - delivered }
  } finally {
    await loki.stop()
  }
}

export async function run(): Promise<BenchResult[]> {
  const ours = await burst('threadline')
  const theirs = await burst('pino-loki')
  const oursOutage = await outage('threadline')
  const theirsOutage = await outage('pino-loki')
  const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')} lines/s`
  return [
    {
      name: `threadline/loki lines/s ÷ pino-loki lines/s (${BURST.toLocaleString('en-US')}-line burst → Loki double, each in its own process)`,
      ratio: ours.rate / theirs.rate,
      target: '>= 2',
      met: ours.rate / theirs.rate >= 2,
      details: `${rate(ours.rate)} (${ours.delivered} delivered) vs ${rate(theirs.rate)} (${theirs.delivered} delivered)`,
    },
    {
      name: `threadline/loki lines lost, ${PACED_RATE} lines/s for ${PACED_SECONDS} s, Loki refusing connections the first ${OUTAGE_MS / 1000} s`,
      ratio: oursOutage.lost,
      target: '0',
      met: oursOutage.lost === 0,
      details: `${oursOutage.lost} of ${oursOutage.sent}; pino-loki lost ${theirsOutage.lost} of ${theirsOutage.sent}`,
    },
  ]
}
