/**
 * A strict stand-in for Loki's push API on 127.0.0.1: it decodes both
 * encodings with its own readers (./loki-double/decode.ts), enforces a
 * default Loki's limits (./loki-double/validate.ts), keeps what Loki would
 * keep (valid entries of a partly invalid push; exact duplicates dropped, as
 * pkg/chunkenc/unordered.go does for same stream + timestamp + line), and
 * misbehaves on request: errors, partial acceptance, latency, refused
 * connections, not ready. GET /loki/api/v1/query answers the line-count
 * query `threadline doctor` asks (./loki-double/query.ts); GET
 * /loki/api/v1/query_range answers log queries (./loki-double/query-range.ts),
 * over what it kept and for the asking tenant only when tenants are required.
 */
import { once } from 'node:events'
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { inflateRawSync, gunzipSync } from 'node:zlib'
import { uncompressSync } from 'snappy'
import { decodeJsonPush, decodeProtobufPush, type ReceivedStream } from './loki-double/decode.js'
import { answerCountQuery } from './loki-double/query.js'
import { DEFAULT_LIMITS, validateStream, type LokiLimits, type ValidStream } from './loki-double/validate.js'
import { QueryError, rangeParams, runLogQuery } from './loki-double/query-range.js'

export interface LokiDoubleOptions {
  /** Require X-Scope-OrgID: any value (true) or exactly this one. */
  requireTenant?: boolean | string
  basicAuth?: { username: string; password: string }
  bearerToken?: string
  /** A decoded push larger than this is answered 500, as the ingester gRPC limit (4 MiB) does. */
  maxBodyBytes?: number
  limits?: Partial<LokiLimits>
  /** The server clock for timestamp rules and query defaults, ms. */
  now?: () => number
  /** max_entries_limit_per_query: a query_range asking for more is answered 400. */
  maxEntriesLimitPerQuery?: number
}

export interface AcceptedEntry {
  /** As Loki prints them: `{a="x", b="y"}`. */
  labels: string
  labelSet: Readonly<Record<string, string>>
  /** ns since the epoch. */
  tsNs: string
  line: string
  tenant?: string
}

export interface FailureOptions {
  /** Retry-After header value (seconds or an HTTP date). */
  retryAfter?: string
  /** Share of each stream's valid entries stored before failing, as Loki's per-stream rate limit does. */
  acceptFraction?: number
}

export interface LokiDouble {
  /** Base URL, `http://127.0.0.1:PORT`. */
  readonly url: string
  readonly pushUrl: string
  readonly port: number
  /** Pushes (`count`, `byStatus`, `bodyBytes`), connections, and query_range requests (`queries`). */
  readonly requests: { count: number; byStatus: Record<number, number>; bodyBytes: number; connections: number; queries: number; lastHeaders?: IncomingHttpHeaders }
  /** Answer the next `count` pushes with `status`. */
  failNext(count: number, status: number, options?: FailureOptions): void
  /** Delay every answer (after storing) by `ms`. */
  setLatency(ms: number): void
  /** Stop listening and cut open connections: clients get ECONNREFUSED. */
  close(): Promise<void>
  /** Listen again on the same port. */
  reopen(): Promise<void>
  /** While false, GET /ready answers 503 as a starting Loki does. */
  setReady(ready: boolean): void
  entries(): AcceptedEntry[]
  lines(): string[]
  /** How many entries were accepted, without copying them (for polling). */
  count(): number
  stop(): Promise<void>
}

const PUSH_PATH = '/loki/api/v1/push'
const QUERY_PATH = '/loki/api/v1/query'
const FRAMED_SNAPPY_MAGIC = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59])

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** Undoes Content-Encoding then the body format, like pkg/loghttp/push/push.go ParseLokiRequest. */
function decodeBody(req: IncomingMessage, body: Buffer): { streams: ReceivedStream[]; payloadBytes: number } {
  const encoding = req.headers['content-encoding'] ?? ''
  let payload: Buffer
  try {
    if (encoding === '' || encoding === 'snappy') payload = body
    else if (encoding === 'gzip') payload = gunzipSync(body)
    else if (encoding === 'deflate') payload = inflateRawSync(body)
    else throw new HttpError(400, `Content-Encoding "${encoding}" not supported`)
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (mediaType === 'application/json') return { streams: decodeJsonPush(payload.toString('utf8')), payloadBytes: payload.length }
    // Anything else is protobuf in snappy *block* format (util.RawSnappy); the framed format is refused.
    if (payload.subarray(0, FRAMED_SNAPPY_MAGIC.length).equals(FRAMED_SNAPPY_MAGIC)) throw new Error('snappy: corrupt input')
    const message = uncompressSync(payload, { asBuffer: true }) as Buffer
    return { streams: decodeProtobufPush(message), payloadBytes: message.length }
  } catch (err) {
    if (err instanceof HttpError) throw err
    throw new HttpError(400, (err as Error).message)
  }
}

