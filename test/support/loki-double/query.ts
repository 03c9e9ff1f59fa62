/**
 * The one LogQL query the Loki double answers on GET /loki/api/v1/query:
 * `sum(count_over_time(<selector>[<range>]))`, "how many lines in the last
 * N", which `threadline doctor` asks. Answered in Loki's shape (a vector of
 * one sample, `[<unix seconds>, "<count>"]`, or an empty vector when nothing
 * matched) with Loki's rules: matchers `=`, `!=`, `=~`, `!~` with anchored
 * regexes; a selector needs a matcher that an empty value cannot satisfy
 * (pkg/logql/syntax: "queries require at least one regexp or equality
 * matcher that does not have an empty-compatible value"); the range is
 * left-open, (time − range, time]. Anything else is a 400, saying the double
 * does not evaluate it, so a test can never pass on a query Loki would read
 * differently.
 */

import { parseQueryTime } from './query-range.js'

export interface QueryableEntry {
  labelSet: Readonly<Record<string, string>>
  tsNs: string
  tenant?: string
}

export interface QueryAnswer {
  status: number
  body: string
}

const COUNT_QUERY = /^\s*sum\s*\(\s*count_over_time\s*\(\s*\{([^}]*)\}\s*\[(\d+)(ms|s|m|h|d)\]\s*\)\s*\)\s*$/
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/
const UNIT_NS = { ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n, d: 86_400_000_000_000n }

type Matcher = { name: string; op: string; value: string; test: (v: string) => boolean }

function parseMatchers(text: string): Matcher[] {
  return text.split(',').map((part) => {
    const match = MATCHER.exec(part)
    if (!match) throw new Error(`parse error: cannot parse matcher ${JSON.stringify(part.trim())}`)
    const [, name, op, raw] = match as unknown as [string, string, string, string]
    const value = JSON.parse(`"${raw}"`) as string
    const regex = op.includes('~') ? new RegExp(`^(?:${value})$`) : undefined
    const positive = (v: string) => (regex ? regex.test(v) : v === value)
    return { name, op, value, test: op.startsWith('!') ? (v: string) => !positive(v) : positive }
  })
}

export function answerCountQuery(params: URLSearchParams, entries: readonly QueryableEntry[], tenant: string | undefined, nowMs: number): QueryAnswer {
  const query = params.get('query') ?? ''
  const shape = COUNT_QUERY.exec(query)
  if (!shape) return { status: 400, body: `the Loki double evaluates only sum(count_over_time(<selector>[<range>])), received ${JSON.stringify(query)}` }
  let matchers: Matcher[]
  let timeNs: bigint
  try {
    matchers = parseMatchers(shape[1]!)
    timeNs = parseQueryTime(params.get('time'), BigInt(Math.round(nowMs)) * 1_000_000n, 'time')
  } catch (error) {
    return { status: 400, body: (error as Error).message }
  }
  if (!matchers.some((m) => !m.test(''))) {
    return { status: 400, body: 'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will' }
  }
  const fromNs = timeNs - BigInt(shape[2]!) * UNIT_NS[shape[3] as keyof typeof UNIT_NS]
  let count = 0
  for (const entry of entries) {
    if (entry.tenant !== tenant) continue
    const ts = BigInt(entry.tsNs)
    if (ts <= fromNs || ts > timeNs) continue
    if (matchers.every((m) => m.test(entry.labelSet[m.name] ?? ''))) count++
  }
  const result = count === 0 ? [] : [{ metric: {}, value: [Number(timeNs / 1_000_000n) / 1000, String(count)] }]
  return { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result, stats: {} } }) }
}
