/**
 * Everything one safety-telemetry scrape reads, in two or three round trips
 * whose cost does not grow with the streams' length: XLEN is O(1), the
 * newest entry is XREVRANGE COUNT 1, and windows are id ranges (O(log N)
 * plus what they return) capped at `max_entries`. Never KEYS, never a
 * whole-stream read.
 */
import type { Redis } from 'ioredis'
import { entryTimeSeconds } from '../common/epoch.js'
import { execAll, fieldOf, type RawEntry } from '../common/pipeline.js'
import { globEscape, scanKeys } from '../common/scan.js'
import type { SafetyTelemetryConfig } from './config.js'

export const TOP_RANKS = 5
const HOUR_MS = 3_600_000
const MINUTE_MS = 60_000

export interface LastFault {
  timestampSeconds: number
  reason: string
  symbol: string
  side: string
}

export interface SafetySnapshot {
  safeMode: 0 | 1
  /** Remaining TTL in seconds; -1 no TTL, -2 key absent (Redis' own TTL answers). */
  safeModeTtlSeconds: number
  faultStreamLength: number
  faultsLastHour: number
  lastFault: LastFault | undefined
  /** Fault entries after `afterId` (at most max_entries), and the id of the newest one read. */
  newFaults: number
  newestFaultId: string | undefined
  tradeIntentStreamLength: number
  tradeIntentsLastMinute: number
  rateGlobal: number
  /** Up to five symbols by count, highest first. */
  top: Array<{ symbol: string; count: number }>
}

const OFF_VALUES = new Set(['', '0', 'false', 'off', 'no'])

/** `afterId`: the newest fault id already counted, or undefined on the first read (which only sets the baseline). */
export async function readSafety(redis: Redis, config: SafetyTelemetryConfig, nowMs: number, afterId: string | undefined): Promise<SafetySnapshot> {
  const { keys, max_entries: cap } = config
  const minute = Math.floor(nowMs / MINUTE_MS)
  const pipeline = redis
    .pipeline()
    .get(keys.safe_mode)
    .ttl(keys.safe_mode)
    .xlen(keys.fault_stream)
    .xrevrange(keys.fault_stream, '+', '-', 'COUNT', 1)
    .xrange(keys.fault_stream, String(nowMs - HOUR_MS), '+', 'COUNT', cap)
    .xlen(keys.trade_intent_stream)
    .xrange(keys.trade_intent_stream, String(nowMs - MINUTE_MS), '+', 'COUNT', cap)
    .get(`${keys.rate_global_prefix}${minute}`)
  // Exclusive range: entries strictly after the last one counted (Redis 6.2+).
  if (afterId !== undefined) pipeline.xrange(keys.fault_stream, `(${afterId}`, '+', 'COUNT', cap)
  const [safeMode, ttl, faultLength, newest, hour, intentLength, lastMinute, global, fresh] = (await execAll(pipeline)) as [
    string | null,
    number,
    number,
    RawEntry[],
    RawEntry[],
    number,
    RawEntry[],
    string | null,
    RawEntry[] | undefined,
  ]

  const ts = config.fault_fields.ts
  const hourAgoSeconds = (nowMs - HOUR_MS) / 1000
  const newestEntry = newest[0]
  const newFaults = fresh ?? []
  return {
    safeMode: safeMode !== null && !OFF_VALUES.has(safeMode.trim().toLowerCase()) ? 1 : 0,
    safeModeTtlSeconds: ttl,
    faultStreamLength: faultLength,
    // Candidates by entry id, counted by their normalised time: a producer's `ts` may lag its id.
    faultsLastHour: hour.filter(([id, fields]) => entryTimeSeconds(fieldOf(fields, ts), id) >= hourAgoSeconds).length,
    lastFault: newestEntry && lastFaultOf(newestEntry, config),
    newFaults: newFaults.length,
    newestFaultId: newFaults.at(-1)?.[0] ?? afterId ?? newestEntry?.[0] ?? '0-0',
    tradeIntentStreamLength: intentLength,
    tradeIntentsLastMinute: lastMinute.length,
    rateGlobal: counterValue(global),
    top: await topSymbols(redis, config, minute),
  }
}

function lastFaultOf([id, fields]: RawEntry, { fault_fields: names }: SafetyTelemetryConfig): LastFault {
  return {
    timestampSeconds: entryTimeSeconds(fieldOf(fields, names.ts), id),
    reason: fieldOf(fields, names.reason) ?? '',
    symbol: fieldOf(fields, names.symbol) ?? '',
    side: fieldOf(fields, names.side) ?? '',
  }
}

/** A rate bucket's value; a missing or non-integer one counts 0. */
function counterValue(value: string | null | undefined): number {
  const n = Number(value ?? 0)
  return Number.isFinite(n) ? n : 0
}

async function topSymbols(redis: Redis, config: SafetyTelemetryConfig, minute: number): Promise<SafetySnapshot['top']> {
  const prefix = config.keys.rate_symbol_prefix
  const suffix = `:${minute}`
  const keys = config.symbols
    ? config.symbols.map((symbol) => `${prefix}${symbol}${suffix}`)
    : await scanKeys(redis, `${globEscape(prefix)}*${suffix}`, config.scan)
  if (keys.length === 0) return []
  const values = await redis.mget(...keys)
  return keys
    .map((key, i) => ({ symbol: key.slice(prefix.length, key.length - suffix.length), count: counterValue(values[i]) }))
    .filter(({ count }) => count > 0)
    .sort((a, b) => b.count - a.count || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
    .slice(0, TOP_RANKS)
}
