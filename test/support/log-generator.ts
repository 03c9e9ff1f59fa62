/**
 * Generates log lines in the SDK's shape with known counts, for benchmarks and
 * end-to-end tests: services, levels, and an order flow where each intent is
 * followed by a submit and (unless chosen unanswered) a response carrying the
 * same correlation id. Deterministic for a given seed.
 */
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'

export interface GeneratedCounts {
  lines: number
  byServiceLevel: Record<string, number>
  intents: number
  submits: number
  responses: number
  unanswered: number
}

export interface GeneratorOptions {
  lines: number
  /** Timestamp of the first line, ms; lines are 1 ms apart. */
  startMs?: number
  /** One submit in this many goes unanswered. */
  unansweredEvery?: number
  /** Delay between a submit and its response, ms. */
  responseDelayMs?: number
  seed?: number
}

const SERVICES = ['ai_engine', 'auto_executor', 'risk_guard'] as const
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same file. */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A version-4 UUID from the seeded PRNG: random ids, as the SDK's randomUUID() makes them, hit the store's index as production does. */
export function uuid(next: () => number): string {
  const hex = (digits: number) => Math.floor(next() * 16 ** digits).toString(16).padStart(digits, '0')
  const variant = (8 + Math.floor(next() * 4)).toString(16)
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(6)}${hex(6)}`
}

/** Yields lines one at a time and fills `counts` as it goes. */
export function* generateLines(options: GeneratorOptions, counts: GeneratedCounts = emptyCounts()): Generator<string> {
  const { lines, startMs = Date.now() - lines, unansweredEvery = 10, responseDelayMs = 40, seed = 1 } = options
  const next = random(seed)
  const pendingResponses: { atMs: number; id: string; order: string; symbol: string }[] = []
  let flows = 0
  const line = (tsMs: number, service: string, level: string, event: string, correlationId: string | null, msg: string, extra: string) => {
    counts.lines++
    const key = `${service}/${level}`
    counts.byServiceLevel[key] = (counts.byServiceLevel[key] ?? 0) + 1
    const correlation = correlationId ? `,"correlation_id":"${correlationId}"` : ''
    return `{"ts":"${new Date(tsMs).toISOString()}","level":"${level}","service":"${service}","event":"${event}"${correlation},"msg":"${msg}"${extra}}`
  }
  for (let i = 0; counts.lines < lines; i++) {
    const tsMs = startMs + i
    const due = pendingResponses[0]
    if (due && due.atMs <= tsMs) {
      pendingResponses.shift()
      counts.responses++
      yield line(tsMs, 'auto_executor', 'info', 'ORDER_RESPONSE', due.id, `Order filled: ${due.symbol}`, `,"order_id":"${due.order}","status":"FILLED"`)
      continue
    }
    const roll = next()
    if (roll < 0.1 && counts.lines + 3 < lines) {
      const id = uuid(next)
      flows++
      const symbol = SYMBOLS[flows % SYMBOLS.length]!
      counts.intents++
      yield line(tsMs, 'ai_engine', 'info', 'INTENT_RECEIVED', id, `Intent received: ${symbol}`, `,"symbol":"${symbol}","intent_id":"intent_${flows}","confidence":${roll.toFixed(3)}`)
      counts.submits++
      const order = `ord_${flows}`
      yield line(tsMs, 'auto_executor', 'info', 'ORDER_SUBMIT', id, `Order submit: ${symbol}`, `,"symbol":"${symbol}","order_id":"${order}","side":"BUY","qty":0.01,"price":42000.5`)
      if (flows % unansweredEvery === 0) counts.unanswered++
      else pendingResponses.push({ atMs: tsMs + responseDelayMs, id, order, symbol })
      continue
    }
    const service = SERVICES[Math.floor(next() * SERVICES.length)]!
    const level = roll > 0.97 ? 'error' : roll > 0.9 ? 'warn' : roll > 0.5 ? 'info' : 'debug'
    yield line(tsMs, service, level, 'LOG', null, `tick ${i}`, `,"seq":${i}`)
  }
  // Responses still due when the line budget ran out never get written: they are unanswered.
  counts.unanswered += pendingResponses.length
}

export function emptyCounts(): GeneratedCounts {
  return { lines: 0, byServiceLevel: {}, intents: 0, submits: 0, responses: 0, unanswered: 0 }
}

/** Writes generated lines to a file; returns the counts. */
export async function writeLogFile(path: string, options: GeneratorOptions): Promise<GeneratedCounts> {
  const counts = emptyCounts()
  const out = createWriteStream(path)
  let chunk = ''
  for (const text of generateLines(options, counts)) {
    chunk += text + '\n'
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.end(chunk)
  await once(out, 'finish')
  return counts
}