function checkAccess(req: IncomingMessage, options: LokiDoubleOptions): string | undefined {
  const authorization = req.headers.authorization
  if (options.basicAuth) {
    const expected = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`
    if (authorization !== expected) throw new HttpError(401, 'unauthorized')
  }
  if (options.bearerToken && authorization !== `Bearer ${options.bearerToken}`) throw new HttpError(401, 'unauthorized')
  const tenant = req.headers['x-scope-orgid'] as string | undefined
  if (options.requireTenant && !tenant) throw new HttpError(401, 'no org id')
  if (typeof options.requireTenant === 'string' && tenant !== options.requireTenant) throw new HttpError(401, `unknown tenant ${tenant}`)
  return tenant
}

/** Starts a double on a free port of 127.0.0.1. */
export async function startLokiDouble(options: LokiDoubleOptions = {}): Promise<LokiDouble> {
  const limits: LokiLimits = { ...DEFAULT_LIMITS, ...options.limits }
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024
  const now = options.now ?? Date.now
  const accepted: AcceptedEntry[] = []
  // Duplicates are found through an index of stream labels → timestamp → the line (or the lines, when
  // several distinct ones share a timestamp). Entries mostly arrive in timestamp order per stream, and
  // an entry newer than everything its stream holds cannot be a duplicate: the index is only brought up
  // to date (from `accepted`, starting at `indexed`) when an entry could be one, so an in-order push pays
  // no hashing at all, and an out-of-order one pays what an always-current index would have.
  const index = new Map<string, Map<string, string | string[]>>()
  let indexed = 0
  const newest = new Map<string, bigint>()
  const failures: Array<{ status: number } & FailureOptions> = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const requests: LokiDouble['requests'] = { count: 0, byStatus: {}, bodyBytes: 0, connections: 0, queries: 0 }
  let latencyMs = 0
  let ready = true

  function store(stream: ValidStream, count: number, tenant: string | undefined): void {
    const { labels, labelSet, entries } = stream
    let latest = newest.get(labels)
    for (let i = 0; i < count; i++) {
      const { tsNs: ns, line } = entries[i]!
      const tsNs = ns.toString()
      if (latest === undefined || ns > latest) latest = ns
      else if (isStored(labels, tsNs, line)) continue
      accepted.push({ labels, labelSet, tsNs, line, tenant })
    }
    if (latest !== undefined) newest.set(labels, latest)
  }

  function isStored(labels: string, tsNs: string, line: string): boolean {
    for (; indexed < accepted.length; indexed++) {
      const entry = accepted[indexed]!
      let byTs = index.get(entry.labels)
      if (!byTs) index.set(entry.labels, (byTs = new Map()))
      const prior = byTs.get(entry.tsNs)
      if (prior === undefined) byTs.set(entry.tsNs, entry.line)
      else if (typeof prior === 'string') byTs.set(entry.tsNs, [prior, entry.line])
      else prior.push(entry.line)
    }
    const prior = index.get(labels)?.get(tsNs)
    return prior === line || (typeof prior === 'object' && prior.includes(line))
  }

  function push(req: IncomingMessage, body: Buffer): { status: number; text: string; headers?: Record<string, string> } {
    const tenant = checkAccess(req, options)
    const { streams, payloadBytes } = decodeBody(req, body)
    if (payloadBytes > maxBodyBytes) {
      throw new HttpError(500, `rpc error: code = ResourceExhausted desc = grpc: received message larger than max (${payloadBytes} vs. ${maxBodyBytes})`)
    }
    const nowNs = BigInt(Math.round(now())) * 1_000_000n
    const results = streams.map((stream) => validateStream(stream, nowNs, limits))
    const valid = results.flatMap((r) => (r.valid ? [r.valid] : []))
    const failure = failures.shift()
    if (failure) {
      const fraction = failure.acceptFraction ?? 0
      for (const stream of valid) store(stream, Math.floor(stream.entries.length * fraction), tenant)
      const text =
        failure.status === 429
          ? `Per stream rate limit exceeded (limit: 3MB/sec) while attempting to ingest for stream '${valid[0]?.labels ?? '{}'}', consider splitting a stream via additional labels or contact your Loki administrator to see if the limit can be increased`
          : `rpc error: code = Unavailable desc = failure injected by the Loki double`
      return { status: failure.status, text, ...(failure.retryAfter ? { headers: { 'Retry-After': failure.retryAfter } } : {}) }
    }
    for (const stream of valid) store(stream, stream.entries.length, tenant)
    const errors = results.flatMap((r) => r.errors)
    if (errors.length > 0) return { status: 400, text: errors.join('\n') }
    return { status: 204, text: '' }
  }

  function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    requests.byStatus[status] = (requests.byStatus[status] ?? 0) + 1
    const send = () => {
      timers.delete(timer)
      if (res.destroyed) return
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(status === 204 ? undefined : `${text}\n`)
    }
    const timer = setTimeout(send, latencyMs)
    timers.add(timer)
  }

  function queryRange(req: IncomingMessage, res: ServerResponse): void {
    requests.queries++
    try {
      const tenant = checkAccess(req, options)
      const params = rangeParams(new URL(req.url ?? '/', 'http://double').searchParams, BigInt(Math.round(now())) * 1_000_000n, options.maxEntriesLimitPerQuery ?? 5000)
      const visible = options.requireTenant ? accepted.filter((entry) => entry.tenant === tenant) : accepted
      const result = runLogQuery(visible, params.query, params)
      const body = JSON.stringify({ status: 'success', data: { resultType: 'streams', result, stats: {} } })
      res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' }).end(body)
    } catch (err) {
      if (err instanceof HttpError) return void res.writeHead(err.status).end(`${err.message}\n`)
      if (!(err instanceof QueryError)) throw err
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${err.message}\n`)
    }
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (req.method === 'GET' && path === '/ready') {
      // A starting Loki's words (pkg/loki/loki.go readyHandler via the ingester's CheckReady).
      return void (ready ? res.writeHead(200).end('ready\n') : res.writeHead(503).end('Ingester not ready: waiting for 15s after being ready\n'))
    }
    if (req.method === 'GET' && path === QUERY_PATH) {
      try {
        const tenant = checkAccess(req, options)
        const { status, body } = answerCountQuery(new URL(req.url ?? '', 'http://double').searchParams, accepted, tenant, now())
        return void res.writeHead(status, { 'Content-Type': status === 200 ? 'application/json' : 'text/plain; charset=utf-8' }).end(body)
      } catch (err) {
        if (!(err instanceof HttpError)) throw err
        return void res.writeHead(err.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${err.message}\n`)
      }
    }
    if (req.method === 'GET' && path === '/loki/api/v1/query_range') return queryRange(req, res)
    if (req.method !== 'POST' || path !== PUSH_PATH) return void res.writeHead(404).end('404 page not found\n')
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      requests.count++
      requests.bodyBytes += body.length
      requests.lastHeaders = req.headers
      try {
        const { status, text, headers } = push(req, body)
        answer(res, status, text, headers)
      } catch (err) {
        if (!(err instanceof HttpError)) throw err
        answer(res, err.status, err.message)
      }
    })
  })
  server.on('connection', (socket) => {
    requests.connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function listen(port: number): Promise<number> {
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    return (server.address() as { port: number }).port
  }
  async function close(): Promise<void> {
    if (!server.listening) return
    const closed = once(server, 'close')
    server.close()
    for (const socket of sockets) socket.destroy()
    await closed
  }

  const port = await listen(0)
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    pushUrl: `${url}${PUSH_PATH}`,
    port,
    requests,
    failNext(count, status, failureOptions = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, ...failureOptions })
    },
    setLatency(ms) {
      latencyMs = ms
    },
    close,
    async reopen() {
      if (!server.listening) await listen(port)
    },
    setReady(value) {
      ready = value
    },
    entries: () => [...accepted],
    lines: () => accepted.map((e) => e.line),
    count: () => accepted.length,
    async stop() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      await close()
    },
  }
}
