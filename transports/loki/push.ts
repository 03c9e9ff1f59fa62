/**
 * The HTTP side of a push: one keep-alive connection pool, auth and tenant
 * headers, a deadline per request, and an answer classified as a result.
 * `send` never throws and never rejects: every failure is a value the caller
 * can count and act on.
 */
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type https from 'node:https'
import { createRequire } from 'node:module'
import { encodePush } from './encode.js'
import type { EncodedPush, LokiEncoding, LokiStream } from './types.js'

export interface LokiClientOptions {
  /** Full push URL, e.g. `https://loki:3100/loki/api/v1/push`. */
  endpoint: string
  encoding?: LokiEncoding
  /** JSON only: gzip request bodies. */
  gzip?: boolean
  /** Sent as X-Scope-OrgID (multi-tenant Loki). */
  tenantId?: string
  basicAuth?: { username: string; password: string }
  bearerToken?: string
  /** From sending the request to the end of the answer. */
  timeoutMs?: number
  tls?: { caFile?: string; insecureSkipVerify?: boolean }
  /**
   * Largest uncompressed body to send: Loki forwards a push to ingesters as
   * one gRPC message, and grpc_server_max_recv_msg_size defaults to 4 MiB.
   */
  maxBodyBytes?: number
}

export type PushResult =
  | { ok: true; status: number }
  | {
      ok: false
      /** Worth sending the same body again later. */
      retryable: boolean
      /** HTTP status, or why there was none; `invalid` when the streams could not be encoded. */
      status: number | 'network' | 'timeout' | 'invalid'
      /** Loki's answer (truncated) or the network error; never a request header. */
      error: string
      /** From a Retry-After header. */
      retryAfterMs?: number
    }

export interface LokiClient {
  readonly maxBodyBytes: number
  /** Encodes streams with the configured encoding. Throws only for a malformed selector with JSON. */
  encode(streams: readonly LokiStream[]): EncodedPush
  /** Sends an encoded body once. */
  send(encoded: EncodedPush, options?: { signal?: AbortSignal }): Promise<PushResult>
  /** encode + send; never throws. */
  push(streams: readonly LokiStream[], options?: { signal?: AbortSignal }): Promise<PushResult>
  /** Closes idle keep-alive connections. */
  close(): void
}

const ERROR_TEXT_LIMIT = 1024
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

/**
 * 400 means the data is bad and never will be accepted. Auth and routing
 * failures (401, 403, 404) are retried like outages: they need an operator,
 * and the store keeps the lines until one fixes the configuration.
 */
function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 401 || status === 403 || status === 404 || status === 408 || status === 429
}

/** The Authorization header value of basic or bearer auth; also what `threadline doctor` queries Loki with. */
export function authorization(options: Pick<LokiClientOptions, 'basicAuth' | 'bearerToken'>): string | undefined {
  if (options.basicAuth) {
    const { username, password } = options.basicAuth
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  }
  return options.bearerToken ? `Bearer ${options.bearerToken}` : undefined
}

/** What every request to Loki carries, pushes and queries alike: auth, tenant and who is asking. */
export type LokiAccess = Pick<LokiClientOptions, 'tenantId' | 'basicAuth' | 'bearerToken'>

/** The headers of {@link LokiAccess}; throws when both basic auth and a bearer token are given. */
export function lokiAccessHeaders(access: LokiAccess): Record<string, string> {
  if (access.basicAuth && access.bearerToken) throw new TypeError('basicAuth and bearerToken are exclusive; received both')
  const headers: Record<string, string> = { 'User-Agent': 'threadline-loki/1' }
  if (access.tenantId) headers['X-Scope-OrgID'] = access.tenantId
  const auth = authorization(access)
  if (auth) headers.Authorization = auth
  return headers
}

const require = createRequire(import.meta.url)

/**
 * node:http, or node:https for an https URL, loaded then: https brings tls
 * with it, which an agent shipping to a plain-http Loki on its own host never
 * uses (0.3 MB of its idle RSS, README "Performance").
 */
