/**
 * The scrape cycle every Redis-reading plugin shares. Each of the plugin's
 * metrics has a `collect()` that awaits one read per scrape (prom-client
 * renders the metrics of a registry concurrently, so the first collect
 * starts the read and the others wait for the same one). The read gathers
 * a snapshot within the Redis deadline; only a complete snapshot is applied,
 * so a failed or slow read leaves the last good values in place and sets
 * `<prefix>_redis_up` to 0 instead of failing the scrape.
 */
import type { Redis } from 'ioredis'
import { Counter, Gauge, Registry } from '../../metrics/prom-client.js'
import type { PluginContext, PluginInstance } from '../define.js'
import { buildInfo } from '../../core/build-info.js'
import type { RedisConfig } from './redis-config.js'
import { createRedisReader, DeadlineError } from './redis-reader.js'

export const ERROR_TYPES = ['timeout', 'connection', 'command', 'read'] as const
export type ScrapeErrorType = (typeof ERROR_TYPES)[number]

export function errorTypeOf(error: unknown): ScrapeErrorType {
  if (error instanceof DeadlineError) return 'timeout'
  const name = (error as Error | undefined)?.name
  if (name === 'ReplyError') return 'command'
  const message = String((error as Error | undefined)?.message ?? '')
  if (/ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection is closed|Stream isn't writeable|connect/i.test(message)) return 'connection'
  return 'read'
}

export interface RedisScrapeOptions<Snapshot> {
  /** Metric name prefix, e.g. `quantum_safety`. */
  prefix: string
  /** Used in the HELP texts, e.g. "safety-telemetry". */
  exporter: string
  redis: RedisConfig
  ctx: PluginContext
  /** Everything one scrape needs from Redis; throwing (or passing the deadline) keeps the last good values. */
  read(redis: Redis, nowMs: number): Promise<Snapshot>
  /** Sets the plugin's metrics from a complete snapshot. */
  apply(snapshot: Snapshot, nowMs: number): void
}

export interface RedisScrape extends PluginInstance {
  /** A gauge on the plugin's registry, read at scrape time. */
  gauge<Label extends string = never>(name: string, help: string, labelNames?: readonly Label[]): Gauge<Label>
  /** A counter on the plugin's registry, read at scrape time. */
  counter<Label extends string = never>(name: string, help: string, labelNames?: readonly Label[]): Counter<Label>
}

export function createRedisScrape<Snapshot>({ prefix, exporter, redis: redisConfig, ctx, read, apply }: RedisScrapeOptions<Snapshot>): RedisScrape {
  const registry = new Registry()
  const reader = createRedisReader(redisConfig, ctx.log)
  let inFlight: Promise<void> | undefined
  const collect = () => (inFlight ??= scrape().finally(() => (inFlight = undefined)))

  const gauge = <Label extends string = never>(name: string, help: string, labelNames: readonly Label[] = []) =>
    new Gauge<Label>({ name, help, labelNames, registers: [registry], collect })
  const counter = <Label extends string = never>(name: string, help: string, labelNames: readonly Label[] = []) =>
    new Counter<Label>({ name, help, labelNames, registers: [registry], collect })

  const up = gauge(`${prefix}_redis_up`, `1 when the last scrape read Redis completely within the deadline, 0 when it failed (the other values are then the last good ones).`)
  const lastError = gauge(`${prefix}_redis_last_error_timestamp`, 'When a scrape last failed to read Redis, in Unix seconds; 0 before the first failure.')
  const scrapes = counter(`${prefix}_exporter_scrapes_total`, `Scrapes of the ${exporter} exporter.`)
  const errors = counter(`${prefix}_exporter_errors_total`, `Scrapes of the ${exporter} exporter whose Redis read failed, by error_type (timeout, connection, command, read).`, ['error_type'])
  const build = new Gauge({
    name: `${prefix}_exporter_build_info`,
    help: `The ${exporter} exporter's version, commit and deployment; always 1.`,
    labelNames: ['version', 'git', 'deployment'],
    registers: [registry],
  })
  build.set({ ...buildInfo() }, 1)
  lastError.set(0)
  for (const errorType of ERROR_TYPES) errors.inc({ error_type: errorType } as never, 0)

  async function scrape(): Promise<void> {
    scrapes.inc()
    const nowMs = ctx.now()
    try {
      const snapshot = await reader.read((redis) => read(redis, nowMs))
      apply(snapshot, nowMs)
      up.set(1)
    } catch (error) {
      up.set(0)
      lastError.set(ctx.now() / 1000)
      errors.inc({ error_type: errorTypeOf(error) } as never)
    }
  }

  return { registry, gauge, counter, start: () => reader.start(), stop: () => reader.stop() }
}
