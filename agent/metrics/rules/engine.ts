/**
 * The log-derived metrics engine: a tap on the stream of parsed lines that
 * counts, measures and pairs them into Prometheus metrics on its own Registry,
 * which the agent merges into its /metrics.
 *
 * The engine does no I/O. The pipeline calls `observe(batch)`, then writes the
 * batch, the source positions and `takeStateDelta()` in one store transaction;
 * at start-up it hands `restore()` what the store kept (agent/metrics/pair-state.ts).
 */
import type { Registry } from 'prom-client'
import { labelSetNumber, type LogEvent } from '../../core/types.js'
import type { MetricsConfig } from './config.js'
import { createCounterRule } from './counter-rule.js'
import { builtInRules } from './defaults.js'
import { createHistogramRule } from './histogram-rule.js'
import { LineClocks } from './line-clocks.js'
import { older, PairJournal, type PairEntry, type PairStateDelta } from './pair-journal.js'
import { PairLineRule } from './pair-rule.js'
import { eventsOf } from './predicate.js'
import { RuleContext, type LineRule } from './rule-context.js'

export interface MetricsEngineOptions {
  /** Wall clock in ms, for timing out pairs once lines stop arriving. Default `Date.now`. */
  now?: () => number
}

export interface MetricsEngine {
  /** The derived metrics (and the engine's own `threadline_derived_*` counters). */
  readonly registry: Registry
  /** Runs every rule over a batch, in order, then times out pairs against the line clock. */
  observe(events: readonly LogEvent[]): void
  /** Times out pairs when lines have gone quiet; the agent calls it every second. */
  tick(): void
  /** Pair state changed since the last call, to persist with the batch that caused it. */
  takeStateDelta(): PairStateDelta
  /**
   * Puts back pair state persisted before a restart; call once, before the first
   * observe(). Entries of pair rules no longer configured are dropped (and
   * deleted by the next delta). New changes are numbered after
   * `seqsUsedThrough`: the store may hold changes newer than any live entry
   * (a forgotten key), and a number must never be given twice.
   */
  restore(entries: readonly PairEntry[], seqsUsedThrough?: number): void
}

const MAX_CACHED_EVENTS = 1024

/** Events to run a rule on: both sides' for a pair; undefined (every event) when either side may match any. */
function eitherOf(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  return a === undefined || b === undefined ? undefined : new Set([...a, ...b])
}

/** The rules that can match a line of one event: those run on each line, and those run once per label set (`LineRule.sameForLabelSet`). */
interface EventRules {
  perLine: readonly LineRule[]
  perLabelSet: readonly LineRule[]
}

/**
 * The rules that can match a line of an event, in config order, looked up
 * once per event name: most lines match only `log_messages_total`, and every
 * rule's closures on every line cost the engine more than the rules that do
 * match (bench/metrics.ts, best of 5, three alternating runs: 418, 440, 562 → 227, 397, 286 ns a line with the defaults). Events are
 * label values behind the cardinality guard, so the cache stays small; the
 * cap only guards against a caller that skipped it.
 */
function rulesByEvent(rules: ReadonlyArray<{ rule: LineRule; events: ReadonlySet<string> | undefined }>): (event: string) => EventRules {
  const cache = new Map<string, EventRules>()
  return (event) => {
    let found = cache.get(event)
    if (found === undefined) {
      const matching = rules.filter(({ events }) => events === undefined || events.has(event)).map(({ rule }) => rule)
      found = { perLine: matching.filter((rule) => !rule.sameForLabelSet), perLabelSet: matching.filter((rule) => rule.sameForLabelSet) }
      if (cache.size < MAX_CACHED_EVENTS) cache.set(event, found)
    }
    return found
  }
}

/** One label set: its first line, the rules of its event, and its lines not yet counted by the rules that run once per set. */
interface LabelSetLines {
  /** Every line of a set carries the same level, service and event, the only fields a once-per-set rule reads (`LABEL_SET_FIELDS`). */
  readonly event: LogEvent
  readonly rules: EventRules
  /** Lines of batches observed whole. */
  lines: number
  /** The batch last seen with lines of this set, and how many: they join `lines` unless that batch threw part-way. */
  batch: number
  linesInBatch: number
}

