/**
 * GET /api/trace/<id> (the timeline as JSON) and GET /trace/<id> (the page),
 * from the agent's store; GET /trace?id=X is the page's search box, answered
 * with a redirect so the page's URL is always /trace/<id> (what Grafana's
 * derived field links to).
 */
import type { ServerResponse } from 'node:http'
import { CORRELATION_ID_RULE, isValidCorrelationId } from '../../sdk/correlation-id.js'
import { renderMessagePage, renderPage } from '../trace/render-page.js'
import type { Timeline } from '../trace/timeline.js'
import type { HttpRoute } from './server.js'

/** The page runs no script and loads nothing: if escaping ever failed, injected markup still could not act. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
}
const INVALID_ID = `invalid correlation id: expected ${CORRELATION_ID_RULE}`

/** The id after `prefix`, or undefined when it is not a valid one (malformed %-escapes included). */
function idAfter(path: string, prefix: string): string | undefined {
  try {
    const id = decodeURIComponent(path.slice(prefix.length))
    return isValidCorrelationId(id) ? id : undefined
  } catch {
    return undefined
  }
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' }).end(JSON.stringify(value))
}

/** The trace routes over a lookup (the store's, in the agent). */
export function traceRoutes(lookup: (correlationId: string) => Timeline): HttpRoute {
  return (path, request, response) => {
    if (path.startsWith('/api/trace/')) {
      const id = idAfter(path, '/api/trace/')
      if (id === undefined) return json(response, 400, { error: INVALID_ID }), true
      const timeline = lookup(id)
      if (timeline.rows.length === 0) return json(response, 404, { error: `nothing found for correlation id ${id}`, correlation_id: id }), true
      return json(response, 200, timeline), true
    }
    if (path === '/trace') {
      const asked = new URL(request.url ?? '/', 'http://agent').searchParams.get('id')?.trim() ?? ''
      if (isValidCorrelationId(asked)) return response.writeHead(302, { location: `/trace/${encodeURIComponent(asked)}` }).end(), true
      return response.writeHead(asked ? 400 : 200, PAGE_HEADERS).end(renderMessagePage('', asked ? INVALID_ID : 'Enter a correlation id.')), true
    }
    if (path.startsWith('/trace/')) {
      const id = idAfter(path, '/trace/')
      if (id === undefined) return response.writeHead(400, PAGE_HEADERS).end(renderMessagePage('', INVALID_ID)), true
      const timeline = lookup(id)
      return response.writeHead(timeline.rows.length > 0 ? 200 : 404, PAGE_HEADERS).end(renderPage(timeline)), true
    }
    return false
  }
}
