/**
 * Counters and gauges whose per-line updates are plain additions on a cell,
 * handed to prom-client at scrape time. prom-client hashes and validates the
 * label object on every `inc()`, even through a cached `labels()` child; on
 * the every-line path (`log_messages_total`) that hash was most of the cost.
 */
import { Counter, Gauge } from '../prom-client.js'
import type { Metric, Registry } from 'prom-client'

/** One series' running value. */
export interface Cell {
  value: number
}

interface Series {
  labels: Record<string, string>
  cell: Cell
}

function labelObject(names: readonly string[], values: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]))
}

/** A counter: cells hold the increments since the last scrape. */
export class BufferedCounter {
  private readonly series: Series[] = []
  private readonly counter: Counter

  constructor(registry: Registry, name: string, help: string, private readonly labelNames: readonly string[]) {
    const series = this.series
    this.counter = new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        for (const { labels, cell } of series) {
          if (cell.value === 0) continue
          this.inc(labels, cell.value)
          cell.value = 0
        }
      },
    })
  }

  /** A new series, exposed at 0 from now on so `increase()` sees its first increment. */
  cell(values: readonly string[]): Cell {
    const entry = { labels: labelObject(this.labelNames, values), cell: { value: 0 } }
    this.counter.inc(entry.labels, 0)
    this.series.push(entry)
    return entry.cell
  }
}

/** A gauge: cells hold the current value. */
export class BufferedGauge {
  private readonly series: Series[] = []

  constructor(registry: Registry, name: string, help: string, private readonly labelNames: readonly string[]) {
    const series = this.series
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        for (const { labels, cell } of series) this.set(labels, cell.value)
      },
    })
  }

  cell(values: readonly string[]): Cell {
    const entry = { labels: labelObject(this.labelNames, values), cell: { value: 0 } }
    this.series.push(entry)
    return entry.cell
  }
}

interface HistogramValue {
  metricName: string
  labels: Record<string, string | number>
  value: number
}

/** One series of a {@link BufferedHistogram}: counts by bucket, kept here until a scrape reads them. */
export class HistogramCell {
  /** Observations per bucket, not cumulative: the i-th counts values in (upperBounds[i-1], upperBounds[i]]. */
  readonly counts: Float64Array
  sum = 0
  count = 0

  constructor(private readonly upperBounds: readonly number[]) {
    this.counts = new Float64Array(upperBounds.length)
  }

  observe(value: number): void {
    const bounds = this.upperBounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    if (i < bounds.length) this.counts[i]!++
    this.sum += value
    this.count++
  }
}

/**
 * A histogram counted in its own cells and exposed in prom-client's format
 * (cumulative `_bucket` series with `le`, then `_sum` and `_count`). A
 * prom-client Histogram child validated and hashed its label object on every
 * observe, as its counters did (see the top of this file).
 */
export class BufferedHistogram {
  private readonly series: Array<{ labels: Record<string, string>; cell: HistogramCell }> = []
  readonly type = 'histogram'
  readonly aggregator = 'sum'

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly upperBounds: readonly number[],
  ) {
    registry.registerMetric(this as unknown as Metric)
  }

  /** A new series, exposed at 0 from now on. */
  cell(values: readonly string[]): HistogramCell {
    const cell = new HistogramCell(this.upperBounds)
    this.series.push({ labels: labelObject(this.labelNames, values), cell })
    return cell
  }

  /** What a Registry reads of a metric: prom-client's Histogram#get() shape. */
  async get(): Promise<{ name: string; help: string; type: 'histogram'; values: HistogramValue[]; aggregator: 'sum' }> {
    const values: HistogramValue[] = []
    for (const { labels, cell } of this.series) {
      let cumulative = 0
      this.upperBounds.forEach((bound, i) => {
        cumulative += cell.counts[i]!
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...labels }, value: cumulative })
      })
      values.push(
        { metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: cell.count },
        { metricName: `${this.name}_sum`, labels, value: cell.sum },
        { metricName: `${this.name}_count`, labels, value: cell.count },
      )
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator }
  }

  reset(): void {
    for (const { cell } of this.series) {
      cell.counts.fill(0)
      cell.sum = 0
      cell.count = 0
    }
  }
}
