/**
 * The Loki double's query side: GET /loki/api/v1/query_range for log queries,
 * with the LogQL subset a trace lookup needs, evaluated the way Loki does.
 *
 *   {name="v", name=~"re", name!="v", name!~"re"}   stream selector (regexes fully anchored, as RE2 in Loki)
 *   |= "text"  != "text"  |~ "re"  !~ "re"         line filters, on the raw line
 *   | json                                          every JSON field a label (nested ones joined with "_"; a
 *                                                   name the stream already has gets "_extracted"; a line that
 *                                                   is not JSON gets __error__="JSONParserErr")
 *   | name="v"  | name!="v"                         label filters (a missing label is "")
 *
 * Parameters as Loki reads them (docs: "Query logs within a range of time"):
 * `limit` (default 100, at most max_entries_limit_per_query: 5000, else 400),
 * `start` (default an hour ago, inclusive), `end` (default now, exclusive),
 * `direction` (`backward` by default, or `forward`); times as ns since the
 * epoch, seconds (with a fraction) or RFC 3339. The limit applies across all
 * streams in direction order; the answer groups what is kept by label set.
 */
import type { AcceptedEntry } from '../loki-double.js'

type Op = '=' | '!=' | '=~' | '!~'
interface Matcher {
  name: string
  op: Op
  value: string
}
type Stage = { kind: 'line'; op: '|=' | '!=' | '|~' | '!~'; value: string } | { kind: 'json' } | { kind: 'label'; matcher: Matcher }

export interface LogQuery {
  selector: Matcher[]
  stages: Stage[]
}

/** A query Loki would refuse: answered 400 with this message. */
export class QueryError extends Error {}

/** Go string literals: double-quoted with escapes, or backquoted raw. */
function readString(text: string, at: number): [string, number] {
  if (text[at] === '`') {
    const end = text.indexOf('`', at + 1)
    if (end < 0) throw new QueryError(`parse error at col ${at + 1}: unterminated raw string`)
    return [text.slice(at + 1, end), end + 1]
  }
  const match = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(at))
  if (!match) throw new QueryError(`parse error at col ${at + 1}: syntax error: unexpected input, expecting STRING`)
  return [JSON.parse(match[0]) as string, at + match[0].length]
}

function anchored(re: string): RegExp {
  try {
    return new RegExp(`^(?:${re})$`, 's')
  } catch {
    throw new QueryError(`parse error: invalid regex ${JSON.stringify(re)}`)
  }
}

function matches({ op, value }: Matcher, actual: string): boolean {
  if (op === '=') return actual === value
  if (op === '!=') return actual !== value
  const hit = anchored(value).test(actual)
  return op === '=~' ? hit : !hit
}

/** Parses the LogQL subset above; throws a QueryError as Loki answers 400. */
export function parseLogQuery(text: string): LogQuery {
  let at = 0
  const skip = () => {
    while (/\s/.test(text[at] ?? '')) at++
  }
  const matcher = (): Matcher => {
    skip()
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(at))?.[0]
    if (!name) throw new QueryError(`parse error at col ${at + 1}: expecting a label name`)
    at += name.length
    skip()
    const op = (['=~', '!~', '!=', '='] as const).find((candidate) => text.startsWith(candidate, at))
    if (!op) throw new QueryError(`parse error at col ${at + 1}: expecting a matcher operator`)
    at += op.length
    skip()
    const [value, next] = readString(text, at)
    at = next
    return { name, op, value }
  }
  skip()
  if (text[at] !== '{') throw new QueryError('parse error at col 1: syntax error: unexpected input, expecting {')
  at++
  const selector: Matcher[] = []
  for (;;) {
    selector.push(matcher())
    skip()
    if (text[at] === ',') at++
    else if (text[at] === '}') break
    else throw new QueryError(`parse error at col ${at + 1}: expecting , or }`)
  }
  at++
  // Loki refuses selectors that could match every stream: at least one matcher must need a non-empty value.
  if (!selector.some((m) => !matches(m, ''))) throw new QueryError('parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value')
  const stages: Stage[] = []
  for (skip(); at < text.length; skip()) {
    const lineOp = (['|=', '!=', '|~', '!~'] as const).find((candidate) => text.startsWith(candidate, at))
    if (lineOp) {
      at += lineOp.length
      skip()
      const [value, next] = readString(text, at)
      at = next
      if (lineOp.endsWith('~')) anchored(value)
      stages.push({ kind: 'line', op: lineOp, value })
    } else if (text[at] === '|') {
      at++
      skip()
      if (text.startsWith('json', at) && !/[a-zA-Z0-9_]/.test(text[at + 4] ?? '')) {
        at += 4
        stages.push({ kind: 'json' })
      } else {
        stages.push({ kind: 'label', matcher: matcher() })
      }
    } else {
      throw new QueryError(`parse error at col ${at + 1}: syntax error: unexpected input`)
    }
  }
  return { selector, stages }
}

