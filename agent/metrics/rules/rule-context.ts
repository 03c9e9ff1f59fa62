/**
 * What every rule shares: the engine's Registry, the label cap, and the
 * engine's own counters of what it could not use.
 */
import { Counter, Registry } from '../prom-client.js'
import type { LogEvent } from '../../core/types.js'
import { SeriesByLabels } from './series-by-labels.js'

/** The fields a line's label set carries (agent/transforms/labels.ts). */
export const LABEL_SET_FIELDS: ReadonlySet<string> = new Set(['level', 'service', 'event'])

/** A compiled rule, run on every line it may match, or once per label set when the registry is read (`sameForLabelSet`). */
export interface LineRule {
  /** Observes `event`, standing for `lines` lines of its label set (see `sameForLabelSet`). */
  observe(event: LogEvent, lines?: number): void
  /**
   * True when the rule reads only fields in {@link LABEL_SET_FIELDS}: every
   * line of one label set then counts alike, and the engine hands the rule
   * one line of each set with how many lines carried it since the last read.
   */
  readonly sameForLabelSet?: boolean
}

export type SkipReason = 'no_key' | 'no_value'

/**
 * A Registry that runs `beforeRead` before it is read whole or by name: what
 * the engine holds back until a scrape is added then (engine.ts). A metric
 * taken from it by `getSingleMetric` and read alone is not covered.
 */
class ReadHookedRegistry extends Registry {
  constructor(private readonly beforeRead: () => void) {
    super()
  }

  override async metrics(): Promise<string> {
    this.beforeRead()
    return super.metrics()
  }

  override async getMetricsAsJSON(): ReturnType<Registry['getMetricsAsJSON']> {
    this.beforeRead()
    return super.getMetricsAsJSON()
  }

  override async getSingleMetricAsString(name: string): Promise<string> {
    this.beforeRead()
    return super.getSingleMetricAsString(name)
  }
}

export class RuleContext {
  private readonly beforeReads: Array<() => void> = []
  readonly registry: Registry = new ReadHookedRegistry(() => {
    for (const run of this.beforeReads) run()
  })
  private readonly overflows = new Counter({
    name: 'threadline_derived_label_overflow_total',
    help: 'Label values of log-derived metrics replaced by "other" because the label reached its distinct-value cap.',
    labelNames: ['metric', 'label'] as const,
    registers: [this.registry],
  })
  private readonly skipped = new Counter({
    name: 'threadline_derived_lines_skipped_total',
    help: 'Lines a metric rule matched but could not use: no pairing key, or no numeric value.',
    labelNames: ['metric', 'reason'] as const,
    registers: [this.registry],
  })

  constructor(private readonly maxLabelValues: number) {}

  /** Series of `metric` by the line fields `labelNames`, behind the cardinality guard. */
  seriesByLabels<Series>(metric: string, labelNames: readonly string[], create: (values: readonly string[]) => Series) {
    return new SeriesByLabels({
      labelNames,
      maxValues: this.maxLabelValues,
      onOverflow: (label, lines) => this.overflows.inc({ metric, label }, lines),
      create,
    })
  }

  /** Runs `run` whenever the registry is read, before any metric is: counts held back are added then. */
  beforeRead(run: () => void): void {
    this.beforeReads.push(run)
  }

  skip(metric: string, reason: SkipReason): void {
    this.skipped.inc({ metric, reason })
  }
}
