/**
 * Events of one request from the embedded store, through its one query for
 * this (`Store.linesByCorrelationId`, indexed per segment), never its tables.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Store } from '../store/store.js'
import { BackendUnreachableError } from './backend-error.js'
import { eventFromLine, type TraceEvent } from './trace-event.js'

/** The store's lines of `correlationId` as events; the store's columns name service, level and event. */
export function eventsFromStore(store: Store, correlationId: string, limit: number): TraceEvent[] {
  return store
    .linesByCorrelationId(correlationId, limit)
    .map((line) => eventFromLine(line.line, line, 'store', { service: line.service, level: line.level, event: line.event }))
}

/**
 * Opens the store of an agent's data directory for one lookup, then closes
 * it. A missing store is unreachable, not empty: the directory is likely
 * mistyped, and creating an empty store there would hide that.
 */
export function lookUpInDataDir(dataDir: string, correlationId: string, limit: number): TraceEvent[] {
  const path = join(resolve(dataDir), 'store.db')
  if (!existsSync(path)) throw new BackendUnreachableError('store', path, 'no store there (is --data-dir the agent\'s?)')
  let store: Store
  try {
    store = new Store(path)
  } catch (error) {
    throw new BackendUnreachableError('store', path, (error as Error).message)
  }
  try {
    return eventsFromStore(store, correlationId, limit)
  } finally {
    store.close()
  }
}