/** `| json`: nested objects flattened with "_", names sanitised as Loki does, arrays left out. */
function extractJson(line: string, labels: Record<string, string>): void {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    labels.__error__ = 'JSONParserErr'
    return
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    labels.__error__ = 'JSONParserErr'
    return
  }
  const originals = new Set(Object.keys(labels))
  const walk = (value: Record<string, unknown>, prefix: string) => {
    for (const [key, child] of Object.entries(value)) {
      const name = `${prefix}${key.replace(/[^a-zA-Z0-9_]/g, '_')}`
      if (child !== null && typeof child === 'object') {
        if (!Array.isArray(child)) walk(child as Record<string, unknown>, `${name}_`)
        continue
      }
      labels[originals.has(name) ? `${name}_extracted` : name] = child === null ? '' : String(child)
    }
  }
  walk(parsed as Record<string, unknown>, '')
}

/** The entry's labels after the pipeline, or undefined when a stage filtered it out. */
function evaluate(entry: AcceptedEntry, stages: readonly Stage[]): Record<string, string> | undefined {
  const labels: Record<string, string> = { ...entry.labelSet }
  for (const stage of stages) {
    if (stage.kind === 'line') {
      const hit = stage.op.endsWith('~') ? new RegExp(stage.value, 's').test(entry.line) : entry.line.includes(stage.value)
      if (hit !== stage.op.startsWith('|')) return undefined
    } else if (stage.kind === 'json') {
      extractJson(entry.line, labels)
    } else if (!matches(stage.matcher, labels[stage.matcher.name] ?? '')) {
      return undefined
    }
  }
  return labels
}

/** A time parameter in ns: an integer of more than 10 digits is ns, fewer are seconds; a fraction is seconds; else RFC 3339. */
export function parseQueryTime(value: string | null, fallbackNs: bigint, name: string): bigint {
  if (value === null || value === '') return fallbackNs
  if (/^\d+$/.test(value)) return value.length > 10 ? BigInt(value) : BigInt(value) * 1_000_000_000n
  if (/^\d+\.\d+$/.test(value)) return BigInt(Math.round(Number(value) * 1e6)) * 1000n
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) throw new QueryError(`invalid parameter "${name}": cannot parse "${value}" to a valid timestamp`)
  return BigInt(ms) * 1_000_000n
}

export interface RangeParams {
  startNs: bigint
  endNs: bigint
  limit: number
  direction: 'forward' | 'backward'
}

/** Reads the parameters of a query_range request; throws a QueryError for what Loki refuses. */
export function rangeParams(search: URLSearchParams, nowNs: bigint, maxEntriesLimitPerQuery: number): RangeParams & { query: LogQuery } {
  const text = search.get('query')
  if (!text) throw new QueryError('parse error : syntax error: unexpected $end')
  const limit = Number(search.get('limit') ?? 100)
  if (!Number.isInteger(limit) || limit <= 0) throw new QueryError('limit must be a positive value')
  if (limit > maxEntriesLimitPerQuery) {
    throw new QueryError(`max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${maxEntriesLimitPerQuery})`)
  }
  const direction = (search.get('direction') ?? 'backward').toLowerCase()
  if (direction !== 'forward' && direction !== 'backward') throw new QueryError(`invalid direction "${direction}"`)
  const endNs = parseQueryTime(search.get('end'), nowNs, 'end')
  const startNs = parseQueryTime(search.get('start'), endNs - 3_600_000_000_000n, 'start')
  if (endNs < startNs) throw new QueryError('invalid query, through < from')
  return { query: parseLogQuery(text), startNs, endNs, limit, direction }
}

export interface QueryStream {
  stream: Record<string, string>
  values: Array<[string, string]>
}

/** Evaluates a log query over the accepted entries: the answer's `data.result`. */
export function runLogQuery(entries: readonly AcceptedEntry[], query: LogQuery, { startNs, endNs, limit, direction }: RangeParams): QueryStream[] {
  const kept: Array<{ ns: bigint; labels: Record<string, string>; line: string }> = []
  for (const entry of entries) {
    const ns = BigInt(entry.tsNs)
    if (ns < startNs || ns >= endNs) continue
    if (!query.selector.every((m) => matches(m, entry.labelSet[m.name] ?? ''))) continue
    const labels = evaluate(entry, query.stages)
    if (labels) kept.push({ ns, labels, line: entry.line })
  }
  const order = direction === 'forward' ? 1 : -1
  kept.sort((a, b) => (a.ns < b.ns ? -order : a.ns > b.ns ? order : 0))
  const streams = new Map<string, QueryStream>()
  for (const { ns, labels, line } of kept.slice(0, limit)) {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))
    let stream = streams.get(key)
    if (!stream) streams.set(key, (stream = { stream: labels, values: [] }))
    stream.values.push([ns.toString(), line])
  }
  return [...streams.values()]
}
