/**
 * The series of one metric, chosen by label values read from a line, behind
 * the same cardinality guard as the Loki labels (agent/transforms/cardinality-guard.ts):
 * each label keeps at most `maxValues` distinct values per metric, later ones
 * become "other" and are counted.
 */
import type { LogEvent } from '../../core/types.js'
import { createCardinalityGuard } from '../../transforms/cardinality-guard.js'
import { fieldReader, type FieldReader } from './predicate.js'

export interface SeriesByLabelsOptions<Series> {
  /** Fields read from each line, in label order. */
  labelNames: readonly string[]
  maxValues: number
  /** Called for lines whose value for `label` was replaced by "other", with how many. */
  onOverflow(label: string, lines: number): void
  /** Builds the series for admitted label values (called once per distinct set). */
  create(values: readonly string[]): Series
}

type Tree<Series> = Map<string, Tree<Series> | Series>

export class SeriesByLabels<Series> {
  private readonly readers: FieldReader[]
  private readonly guards: Array<(value: string, lines: number) => string>
  // Nested by label value, so a hit on the every-line path allocates nothing.
  private readonly tree: Tree<Series> = new Map()
  private unlabelled: Series | undefined

  constructor(private readonly options: SeriesByLabelsOptions<Series>) {
    this.readers = options.labelNames.map(fieldReader)
    this.guards = options.labelNames.map((label) => createCardinalityGuard(options.maxValues, (lines) => options.onOverflow(label, lines)))
  }

  /** The series for a line's label values; `lines` lines like it, for the overflow count. */
  forLine(event: LogEvent, lines = 1): Series {
    const readers = this.readers
    const last = readers.length - 1
    if (last < 0) return (this.unlabelled ??= this.options.create([]))
    let node = this.tree
    for (let i = 0; i < last; i++) {
      const next = node.get(readers[i]!(event) ?? '') as Tree<Series> | undefined
      if (next === undefined) return this.admit(readers.map((read) => read(event) ?? ''), lines)
      node = next
    }
    return (node.get(readers[last]!(event) ?? '') as Series | undefined) ?? this.admit(readers.map((read) => read(event) ?? ''), lines)
  }

  /** The series for stored label values (a pending pair restored after a restart). */
  forValues(values: readonly string[]): Series {
    if (this.readers.length === 0) return (this.unlabelled ??= this.options.create([]))
    return this.find(values) ?? this.admit(values)
  }

  private find(values: readonly string[]): Series | undefined {
    let node: Tree<Series> | Series | undefined = this.tree
    for (const value of values) {
      if (node === undefined) return undefined
      node = (node as Tree<Series>).get(value)
    }
    return node as Series | undefined
  }

  private admit(raw: readonly string[], lines = 1): Series {
    const values = raw.map((value, i) => this.guards[i]!(value, lines))
    const existing = this.find(values)
    if (existing !== undefined) return existing
    // Keyed by admitted values only: raw values that overflowed (or were
    // sanitized) stay out of the tree, else it would grow with every new value.
    const series = this.options.create(values)
    this.insert(values, series)
    return series
  }

  private insert(values: readonly string[], series: Series): void {
    let node = this.tree
    for (let i = 0; i < values.length - 1; i++) {
      let next = node.get(values[i]!) as Tree<Series> | undefined
      if (next === undefined) node.set(values[i]!, (next = new Map()))
      node = next
    }
    node.set(values[values.length - 1]!, series)
  }
}
