/**
 * `type: pair`: a start line and an end line sharing a key, e.g. ORDER_SUBMIT →
 * ORDER_RESPONSE by correlation_id. Durations are measured on the lines' own
 * timestamps; timeouts on the line clock of the start line's service (the
 * shared clock, or the clock of a service whose times run ahead: see
 * line-clocks.ts). Starts judged by one clock are kept apart from those judged
 * by another, so each set stays in age order and expiry stops at its first
 * young start.
 */
import type { LogEvent } from '../../core/types.js'
import { BufferedCounter, BufferedGauge, BufferedHistogram, type Cell } from './buffered.js'
import type { PairRule } from './config.js'
import { pairMetricNames } from './exposition.js'
import type { LineClock } from './line-clock.js'
import type { LineClocks } from './line-clocks.js'
import type { RowGroup } from '../pair-rows.js'
import { older, type PairEntry, type PairJournal } from './pair-journal.js'
import { PendingPairs, type EndHandler, type Tracked, type UnansweredReason } from './pending-pairs.js'
import { compileMatch, fieldReader } from './predicate.js'
import type { LineRule, RuleContext } from './rule-context.js'

/** Every series of one pair rule for one set of label values (taken from the start line). */
interface PairSeries {
  values: readonly string[]
  /** Its rule and label values in the pair-state journal. */
  journalGroup: RowGroup
  started: Cell
  completed: Cell
  unanswered: Record<UnansweredReason, Cell>
  pending: Cell
  duration: { observe(seconds: number): void }
  late: Cell
  orphanEnds: Cell
  duplicateStarts: Cell
  duplicateEnds: Cell
}

/** A line's timestamp in ms, with its sub-millisecond part. */
function lineTimeMs(event: LogEvent): number {
  return event.tsMs + event.tsNanos / 1e6
}

export class PairLineRule implements LineRule {
  private readonly isStart: (event: LogEvent) => boolean
  private readonly isEnd: (event: LogEvent) => boolean
  private readonly readKey: (event: LogEvent) => string | undefined
  private readonly series
  /** Pending starts and memories by the clock that judges them; the shared clock's come first. */
  private readonly pairsByClock = new Map<LineClock, PendingPairs<PairSeries>>()
  /** The same sets in the same order, for ends to try without an iterator each. */
  private readonly pairSets: Array<PendingPairs<PairSeries>> = []
  /** The shared clock's set, which judges nearly every start: no lookup for it. */
  private readonly sharedPairs: PendingPairs<PairSeries>
  private readonly onEndFound: EndHandler<PairSeries> = {
    completed: (start, endMs) => this.complete(start, endMs),
    late: (series) => series.late.value++,
    duplicate: (series) => series.duplicateEnds.value++,
  }

  constructor(
    private readonly rule: PairRule,
    private readonly context: RuleContext,
    private readonly journal: PairJournal,
    private readonly clocks: LineClocks,
  ) {
    this.isStart = compileMatch(rule.start)
    this.isEnd = compileMatch(rule.end)
    this.readKey = fieldReader(rule.key)
    this.series = this.createSeries()
    this.sharedPairs = this.pairsJudgedBy(clocks.shared)
  }

  observe(event: LogEvent): void {
    // A line matching both is a start: a pair cannot end on the line that opens it.
    const isStart = this.isStart(event)
    if (!isStart && !this.isEnd(event)) return
    const key = this.readKey(event)
    if (key === undefined || key === '') return this.context.skip(this.rule.name, 'no_key')
    if (isStart) return this.onStart(key, event)
    this.onEnd(key, event)
  }

  /** Times out pending starts, each set against the clock that judges it. */
  expire(): void {
    for (const [clock, pairs] of this.pairsByClock) pairs.expire(clock.nowMs)
  }

  /** Sequence number of this rule's oldest live entry, if any. */
  oldestSeq(): number | undefined {
    let oldest: number | undefined
    for (const pairs of this.pairSets) oldest = older(oldest, pairs.oldestSeq())
    return oldest
  }

