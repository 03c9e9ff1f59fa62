/**
 * Line predicates for metric rules: `{ event: ORDER_RESPONSE, status: { in: [REJECTED, ERROR] } }`.
 * Compiled once per rule into closures, because they run on every line.
 */
import type { LogEvent } from '../../core/types.js'

/** A value compared as text: `200`, `true` and `"200"` all match the field value `200`. */
export type Scalar = string | number | boolean

/** One condition on one field. Regexes are anchored at both ends, like Prometheus `=~`. */
export type Condition = Scalar | { in: Scalar[] } | { regex: string } | { not: Condition } | { exists: boolean }

/** Field name → condition; all must hold. `{}` matches every line. Validated by `Match` in ./config.ts. */
export type Match = Record<string, Condition>

/** Reads one field of a line as text; undefined when absent or not a scalar. */
export type FieldReader = (event: LogEvent) => string | undefined

/**
 * `level`, `service`, `event` and `correlation_id` read the normalised values of
 * the LogEvent (so they work whatever the service called them); any other name
 * reads the parsed JSON, with `a.b` walking into nested objects when no
 * top-level key is literally named `a.b`.
 */
export function fieldReader(name: string): FieldReader {
  switch (name) {
    case 'level':
      return (e) => e.level
    case 'service':
      return (e) => e.service
    case 'event':
      return (e) => e.event
    case 'correlation_id':
      return (e) => e.correlationId ?? undefined
  }
  const path = name.split('.')
  if (path.length === 1) return (e) => (e.fields === null ? undefined : asText(e.fields[name]))
  return (e) => {
    if (e.fields === null) return undefined
    const literal = e.fields[name]
    if (literal !== undefined) return asText(literal)
    let node: unknown = e.fields
    for (const part of path) {
      if (node === null || typeof node !== 'object') return undefined
      node = (node as Record<string, unknown>)[part]
    }
    return asText(node)
  }
}

/** Compiles a match into one test per line. */
export function compileMatch(match: Match): (event: LogEvent) => boolean {
  const tests = Object.entries(match).map(([name, condition]) => {
    const read = fieldReader(name)
    // The normalised level is lower-case; let configs say `level: ERROR` too.
    const test = compileCondition(condition, name === 'level' ? (s) => s.toLowerCase() : (s) => s)
    return (e: LogEvent) => test(read(e))
  })
  if (tests.length === 0) return () => true
  if (tests.length === 1) return tests[0]!
  return (e) => {
    for (const test of tests) if (!test(e)) return false
    return true
  }
}

/**
 * The events a match can hold for, when its `event` condition names them (a
 * value, or `in`); undefined when it may hold for any event. The engine runs
 * a rule only on lines of those events.
 */
export function eventsOf(match: Match): ReadonlySet<string> | undefined {
  const condition = match.event
  if (condition === undefined) return undefined
  if (typeof condition !== 'object') return new Set([String(condition)])
  return 'in' in condition ? new Set(condition.in.map(String)) : undefined
}

function compileCondition(condition: Condition, normalise: (s: string) => string): (value: string | undefined) => boolean {
  if (typeof condition !== 'object') {
    const expected = normalise(String(condition))
    return (value) => value === expected
  }
  if ('in' in condition) {
    const allowed = new Set(condition.in.map((v) => normalise(String(v))))
    return (value) => value !== undefined && allowed.has(value)
  }
  if ('regex' in condition) {
    const re = anchored(condition.regex)
    return (value) => value !== undefined && re.test(value)
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, normalise)
    return (value) => !inner(value)
  }
  const wanted = condition.exists
  return (value) => (value !== undefined) === wanted
}

export function anchored(source: string): RegExp {
  return new RegExp(`^(?:${source})$`)
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}
