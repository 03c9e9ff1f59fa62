/**
 * Counters and gauges whose per-line updates are plain additions on a cell,
 * handed to prom-client at scrape time. prom-client hashes and validates the
 * label object on every `inc()`, even through a cached `labels()` child; on
 * the every-line path (`log_messages_total`) that hash was most of the cost.
 */
import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'

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