  /**
   * Puts back a persisted entry of this rule (started is not counted again).
   * It is judged by the shared clock: which clock judged it is not persisted,
   * and a start of a service running ahead then times out late, never early.
   */
  restore(entry: PairEntry): void {
    const series = this.series.forValues(entry.labels)
    if (entry.state === 'pending') series.pending.value++
    this.sharedPairs.restore(entry, series)
  }

  private onStart(key: string, event: LogEvent): void {
    const series = this.series.forLine(event)
    const clock = event.timeOrigin === 'ahead' ? this.clocks.aheadClockOf(event.service) : this.clocks.clockOf(event.service)
    const pairs = clock === this.clocks.shared ? this.sharedPairs : this.pairsJudgedBy(clock)
    if (!pairs.start(key, lineTimeMs(event), series)) {
      series.duplicateStarts.value++
      return
    }
    series.started.value++
    series.pending.value++
  }

  private pairsJudgedBy(clock: LineClock): PendingPairs<PairSeries> {
    let pairs = this.pairsByClock.get(clock)
    if (pairs === undefined) {
      pairs = new PendingPairs<PairSeries>({
        timeoutMs: this.rule.timeout,
        maxEntries: this.rule.max_pending,
        rememberForMs: this.rule.remember_for,
        journal: this.journal,
        journalGroupOf: (series) => series.journalGroup,
        onUnanswered: (start, reason) => {
          start.series.pending.value--
          start.series.unanswered[reason].value++
        },
      })
      this.pairsByClock.set(clock, pairs)
      this.pairSets.push(pairs)
    }
    return pairs
  }

  /** The first set that knows the key decides; an end's own service says nothing about which clock judged its start. */
  private onEnd(key: string, event: LogEvent): void {
    const endMs = lineTimeMs(event)
    for (const pairs of this.pairSets) if (pairs.end(key, endMs, this.onEndFound)) return
    this.series.forLine(event).orphanEnds.value++
  }

  private complete(start: Tracked<PairSeries>, endMs: number): void {
    const { series } = start
    series.pending.value--
    series.completed.value++
    // Services' clocks can disagree by a little; a negative duration is clock skew, not time.
    series.duration.observe(Math.max(0, endMs - start.atMs) / 1000)
  }

  private createSeries() {
    const { rule, context } = this
    const names = pairMetricNames(rule.name)
    const what = rule.help ?? `Pairs ${JSON.stringify(rule.start)} → ${JSON.stringify(rule.end)} by ${rule.key}`
    const labels = rule.labels
    const counter = (name: string, help: string) => new BufferedCounter(context.registry, name, `${what}: ${help}`, labels)
    const started = counter(names.started, 'starts seen.')
    const completed = counter(names.completed, 'ends seen within the timeout.')
    const unanswered = new BufferedCounter(
      context.registry,
      names.unanswered,
      `${what}: starts with no end within the timeout (reason="timeout") or dropped to bound memory (reason="evicted").`,
      [...labels, 'reason'],
    )
    const late = counter(names.late, 'ends seen after their start was counted unanswered.')
    const orphanEnds = counter(names.orphanEnds, 'ends with no start seen (labels from the end line).')
    const duplicateStarts = counter(names.duplicateStarts, 'starts whose key was already pending (the first start is kept).')
    const duplicateEnds = counter(names.duplicateEnds, 'ends whose pair had already ended.')
    const pending = new BufferedGauge(context.registry, names.pending, `${what}: starts awaiting their end.`, labels)
    const duration = new BufferedHistogram(context.registry, names.duration, `${what}: time from start to end, on the lines' own timestamps.`, labels, rule.buckets)
    return context.seriesByLabels<PairSeries>(rule.name, labels, (values) => {
      return {
        values,
        journalGroup: this.journal.group(rule.name, values),
        started: started.cell(values),
        completed: completed.cell(values),
        unanswered: { timeout: unanswered.cell([...values, 'timeout']), evicted: unanswered.cell([...values, 'evicted']) },
        pending: pending.cell(values),
        duration: duration.cell(values),
        late: late.cell(values),
        orphanEnds: orphanEnds.cell(values),
        duplicateStarts: duplicateStarts.cell(values),
        duplicateEnds: duplicateEnds.cell(values),
      }
    })
  }
}
