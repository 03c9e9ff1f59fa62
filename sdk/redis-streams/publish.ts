/**
 * Publishing to a Redis Stream with the correlation id in the entry.
 */
import type { Redis } from 'ioredis'
import { correlationId } from '../context.js'
import { newCorrelationId } from '../correlation-id.js'

/** The stream entry field carrying the correlation id. */
export const CORRELATION_FIELD = 'correlation_id'

/** Field values of a stream entry. */
export type StreamFields = Record<string, string | number | Buffer>

/** What `publishEvent` added. */
export interface PublishedEvent {
  /** The entry id Redis assigned, e.g. `1767435323456-0`. */
  id: string
  /** The `correlation_id` written into the entry. */
  correlationId: string
}

/**
 * XADDs `fields` to `stream` with `correlation_id` set to the current
 * correlation id, or to a new one outside any context (a `correlation_id` in
 * `fields` is replaced: choose the id with `withCorrelation`).
 */
export async function publishEvent(redis: Redis, stream: string, fields: StreamFields): Promise<PublishedEvent> {
  const id = correlationId() ?? newCorrelationId()
  const args: Array<string | number | Buffer> = [CORRELATION_FIELD, id]
  for (const [key, value] of Object.entries(fields)) {
    if (key !== CORRELATION_FIELD) args.push(key, value)
  }
  const entryId = await redis.xadd(stream, '*', ...args)
  return { id: entryId!, correlationId: id }
}
