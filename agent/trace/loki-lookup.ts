/**
 * Events of one request from Loki's query_range API. The query filters on
 * the line first (`|= "ID"`, a substring match Loki runs on chunks without
 * parsing them) and parses only the lines that pass (`| json |
 * correlation_id="ID"`, so an id that merely appears inside another field
 * does not count). Results come a page at a time (Loki caps a query at
 * `max_entries_limit_per_query`, 5,000 by default), walking forward in time.
 */
import http from 'node:http'
import { httpModuleFor, lokiAccessHeaders, lokiHttpAgent, type LokiAccess, type LokiClientOptions } from '../../transports/loki/index.js'
import { BackendUnreachableError } from './backend-error.js'
import { eventFromLine, type TraceEvent } from './trace-event.js'

export interface LokiLookupOptions {
  /** Loki's base URL, e.g. `http://loki:3100`. */
  baseUrl: string
  access?: LokiAccess
  tls?: LokiClientOptions['tls']
  timeoutMs?: number
  /** Entries per request: Loki's default max_entries_limit_per_query. */
  pageSize?: number
}

export interface TimeWindow {
  startMs: number
  endMs: number
}

/** The LogQL of a lookup; the id is validated, so it holds no quote or backslash to escape. */
export function traceQuery(correlationId: string): string {
  return `{service=~".+"} |= "${correlationId}" | json | correlation_id="${correlationId}"`
}

interface QueryRangeAnswer {
  status: string
  data?: { resultType: string; result: Array<{ stream: Record<string, string>; values: Array<[string, string]> }> }
}

interface Found {
  ns: bigint
  labels: Record<string, string>
  line: string
}

function getJson(url: URL, headers: Record<string, string>, agent: http.Agent, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpModuleFor(url).get(url, { agent, headers, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })))
    request.on('error', reject)
  })
}

/** Every line of `correlationId` in the window, at most `limit`, oldest first. */
export async function eventsFromLoki(options: LokiLookupOptions, correlationId: string, window: TimeWindow, limit: number): Promise<TraceEvent[]> {
  const { baseUrl, access = {}, tls, timeoutMs = 30_000, pageSize = 5000 } = options
  const base = new URL(baseUrl)
  const agent = lokiHttpAgent(base, tls)
  const headers = lokiAccessHeaders(access)
  const where = base.origin + base.pathname.replace(/\/+$/, '')
  const found: Found[] = []
  let startNs = BigInt(window.startMs) * 1_000_000n
  const endNs = BigInt(window.endMs) * 1_000_000n
  // Entries at the page's last timestamp are asked for again (the next page starts there, inclusive,
  // as more may share it); these keys skip the ones already taken.
  let seenAtStart = new Set<string>()
  try {
    while (found.length < limit) {
      const asked = Math.min(pageSize, limit - found.length + seenAtStart.size)
      const url = new URL(`${where}/loki/api/v1/query_range`)
      url.search = new URLSearchParams({
        query: traceQuery(correlationId),
        start: startNs.toString(),
        end: endNs.toString(),
        limit: String(asked),
        direction: 'forward',
      }).toString()
      let answer: { status: number; body: string }
      try {
        answer = await getJson(url, headers, agent, timeoutMs)
      } catch (error) {
        throw new BackendUnreachableError('loki', where, (error as NodeJS.ErrnoException).code ?? (error as Error).message)
      }
      if (answer.status !== 200) throw new BackendUnreachableError('loki', where, `HTTP ${answer.status}: ${answer.body.trim().slice(0, 300)}`)
      const page = pageEntries(answer.body, where)
      const fresh = page.filter((entry) => !(entry.ns === startNs && seenAtStart.has(keyOf(entry))))
      found.push(...fresh.slice(0, limit - found.length))
      // A short page is the last one; a full page of nothing new means more entries share one
      // timestamp than a page holds, and asking again would loop.
      if (page.length < asked || fresh.length === 0) break
      const lastNs = page.at(-1)!.ns
      seenAtStart = new Set((lastNs === startNs ? [...seenAtStart] : []).concat(page.filter((e) => e.ns === lastNs).map(keyOf)))
      startNs = lastNs
    }
  } finally {
    agent.destroy()
  }
  return found.map(({ ns, labels, line }) =>
    eventFromLine(line, { tsMs: Number(ns / 1_000_000n), tsNanos: Number(ns % 1_000_000n) }, 'loki', { service: labels.service, level: labels.level, event: labels.event }),
  )
}

function keyOf(entry: Found): string {
  return `${JSON.stringify(entry.labels)}\n${entry.line}`
}

/** A page's entries across its streams, oldest first (Loki orders within a stream, not across them). */
function pageEntries(body: string, where: string): Found[] {
  let answer: QueryRangeAnswer
  try {
    answer = JSON.parse(body) as QueryRangeAnswer
  } catch {
    throw new BackendUnreachableError('loki', where, 'the answer is not JSON (is this Loki?)')
  }
  if (answer.status !== 'success' || answer.data?.resultType !== 'streams') {
    throw new BackendUnreachableError('loki', where, `unexpected answer: ${body.slice(0, 300)}`)
  }
  const entries = answer.data.result.flatMap(({ stream, values }) => values.map(([ns, line]) => ({ ns: BigInt(ns), labels: stream, line })))
  return entries.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0))
}
