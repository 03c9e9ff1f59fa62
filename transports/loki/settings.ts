/**
 * How a Loki pusher behaves, whoever runs it: the agent's loki sink resolves
 * these from its YAML config and LOKI_* variables, the pino transport takes
 * them as options. One shape, so the two cannot drift apart.
 */
import type { LokiClientOptions } from './push.js'
import type { LokiEncoding } from './types.js'

export interface LokiShippingSettings {
  encoding: LokiEncoding
  /** JSON only: gzip request bodies. */
  gzip: boolean
  /** Sent as X-Scope-OrgID. */
  tenantId?: string
  basicAuth?: { username: string; password: string }
  bearerToken?: string
  /** A batch leaves once it holds `maxBytes` of line text, or its oldest line waited `maxWaitMs`. */
  batch: { maxBytes: number; maxWaitMs: number }
  /** Retry delays: from `minBackoffMs`, doubling with jitter, capped at `maxBackoffMs` (Retry-After too). */
  retry: { minBackoffMs: number; maxBackoffMs: number }
  /** Longest a push may take, answer included, before it counts as failed and is retried. */
  timeoutMs: number
  tls?: LokiClientOptions['tls']
}

/** The agent sink's defaults (agent/sinks/loki/config.ts documents them). */
export const DEFAULT_SHIPPING: Readonly<LokiShippingSettings> = Object.freeze({
  encoding: 'protobuf',
  gzip: false,
  batch: Object.freeze({ maxBytes: 1024 * 1024, maxWaitMs: 1000 }),
  retry: Object.freeze({ minBackoffMs: 500, maxBackoffMs: 300_000 }),
  timeoutMs: 10_000,
}) as Readonly<LokiShippingSettings>
