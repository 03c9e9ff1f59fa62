/**
 * The three-service scenario the trace tests share: ai_engine and
 * auto_executor log lines and two Redis streams' entries for several
 * requests whose events interleave in time, written into a real store, a
 * Loki double (through the one push stack) and a real Redis. Times are
 * relative to the start of the test, never absolute.
 */
import type { Redis } from 'ioredis'
import type { LogEvent } from '../../agent/core/types.js'
import type { Store } from '../../agent/store/store.js'
import { createLokiClient, formatLabels, type LokiStream } from '../../transports/loki/index.js'

export interface ScenarioLine {
  correlationId: string
  service: 'ai_engine' | 'auto_executor'
  level: string
  event: string
  tsMs: number
  line: string
}

export interface ScenarioEntry {
  correlationId: string
  stream: string
  tsMs: number
  fields: Record<string, string>
}

export interface Scenario {
  lines: ScenarioLine[]
  entries: ScenarioEntry[]
  /** The request traced: submitted, answered after 12 ms. */
  answered: string
  /** A request whose order failed (an error line) and got no response. */
  failed: string
  /** A request nobody logged. */
  absent: string
  /** A stream entry older than the window the tests read. */
  tooOld: ScenarioEntry
}

export const INTENT_STREAM = 'quantum:stream:trade.intent'
export const EXECUTION_STREAM = 'quantum:stream:execution'

/** Requests 0..count-1 start 7 ms apart, so one's submit lands between another's intent and response. */
export function buildScenario(startMs: number, count = 6): Scenario {
  const lines: ScenarioLine[] = []
  const entries: ScenarioEntry[] = []
  const ids = Array.from({ length: count }, (_, n) => `req-${n}-${(startMs % 100000).toString(36)}`)
  const log = (correlationId: string, service: ScenarioLine['service'], level: string, event: string, tsMs: number, extra: Record<string, unknown>) =>
    lines.push({
      correlationId,
      service,
      level,
      event,
      tsMs,
      line: JSON.stringify({ level, ts: new Date(tsMs).toISOString(), service, event, correlation_id: correlationId, ...extra }),
    })
  ids.forEach((id, n) => {
    const at = startMs + n * 7
    const order = `ord_${n}`
    log(id, 'ai_engine', 'info', 'INTENT_RECEIVED', at, { symbol: 'BTCUSDT', intent_id: `intent_${n}`, msg: `Intent received: BTCUSDT` })
    entries.push({ correlationId: id, stream: INTENT_STREAM, tsMs: at + 2, fields: { correlation_id: id, symbol: 'BTCUSDT', intent_id: `intent_${n}` } })
    log(id, 'auto_executor', 'info', 'ORDER_SUBMIT', at + 5, { symbol: 'BTCUSDT', order_id: order, msg: `Order submitted: ${order}` })
    if (n === 1) {
      log(id, 'auto_executor', 'error', 'ORDER_ERROR', at + 9, { order_id: order, msg: `Order ${order} failed`, err: { message: 'exchange timeout' } })
      return
    }
    entries.push({ correlationId: id, stream: EXECUTION_STREAM, tsMs: at + 16, fields: { correlation_id: id, order_id: order, status: 'FILLED' } })
    log(id, 'auto_executor', 'info', 'ORDER_RESPONSE', at + 17, { symbol: 'BTCUSDT', order_id: order, status: 'FILLED', msg: `Order response: ${order} FILLED` })
  })
  // Lines that mention the traced id without carrying it: a filter on the text alone would take them.
  log(ids[3]!, 'ai_engine', 'info', 'LOG', startMs + 30, { msg: `previous request was ${ids[0]}` })
  const tooOld = { correlationId: ids[0]!, stream: INTENT_STREAM, tsMs: startMs - 3 * 3_600_000, fields: { correlation_id: ids[0]!, note: 'outside the window' } }
  return { lines, entries, answered: ids[0]!, failed: ids[1]!, absent: 'req-nobody', tooOld }
}

/** Stores the lines as the agent's transforms would hand them over. */
export function fillStore(store: Store, lines: readonly ScenarioLine[]): void {
  store.append(
    lines.map(
      (l): LogEvent => ({
        tsMs: l.tsMs,
        tsNanos: 0,
        timeOrigin: 'own',
        line: l.line,
        level: l.level as LogEvent['level'],
        service: l.service,
        event: l.event,
        correlationId: l.correlationId,
        labels: Object.freeze({ service: l.service, level: l.level, event: l.event }),
        fields: JSON.parse(l.line) as Record<string, unknown>,
        source: 'scenario',
      }),
    ),
  )
}

/** Pushes the lines to Loki through the push stack, labelled service/level/event as the agent labels them. */
export async function pushToLoki(pushUrl: string, lines: readonly ScenarioLine[], access: { tenantId?: string } = {}): Promise<void> {
  const streams = new Map<string, LokiStream>()
  for (const l of [...lines].sort((a, b) => a.tsMs - b.tsMs)) {
    const labels = formatLabels({ service: l.service, level: l.level, event: l.event })
    if (!streams.has(labels)) streams.set(labels, { labels, entries: [] })
    streams.get(labels)!.entries.push({ tsMs: l.tsMs, tsNanos: 0, line: l.line })
  }
  const client = createLokiClient({ endpoint: pushUrl, ...access })
  const result = await client.push([...streams.values()])
  client.close()
  if (!result.ok) throw new Error(`push failed: ${result.status} ${result.error}`)
}

/** XADDs the entries with ids at their times (`<ms>-<seq>`), in time order per stream. */
export async function publishToRedis(redis: Redis, entries: readonly ScenarioEntry[]): Promise<void> {
  for (const e of [...entries].sort((a, b) => a.tsMs - b.tsMs)) {
    await redis.xadd(e.stream, `${e.tsMs}-*`, ...Object.entries(e.fields).flat())
  }
}
