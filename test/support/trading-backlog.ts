/**
 * A trading system's backlog as a new user drops it into a tailed directory:
 * ai_engine intents, risk_gate checks, auto_executor submits and responses,
 * heartbeats, and about 0.5 % lines that are not JSON (Python tracebacks, a
 * write cut short). Timestamps span `spanMs` ending at `endAtMs`; submits stop
 * `quietTailMs` before the end, so every unanswered one has timed out on the
 * lines' own clock by the last line. Services in `aheadMs` write timestamps
 * that far ahead of the true time (a clock running ahead). Deterministic for
 * a given seed; the counts say what a correct agent must report.
 */
import { random, uuid } from './log-generator.js'

export interface TradingBacklogOptions {
  lines?: number
  spanMs?: number
  endAtMs?: number
  quietTailMs?: number
  /** Service → how far ahead its clock runs, ms. */
  aheadMs?: Readonly<Record<string, number>>
  seed?: number
}

export interface TradingBacklog {
  lines: string[]
  submits: number
  answered: number
  neverAnswered: number
  nonJson: number
}

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT']
const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/app/risk_gate/check.py", line 88, in evaluate',
  '    limit = self.limits[intent["symbol"]]',
  "KeyError: 'DOGEUSDT'",
]

export function tradingBacklog(options: TradingBacklogOptions = {}): TradingBacklog {
  const { lines: total = 100_000, spanMs = 80_000, endAtMs = Date.now(), quietTailMs = 31_000, aheadMs = {}, seed = 7 } = options
  const next = random(seed)
  const startMs = endAtMs - spanMs
  const stepMs = spanMs / total
  // Lines are written in true time order; the ones due later wait here (responses).
  const due: { atMs: number; text: (tsMs: number) => string }[] = []
  const out: string[] = []
  const counts = { submits: 0, answered: 0, neverAnswered: 0, nonJson: 0 }
  const json = (service: string, tsMs: number, level: string, event: string, fields: string, msg: string) =>
    `{"ts":"${new Date(tsMs + (aheadMs[service] ?? 0)).toISOString()}","level":"${level}","service":"${service}","event":"${event}"${fields},"msg":"${msg}"}`

  for (let i = 0; out.length < total; i++) {
    const nowMs = startMs + out.length * stepMs
    while (due.length > 0 && due[0]!.atMs <= nowMs && out.length < total) out.push(due.shift()!.text(nowMs))
    if (out.length >= total) break
    const roll = next()
    if (roll < 0.0012 && out.length + TRACEBACK.length < total) {
      out.push(...TRACEBACK)
      counts.nonJson += TRACEBACK.length
    } else if (roll < 0.0022) {
      out.push(json('auto_executor', nowMs, 'info', 'HEARTBEAT', '', 'alive').slice(0, 37))
      counts.nonJson++
    } else if (roll < 0.18 && nowMs < endAtMs - quietTailMs && out.length + 3 < total) {
      const id = uuid(next)
      const symbol = SYMBOLS[Math.floor(next() * SYMBOLS.length)]!
      const order = `ord_${counts.submits}`
      out.push(json('ai_engine', nowMs, 'info', 'INTENT_RECEIVED', `,"correlation_id":"${id}","symbol":"${symbol}","confidence":0.8`, `Intent received: ${symbol}`))
      out.push(json('risk_gate', nowMs, 'info', 'RISK_CHECK', `,"correlation_id":"${id}","symbol":"${symbol}","passed":true`, 'risk ok'))
      out.push(json('auto_executor', nowMs, 'info', 'ORDER_SUBMIT', `,"correlation_id":"${id}","symbol":"${symbol}","order_id":"${order}","side":"BUY","qty":0.01`, `Order submit: ${symbol}`))
      counts.submits++
      if (next() < 0.03) {
        counts.neverAnswered++
        continue
      }
      const latencyMs = 20 + next() * 380
      due.push({
        atMs: nowMs + latencyMs,
        text: (tsMs) => json('auto_executor', tsMs, 'info', 'ORDER_RESPONSE', `,"correlation_id":"${id}","order_id":"${order}","status":"FILLED"`, 'Order filled'),
      })
      due.sort((a, b) => a.atMs - b.atMs)
    } else {
      const service = next() < 0.5 ? 'ai_engine' : next() < 0.5 ? 'risk_gate' : 'auto_executor'
      const level = roll > 0.985 ? 'error' : roll > 0.95 ? 'warn' : 'info'
      out.push(json(service, nowMs, level, 'HEARTBEAT', `,"seq":${i}`, 'tick'))
    }
  }
  // Responses the line budget cut off count as never answered, like the submit they answer.
  counts.neverAnswered += due.length
  counts.answered = counts.submits - counts.neverAnswered
  return { lines: out, ...counts }
}
