/**
 * The `safety_telemetry` plugin: a drop-in for the Python safety-telemetry
 * exporter (same port, names and labels), read from Redis at scrape time.
 * What it fixes by design is in the README ("Migrating from the Python
 * exporters"): normalised timestamps, a real fault counter, no KEYS.
 */
import { createRedisScrape } from '../common/redis-scrape.js'
import { definePlugin } from '../define.js'
import type { SafetyTelemetryConfig } from './config.js'
import { readSafety, TOP_RANKS, type SafetySnapshot } from './read.js'

export default definePlugin<SafetyTelemetryConfig>({
  type: 'safety_telemetry',
  description: 'Safe mode, faults, trade intents and rate buckets from Redis, as the Python safety-telemetry exporter served them.',
  create(config, ctx) {
    // The newest fault entry id already counted in faults_observed_total; set by the first successful read.
    let countedUpTo: string | undefined
    const scrape = createRedisScrape<SafetySnapshot>({
      prefix: 'quantum_safety',
      exporter: 'safety-telemetry',
      redis: config.redis,
      ctx,
      read: (redis, nowMs) => readSafety(redis, config, nowMs, countedUpTo),
      apply(snapshot) {
        safeMode.set(snapshot.safeMode)
        safeModeTtl.set(snapshot.safeModeTtlSeconds)
        faultLength.set(snapshot.faultStreamLength)
        faultsLastHour.set(snapshot.faultsLastHour)
        lastFaultTimestamp.reset()
        lastFaultInfo.reset()
        if (snapshot.lastFault) {
          const { timestampSeconds, reason, symbol, side } = snapshot.lastFault
          lastFaultTimestamp.set(timestampSeconds)
          lastFaultInfo.set({ reason, symbol, side }, 1)
        }
        faultsObserved.inc(snapshot.newFaults)
        countedUpTo = snapshot.newestFaultId
        intentLength.set(snapshot.tradeIntentStreamLength)
        intentRate.set(snapshot.tradeIntentsLastMinute)
        rateGlobal.set(snapshot.rateGlobal)
        // Refilled from scratch: a symbol that left the top 5 leaves no series behind.
        symbolTop.reset()
        for (let rank = 1; rank <= TOP_RANKS; rank++) {
          const entry = snapshot.top[rank - 1]
          symbolTop.set({ rank: String(rank), symbol: entry?.symbol ?? '' }, entry?.count ?? 0)
        }
        top5Info.reset()
        top5Info.set({ symbols: snapshot.top.map((entry) => entry.symbol).join(',') || 'none' }, 1)
      },
    })
    const safeMode = scrape.gauge('quantum_safety_safe_mode', '1 while safe mode is on, 0 otherwise.')
    const safeModeTtl = scrape.gauge('quantum_safety_safe_mode_ttl_seconds', 'Seconds until safe mode expires; -1 when it has no TTL, -2 when the key is absent.')
    const faultLength = scrape.gauge('quantum_safety_fault_stream_length', 'Entries in the fault stream.')
    const faultsLastHour = scrape.gauge('quantum_safety_faults_last_1h', 'Fault entries whose time is within the last hour (a sliding window: alert on quantum_safety_faults_observed_total instead).')
    const lastFaultTimestamp = scrape.gauge('quantum_safety_last_fault_timestamp', 'Time of the newest fault entry, in Unix seconds; 0 while the stream is empty.')
    const lastFaultInfo = scrape.gauge('quantum_safety_last_fault_info', 'The newest fault entry; always 1.', ['reason', 'symbol', 'side'])
    const faultsObserved = scrape.counter('quantum_safety_faults_observed_total', 'Fault entries newer than the newest one seen before, counted since the agent started.')
    const intentLength = scrape.gauge('quantum_trade_intent_stream_length', 'Entries in the trade intent stream.')
    const intentRate = scrape.gauge('quantum_trade_intent_rate_per_min', 'Trade intent entries in the last 60 seconds.')
    const rateGlobal = scrape.gauge('quantum_safety_rate_global_current_window', "The global rate bucket of the current minute.")
    const symbolTop = scrape.gauge('quantum_safety_rate_symbol_top', "The current minute's five highest per-symbol rate buckets, by rank; empty ranks have symbol=\"\" and 0.", ['rank', 'symbol'])
    const top5Info = scrape.gauge('quantum_safety_rate_symbol_top5_info', 'The top five symbols of the current minute, comma-separated in rank order ("none" when there are none); always 1.', ['symbols'])
    faultsObserved.inc(0)
    return scrape
  },
})
