/**
 * Express middleware: `app.use(expressCorrelation())` before the routes.
 * Typed structurally (node's request and response), so the package needs no
 * Express types and works with Express 4 and 5.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { runInRequestCorrelation } from './node.js'

/** An Express-compatible middleware function. */
export type CorrelationMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void

/**
 * Middleware running the rest of the request (later middleware and the route,
 * including everything they await) in the request's correlation context, and
 * echoing the id in `x-correlation-id`.
 */
export function expressCorrelation(): CorrelationMiddleware {
  return (req, res, next) => runInRequestCorrelation(req, res, () => next())
}
