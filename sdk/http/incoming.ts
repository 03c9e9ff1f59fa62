/**
 * The correlation id of an incoming request, shared by the node:http,
 * Express and Fastify integrations, and the headers for outgoing calls.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { correlationId } from '../context.js'
import { isValidCorrelationId, newCorrelationId, traceIdFromTraceparent } from '../correlation-id.js'

/** The header carrying the correlation id, on requests and echoed on responses. */
export const CORRELATION_HEADER = 'x-correlation-id'

/** Where an incoming request's correlation id came from. */
export type CorrelationSource = 'x-correlation-id' | 'x-request-id' | 'traceparent' | 'generated'

/** An incoming request's correlation id, and where it came from. */
export interface IncomingCorrelation {
  id: string
  source: CorrelationSource
}

/**
 * Picks the correlation id of a request from its headers: the first valid one
 * of `x-correlation-id`, `x-request-id` and the trace id of a valid W3C
 * `traceparent`, else a fresh UUID. A present but invalid header (too long,
 * CR/LF, quotes, spaces) is never used, so it cannot reach a log line or a
 * response header.
 */
export function incomingCorrelationId(headers: IncomingHttpHeaders): IncomingCorrelation {
  const correlation = first(headers[CORRELATION_HEADER])
  if (isValidCorrelationId(correlation)) return { id: correlation, source: 'x-correlation-id' }
  const requestId = first(headers['x-request-id'])
  if (isValidCorrelationId(requestId)) return { id: requestId, source: 'x-request-id' }
  const traceId = traceIdFromTraceparent(first(headers.traceparent))
  if (traceId !== undefined) return { id: traceId, source: 'traceparent' }
  return { id: newCorrelationId(), source: 'generated' }
}

/**
 * Headers to add to an outgoing call so the callee continues this
 * correlation: `{ 'x-correlation-id': id }`, or `{}` outside any context.
 */
export function correlationHeaders(): Record<string, string> {
  const id = correlationId()
  return id === undefined ? {} : { [CORRELATION_HEADER]: id }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
