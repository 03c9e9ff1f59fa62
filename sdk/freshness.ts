/**
 * Publisher-side freshness for harvest proposals. A publisher that skips a
 * full publish when rate limiting says so still runs its cycle; if it wrote
 * nothing, `quantum_harvest_last_update_epoch` would stop moving and a
 * staleness alert would fire for data that is merely stable. So every cycle
 * writes `last_update_epoch` (with the proposal on a full publish, alone on
 * a skip), and the skips are counted in
 * `quantum_harvest_publish_rate_limited_total`: staleness then measures the
 * publisher's health, and the counter says how often it held back.
 */
import type { Redis } from 'ioredis'
import { Counter, Registry } from 'prom-client'

export const RATE_LIMITED_METRIC = 'quantum_harvest_publish_rate_limited_total'
export const DEFAULT_FRESHNESS_FIELD = 'last_update_epoch'

export interface FreshnessOptions {
  redis: Redis
  /** The hash a symbol's proposal lives in. Default `quantum:harvest:proposal:<symbol>` (the harvest plugin's default). */
  key?: (symbol: string) => string
  /** The field written on every cycle. Default `last_update_epoch`. */
  field?: string
  /** Where the skip counter is registered; a new Registry when omitted (read it from `freshness.registry`). */
  registry?: Registry
  /** Clock in ms since the epoch (tests). */
  now?: () => number
}

export interface Freshness {
  /** The registry holding `quantum_harvest_publish_rate_limited_total`: expose it on the service's /metrics. */
  readonly registry: Registry
  /** A full publish: the proposal's fields and `last_update_epoch`, in one HSET. */
  publish(symbol: string, fields: Record<string, string | number>): Promise<void>
  /** A cycle whose publish rate limiting skipped: only `last_update_epoch` is written, and the skip is counted. */
  rateLimited(symbol: string): Promise<void>
}

/**
 * The freshness helper for one publisher. Several helpers may share a
 * registry: the counter is registered once and shared.
 */
export function createFreshness({
  redis,
  key = (symbol) => `quantum:harvest:proposal:${symbol}`,
  field = DEFAULT_FRESHNESS_FIELD,
  registry = new Registry(),
  now = Date.now,
}: FreshnessOptions): Freshness {
  if (typeof key !== 'function') throw new TypeError(`createFreshness: key must be a function of the symbol, received ${typeof key}`)
  const skips =
    (registry.getSingleMetric(RATE_LIMITED_METRIC) as Counter<'symbol'> | undefined) ??
    new Counter({
      name: RATE_LIMITED_METRIC,
      help: 'Harvest publish cycles whose full publish was skipped by rate limiting (last_update_epoch was still written).',
      labelNames: ['symbol'],
      registers: [registry],
    })
  // Whole seconds: the Python side parses the field with int().
  const epoch = () => String(Math.floor(now() / 1000))
  return {
    registry,
    async publish(symbol, fields) {
      await redis.hset(key(symbol), { ...fields, [field]: epoch() })
    },
    async rateLimited(symbol) {
      await redis.hset(key(symbol), field, epoch())
      skips.inc({ symbol })
    },
  }
}
