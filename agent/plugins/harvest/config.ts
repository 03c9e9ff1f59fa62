/**
 * `harvest`'s config. Key prefix and field names are configurable; the
 * defaults are the Redis contract of the Python harvest-metrics exporter
 * (README, "Plugins").
 */
import { z } from 'zod'
import { RedisConfig } from '../common/redis-config.js'
import { ScanConfig } from '../common/scan-config.js'
import { pluginListen } from '../common/listen-config.js'

export const HarvestConfig = z
  .object({
    type: z.literal('harvest'),
    /** HOST:PORT of its own /metrics (the Python exporter's port by default), or `agent`. */
    listen: pluginListen('127.0.0.1:8042'),
    redis: RedisConfig,
    /** Proposal hashes are `<key_prefix><SYMBOL>`. */
    key_prefix: z.string().min(1).default('quantum:harvest:proposal:'),
    /** Symbols to read; when unset they are found with a bounded SCAN of `<key_prefix>*`. */
    symbols: z.array(z.string().min(1)).min(1).optional(),
    scan: ScanConfig,
    /** Hash field names. */
    fields: z
      .object({
        action: z.string().min(1).default('harvest_action'),
        kill_score: z.string().min(1).default('kill_score'),
        /** ISO-8601 date-time, UTC when it names no zone. */
        computed_at: z.string().min(1).default('computed_at_utc'),
        /** Unix seconds (or ms) the publisher last ran its cycle; written by the SDK's createFreshness. */
        last_update: z.string().min(1).default('last_update_epoch'),
      })
      .strict()
      .prefault({}),
  })
  .strict()

export type HarvestConfig = z.output<typeof HarvestConfig>
