/**
 * The agent's HTTP endpoints: `/metrics` for Prometheus, `/ready` (200 once
 * every source and sink started, 503 before and while stopping) and
 * `/healthz` (200 while the process runs), and the routes it is given (the
 * trace API and page). Binds 127.0.0.1 unless told otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Registry } from '../metrics/prom-client.js'
import type { Lifecycle } from '../core/types.js'

/** A route: answers and returns true, or returns false to pass to the next. */
export type HttpRoute = (path: string, request: IncomingMessage, response: ServerResponse) => boolean

export interface HttpServerOptions {
  /** `host:port`, `[v6]:port`; port 0 picks a free one. */
  listen: string
  /** The text of /metrics (Prometheus exposition format). */
  renderMetrics: () => Promise<string>
  isReady: () => boolean
  /** More GET routes, tried in order before the 404 (the trace API and page). */
  routes?: readonly HttpRoute[]
}

export interface AgentHttpServer extends Lifecycle {
  /** The bound address, once started. */
  address(): { host: string; port: number }
}

export function parseListen(listen: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen)
  if (!match) return undefined
  const port = Number(match[3])
  if (port > 65535) return undefined
  return { host: match[1] ?? match[2]!, port }
}

export function createHttpServer({ listen, renderMetrics, isReady, routes = [] }: HttpServerOptions): AgentHttpServer {
  const target = parseListen(listen)
  if (!target) throw new Error(`listen expects HOST:PORT, received ${JSON.stringify(listen)}`)
  let server: Server | undefined

  const handle: Parameters<typeof createServer>[1] = (request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    if (path === '/metrics') {
      renderMetrics()
        .then((text) => {
          response.writeHead(200, { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE })
          response.end(text)
        })
        .catch((error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${String(error)}\n`)
        })
      return
    }
    if (path === '/ready') {
      const ready = isReady()
      response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : 'not ready\n')
      return
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')
      return
    }
    if (routes.some((route) => route(path!, request, response))) return
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
  }

  return {
    async start() {
      if (server) return
      const created = createServer(handle)
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject)
        created.listen(target.port, target.host, () => {
          created.off('error', reject)
          resolve()
        })
      })
      server = created
    },
    async stop() {
      const closing = server
      server = undefined
      if (!closing) return
      closing.closeAllConnections()
      await new Promise<void>((resolve) => closing.close(() => resolve()))
    },
    address() {
      if (!server) throw new Error('the HTTP server is not started')
      const { address, port } = server.address() as AddressInfo
      return { host: address, port }
    },
  }
}
