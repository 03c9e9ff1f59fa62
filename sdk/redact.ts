/**
 * Field preparation for every line: secrets redacted by key at any depth,
 * and Error values (under any key) serialized with type, message and stack.
 *
 * A hand-written walk instead of pino's `redact` paths: pino paths have a
 * fixed depth (`*.password` misses `a.b.password`) and are case-sensitive
 * (`Authorization` vs `authorization`). The walk copies only what it changes,
 * so the caller's objects are never mutated, and a flat object costs one Map
 * lookup per key.
 */
import pino from 'pino'

/** Keys redacted by default; matched case-insensitively, ignoring `_` and `-` (so `apiKey` = `api_key` = `API-KEY`). */
export const DEFAULT_REDACT_KEYS: readonly string[] = Object.freeze([
  'authorization',
  'password',
  'token',
  'secret',
  'api_key',
  'cookie',
  'set-cookie',
])

/** How secrets are redacted. */
export interface RedactOptions {
  /** Keys to redact (replaces the defaults; spread `DEFAULT_REDACT_KEYS` to extend them). */
  keys?: readonly string[]
  /** What a redacted value is replaced with. Default `[Redacted]`. */
  censor?: string
}

/** Returns its argument, or a copy with secrets censored and errors serialized. */
export type FieldPreparer = <T>(fields: T) => T

/** Objects nested deeper than this are cut, which also ends reference cycles. */
const MAX_DEPTH = 12
const TOO_DEEP = '[Too deep]'
const KEY_CACHE_LIMIT = 10_000

const serializeError = pino.stdSerializers.err
/**
 * pino's error serializer returns objects with its own prototype (which
 * holds the non-enumerable `raw`); they are plain data and must be walked
 * too, or a secret on an error (`err.config.headers.authorization`) leaks.
 */
const SERIALIZED_ERROR_PROTOTYPE = Object.getPrototypeOf(serializeError(new Error('probe'))) as object

/**
 * Builds the function that prepares a line's fields: returns `fields` itself
 * when nothing needs changing, otherwise a copy with secrets censored and
 * errors serialized. `false` disables redaction (errors are still serialized).
 */
export function createFieldPreparer(options: RedactOptions | false = {}): FieldPreparer {
  const keys = options === false ? [] : (options.keys ?? DEFAULT_REDACT_KEYS)
  const censor = options === false ? '' : (options.censor ?? '[Redacted]')
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
    throw new TypeError(`redact.keys: expected an array of strings, received ${JSON.stringify(keys)}`)
  }
  const sensitive = new Set(keys.map(normalizeKey))
  const verdicts = new Map<string, boolean>()

  function isSensitive(key: string): boolean {
    let verdict = verdicts.get(key)
    if (verdict === undefined) {
      verdict = sensitive.has(normalizeKey(key))
      if (verdicts.size < KEY_CACHE_LIMIT) verdicts.set(key, verdict)
    }
    return verdict
  }

  function prepareValue(value: unknown, depth: number): unknown {
    if (value === null || typeof value !== 'object') return value
    if (value instanceof Error) return prepareValue(serializeError(value), depth)
    if (depth >= MAX_DEPTH) return TOO_DEEP
    if (Array.isArray(value)) return prepareArray(value, depth)
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null && proto !== SERIALIZED_ERROR_PROTOTYPE) return value
    return prepareObject(value as Record<string, unknown>, depth)
  }

  function prepareArray(items: unknown[], depth: number): unknown[] {
    let copy: unknown[] | undefined
    for (let i = 0; i < items.length; i++) {
      const prepared = prepareValue(items[i], depth + 1)
      if (prepared !== items[i]) {
        copy ??= items.slice()
        copy[i] = prepared
      }
    }
    return copy ?? items
  }

  // Only objects whose prototype is Object.prototype or null get here, so
  // for-in yields own keys; this loop runs for every line, hence no
  // hasOwnProperty call and no function call for primitive values.
  function prepareObject(fields: Record<string, unknown>, depth: number): Record<string, unknown> {
    let copy: Record<string, unknown> | undefined
    for (const key in fields) {
      const value = fields[key]
      let prepared = value
      if (isSensitive(key)) prepared = censor
      else if (typeof value === 'object' && value !== null) prepared = prepareValue(value, depth + 1)
      if (prepared !== value) {
        copy ??= { ...fields }
        copy[key] = prepared
      }
    }
    return copy ?? fields
  }

  return <T>(fields: T): T => prepareValue(fields, 0) as T
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '')
}