export function httpModuleFor(url: URL): typeof http | typeof https {
  return url.protocol === 'https:' ? (require('node:https') as typeof https) : http
}

/** A keep-alive connection pool for Loki's URL, with the CA and verification `tls` asks for. */
export function lokiHttpAgent(url: URL, tls: LokiClientOptions['tls'] = {}): http.Agent {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`endpoint must be an http(s) URL, received protocol ${JSON.stringify(url.protocol)}`)
  }
  return url.protocol === 'https:'
    ? new (httpModuleFor(url) as typeof https).Agent({ keepAlive: true, ca: tls.caFile ? readFileSync(tls.caFile) : undefined, rejectUnauthorized: !tls.insecureSkipVerify })
    : new http.Agent({ keepAlive: true })
}

/** A Loki push client. Throws at construction for a bad endpoint or an unreadable CA file. */
export function createLokiClient(options: LokiClientOptions): LokiClient {
  const { endpoint, encoding = 'protobuf', gzip = false, tenantId, timeoutMs = 10_000, tls = {}, maxBodyBytes = DEFAULT_MAX_BODY_BYTES } = options
  const url = new URL(endpoint)
  const baseHeaders = lokiAccessHeaders({ tenantId, basicAuth: options.basicAuth, bearerToken: options.bearerToken })
  if (!(timeoutMs > 0)) throw new TypeError(`timeoutMs must be a positive number, received ${timeoutMs}`)
  const agent = lokiHttpAgent(url, tls)
  const transport = httpModuleFor(url)

  function send(encoded: EncodedPush, { signal }: { signal?: AbortSignal } = {}): Promise<PushResult> {
    return new Promise((resolve) => {
      let settled = false
      let timedOut = false
      const finish = (result: PushResult) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(result)
      }
      const headers = {
        ...baseHeaders,
        'Content-Type': encoded.contentType,
        'Content-Length': String(encoded.body.length),
        ...(encoded.contentEncoding ? { 'Content-Encoding': encoded.contentEncoding } : {}),
      }
      const request = transport.request(url, { method: 'POST', agent, headers, signal })
      const timer = setTimeout(() => {
        timedOut = true
        request.destroy()
      }, timeoutMs)
      request.on('error', (err: NodeJS.ErrnoException) => {
        if (timedOut) finish({ ok: false, retryable: true, status: 'timeout', error: `no answer within ${timeoutMs} ms` })
        else finish({ ok: false, retryable: true, status: 'network', error: err.code ?? err.message })
      })
      request.on('response', (response) => {
        const status = response.statusCode ?? 0
        const chunks: Buffer[] = []
        let kept = 0
        response.on('data', (chunk: Buffer) => {
          // Read the whole answer so the socket can be reused, but keep only its start.
          if (kept < ERROR_TEXT_LIMIT) chunks.push(chunk)
          kept += chunk.length
        })
        response.on('error', (err: NodeJS.ErrnoException) => request.emit('error', err))
        response.on('end', () => {
          if (status >= 200 && status < 300) return finish({ ok: true, status })
          const retryAfterMs = parseRetryAfter(response.headers['retry-after'])
          finish({
            ok: false,
            retryable: isRetryableStatus(status),
            status,
            error: Buffer.concat(chunks).toString('utf8', 0, ERROR_TEXT_LIMIT).trim(),
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          })
        })
      })
      request.end(encoded.body)
    })
  }

  function encode(streams: readonly LokiStream[]): EncodedPush {
    return encodePush(streams, { encoding, gzip })
  }

  return {
    maxBodyBytes,
    encode,
    send,
    async push(streams, sendOptions) {
      let encoded: EncodedPush
      try {
        encoded = encode(streams)
      } catch (err) {
        return { ok: false, retryable: false, status: 'invalid', error: (err as Error).message }
      }
      return send(encoded, sendOptions)
    },
    close() {
      agent.destroy()
    },
  }
}
