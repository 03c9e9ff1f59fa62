/**
 * `safety_telemetry`'s config. Every key name is configurable; the defaults
 * are the Redis contract of the Python exporter it replaces (README,
 * "Plugins").
 */
import { z } from 'zod'
import { RedisConfig } from '../common/redis-config.js'
import { ScanConfig } from '../common/scan-config.js'
import { pluginListen } from '../common/listen-config.js'

export const SafetyTelemetryConfig = z
  .object({
    type: z.literal('safety_telemetry'),
    /** HOST:PORT of its own /metrics (the Python exporter's port by default), or `agent`. */
    listen: pluginListen('127.0.0.1:9105'),
    redis: RedisConfig,
    keys: z
      .object({
        /** String key; 1 while it exists with a value other than 0/false/off/empty. */
        safe_mode: z.string().min(1).default('quantum:safety:safe_mode'),
        /** Stream of faults. */
        fault_stream: z.string().min(1).default('quantum:stream:safety.fault'),
        /** Stream of trade intents. */
        trade_intent_stream: z.string().min(1).default('quantum:stream:trade.intent'),
        /** Integer counters `<prefix><epoch_minute>`. */
        rate_global_prefix: z.string().min(1).default('quantum:safety:rate:global:'),
        /** Integer counters `<prefix><SYMBOL>:<epoch_minute>`. */
        rate_symbol_prefix: z.string().min(1).default('quantum:safety:rate:symbol:'),
      })
      .strict()
      .prefault({}),
    /** Field names of a fault entry. */
    fault_fields: z
      .object({
        reason: z.string().min(1).default('reason'),
        symbol: z.string().min(1).default('symbol'),
        side: z.string().min(1).default('side'),
        ts: z.string().min(1).default('ts'),
      })
      .strict()
      .prefault({}),
    /** Symbols whose rate buckets are read; when unset they are found with a bounded SCAN. */
    symbols: z.array(z.string().min(1)).min(1).optional(),
    scan: ScanConfig,
    /** Most stream entries one scrape reads for a window count or for new faults; new faults past it are counted at the next scrape. */
    max_entries: z.number().int().min(1).default(10_000),
  })
  .strict()

export type SafetyTelemetryConfig = z.output<typeof SafetyTelemetryConfig>
