/**
 * node:http integration: run each request inside its correlation context and
 * echo the id in `x-correlation-id` on the response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { withCorrelation } from '../context.js'
import { CORRELATION_HEADER, incomingCorrelationId } from './incoming.js'

/**
 * Sets the response's `x-correlation-id` and runs `next` in the request's
 * correlation context (the step every HTTP integration shares).
 */
export function runInRequestCorrelation<T>(req: IncomingMessage, res: ServerResponse, next: () => T): T {
  const { id } = incomingCorrelationId(req.headers)
  res.setHeader(CORRELATION_HEADER, id)
  return withCorrelation(id, next)
}

/**
 * Wraps a node:http request listener so it runs inside the request's
 * correlation context: `http.createServer(withHttpCorrelation(handler))`.
 */
export function withHttpCorrelation<Req extends IncomingMessage, Res extends ServerResponse<Req>, R>(
  handler: (req: Req, res: Res) => R,
): (req: Req, res: Res) => R {
  return (req, res) => runInRequestCorrelation(req, res, () => handler(req, res))
}
