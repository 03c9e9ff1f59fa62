/**
 * The correlation context: one process-wide AsyncLocalStorage.
 *
 * The storage lives on `globalThis` under a registered symbol so that two
 * copies of this package in one process (a dependency bundling its own)
 * still share one context instead of silently losing ids between them.
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks'
import { CORRELATION_ID_RULE, isValidCorrelationId } from './correlation-id.js'

/** What the context holds for one correlation id. */
export interface CorrelationStore {
  readonly id: string
  /**
   * Per-logger cache of the child loggers bound to this id, created on a
   * logger's first line in the context (see logger.ts). Keyed by the logger.
   */
  readonly loggers: Map<object, unknown>
}

const STORAGE_KEY = Symbol.for('threadline.correlation-context')
type GlobalWithStorage = typeof globalThis & { [STORAGE_KEY]?: AsyncLocalStorage<CorrelationStore> }
const holder = globalThis as GlobalWithStorage
const storage: AsyncLocalStorage<CorrelationStore> = (holder[STORAGE_KEY] ??= new AsyncLocalStorage<CorrelationStore>())

/**
 * Runs `fn` with `id` as the current correlation id and returns its result.
 * The id follows every continuation started inside `fn`: awaits, timers,
 * promise fan-out, EventEmitter listeners called from inside it, I/O callbacks.
 *
 * @throws TypeError when `id` is not a valid correlation id (validate
 * untrusted input with `isValidCorrelationId` first, or use `newCorrelationId`).
 */
export function withCorrelation<T>(id: string, fn: () => T): T {
  if (!isValidCorrelationId(id)) {
    throw new TypeError(
      `withCorrelation: expected an id of ${CORRELATION_ID_RULE}, received ${describe(id)}`,
    )
  }
  return storage.run({ id, loggers: new Map() }, fn)
}

/** The current correlation id, or undefined outside any context. */
export function correlationId(): string | undefined {
  return storage.getStore()?.id
}

/**
 * Binds `fn` to the current correlation context, so it keeps this id even
 * when called later from elsewhere, e.g. a listener on a long-lived emitter
 * that emits from another request's context.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any[] is the only parameter list every function is assignable to
export function bindCorrelation<F extends (...args: any[]) => unknown>(fn: F): F {
  return AsyncResource.bind(fn) as F
}

/** The current store (internal: the logger's per-context child cache). */
export function currentStore(): CorrelationStore | undefined {
  return storage.getStore()
}

/**
 * Re-enters an existing store (internal: frameworks such as Fastify resume a
 * request on a different async path after body parsing).
 */
export function runInStore<T>(store: CorrelationStore, fn: () => T): T {
  return storage.run(store, fn)
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return typeof value
  return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value)
}