export function createMetricsEngine(config: MetricsConfig, { now = Date.now }: MetricsEngineOptions = {}): MetricsEngine {
  const context = new RuleContext(config.max_label_values)
  const journal = new PairJournal()
  const clocks = new LineClocks(now)
  const rules: Array<{ rule: LineRule; events: ReadonlySet<string> | undefined }> = []
  const pairs = new Map<string, PairLineRule>()
  for (const rule of [...(config.defaults ? builtInRules : []), ...config.rules]) {
    if (rule.type === 'counter') rules.push({ rule: createCounterRule(rule, context), events: eventsOf(rule.match) })
    else if (rule.type === 'histogram') rules.push({ rule: createHistogramRule(rule, context), events: eventsOf(rule.match) })
    else {
      const pair = new PairLineRule(rule, context, journal, clocks)
      pairs.set(rule.name, pair)
      rules.push({ rule: pair, events: eitherOf(eventsOf(rule.start), eventsOf(rule.end)) })
    }
  }
  const rulesFor = rulesByEvent(rules)
  /**
   * Rules that read only a line's label set (with the defaults
   * `log_messages_total` on every line, and `intents_received_total`) do not
   * run on the lines: a line adds one to its set's count, and the rules run
   * once a set when the registry is read (a scrape), with the lines counted
   * since (README, "Performance"). Run once a set a batch instead, they were a
   * pass V8 compiled on its own, with the series lookup compiled apart again:
   * TurboFan's jobs 35 ms more a catch-up, V8's helper thread 29 ms more CPU
   * by `perf` (bench/PERFORMANCE-LOG.md, 2026-12-06, eleventh session). Kept
   * by the set's number; the transforms' cardinality guards bound the sets.
   */
  const labelSets: Array<LabelSetLines | undefined> = []
  const allSets: LabelSetLines[] = []
  let batch = 0
  context.beforeRead(() => {
    for (const set of allSets) {
      const lines = set.lines + set.linesInBatch
      if (lines === 0) continue
      // Taken before the rules run: one that throws leaves no count to add twice at the next read.
      set.lines = 0
      set.linesInBatch = 0
      for (const rule of set.rules.perLabelSet) rule.observe(set.event, lines)
    }
  })
  /** A rule threw part-way through the batch: its lines counted so far are dropped, so a batch read again is counted once. */
  const dropBatch = () => {
    for (const set of allSets) if (set.batch === batch) set.linesInBatch = 0
  }
  const expirePairs = () => {
    for (const pair of pairs.values()) pair.expire()
  }
  /**
   * Runs the per-line rules over a batch and counts its lines by label set.
   * A function of its own, not a loop inside observe(): there V8 compiled
   * observe() on-stack within the first batch, before the calls after the
   * loop had type feedback, and threw that code away at the batch's end
   * (`--trace-deopt`: "Insufficient type feedback" at the line clocks' call,
   * in about half the catch-ups; the same rule as the pipeline's
   * `transformAll`, bench/PERFORMANCE-LOG.md, 2026-12-06, eleventh session).
   */
  const runPerLine = (events: readonly LogEvent[]): void => {
    for (const event of events) {
      const setNumber = labelSetNumber(event.labels)
      const known = setNumber === undefined ? undefined : labelSets[setNumber]
      if (known !== undefined) {
        if (known.batch !== batch) {
          known.lines += known.linesInBatch
          known.linesInBatch = 0
          known.batch = batch
        }
        known.linesInBatch++
        for (const rule of known.rules.perLine) rule.observe(event)
        continue
      }
      const rules = rulesFor(event.event)
      for (const rule of rules.perLine) rule.observe(event)
      // Any labels object but the transforms' shared one is counted line by line.
      if (setNumber === undefined) {
        for (const rule of rules.perLabelSet) rule.observe(event, 1)
        continue
      }
      const set: LabelSetLines = { event, rules, lines: 0, batch, linesInBatch: 1 }
      labelSets[setNumber] = set
      allSets.push(set)
    }
  }

  return {
    registry: context.registry,
    observe(events) {
      // No rules (`defaults: false` and none configured): metrics off cost no pass over the lines (README, "Performance").
      if (events.length === 0 || rules.length === 0) return
      batch++
      try {
        runPerLine(events)
      } catch (error) {
        dropBatch()
        throw error
      }
      clocks.observe(events)
      expirePairs()
    },
    tick() {
      clocks.tick()
      expirePairs()
    },
    takeStateDelta() {
      let oldest: number | undefined
      for (const pair of pairs.values()) oldest = older(oldest, pair.oldestSeq())
      return journal.take(oldest)
    },
    restore(entries, seqsUsedThrough = 0) {
      journal.restored(seqsUsedThrough)
      let newestMs = -Infinity
      for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
        journal.restored(entry.seq)
        const pair = pairs.get(entry.rule)
        if (pair === undefined) {
          journal.forget(entry.seq)
          continue
        }
        pair.restore(entry)
        if (entry.atMs > newestMs) newestMs = entry.atMs
      }
      if (newestMs > -Infinity) clocks.shared.linesArrived(newestMs)
    },
  }
}
