/**
 * The agent's data model: what flows from sources through transforms into the
 * store, and what sinks read back out of it. Data flows one way; the only thing
 * that travels back upstream is the promise an emit returns, which resolves
 * once the batch (and the position reached) is durably committed.
 */
import type { Logger } from 'pino'
import type { AgentMetrics } from '../metrics/internal.js'

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'] as const
export type Level = (typeof LEVELS)[number]

/** One line as a source read it, before any parsing. */
export interface RawLine {
  /** The line without its terminator (LF, and a CR before it, removed). */
  text: string
  /** Wall-clock time the agent read it, ms since the epoch. */
  readAtMs: number
  /**
   * What the source knows about where the line came from, e.g. `{ filename }`,
   * `{ container }`, `{ unit }`. Used to pick the service when the line names none.
   */
  origin?: Readonly<Record<string, string>>
  /** A source-native timestamp (docker `time`, journald `__REALTIME_TIMESTAMP`) in ns, as a decimal string. */
  sourceTimeNs?: string
}

/** A position a source has reached, committed in the same store transaction as the lines before it. */
export interface Checkpoint {
  /** Stable identity, e.g. `file:<fingerprint>` or `journald:<unit set>`. */
  key: string
  /** Opaque to everyone but the source that wrote it (usually JSON). */
  value: string
}

/** What a source hands the pipeline: lines, in order, and where it is once they are stored. */
export interface SourceBatch {
  lines: RawLine[]
  checkpoints?: Checkpoint[]
}

/**
 * Where a line's entry time came from. `own`: the line's own timestamp.
 * `ahead`: its own timestamp, but later than the moment the agent read the
 * line, so the service's clock runs ahead of the host's (a line cannot be read
 * before it is written). `fallback`: the source's or the read time, because the
 * line had no usable time of its own. Only `own` and `ahead` times move the
 * metrics engine's line clocks (agent/metrics/rules/line-clocks.ts).
 */
export type TimeOrigin = 'own' | 'ahead' | 'fallback'

/** A parsed, labelled line: what the store keeps and the sinks ship. */
export interface LogEvent {
  /** Entry time: whole ms since the epoch… */
  tsMs: number
  /** …plus the nanoseconds within that ms (0 to 999,999), for sources with finer clocks. */
  tsNanos: number
  timeOrigin: TimeOrigin
  /** The text shipped to Loki: the raw line, truncated if it was over the size limit. */
  line: string
  level: Level
  service: string
  event: string
  /** Never a label (unbounded cardinality): kept in the line and indexed in the store. */
  correlationId: string | null
  /**
   * The final Loki stream labels: service, level, event and the static labels.
   * When it has a {@link labelSetNumber}, it is the one object every line of
   * its label set shares, with the `service`, `level` and `event` above; the
   * store and the metrics engine keep per-set state by that number.
   */
  labels: Readonly<Record<string, string>>
  /** The parsed JSON object when the line was one, for taps such as log-derived metrics. */
  fields: Readonly<Record<string, unknown>> | null
  /** Id of the source component that read it. */
  source: string
}

/** Everything with a resource has the same lifecycle: stop() is safe before start() and twice. */
export interface Lifecycle {
  start(): Promise<void>
  stop(): Promise<void>
}

/** A source that runs out: `ended` resolves once its input ended and every line read was committed (or once it was stopped). */
export interface EndingLifecycle extends Lifecycle {
  ended: Promise<void>
}

/** True for sources whose input can end (stdin): the agent waits for `ended`, then shuts down. */
export function isEnding(lifecycle: Lifecycle): lifecycle is EndingLifecycle {
  return 'ended' in lifecycle && lifecycle.ended instanceof Promise
}

export interface ComponentContext {
  /** The component's id: its key in the config (`sources.app` → `app`). */
  id: string
  log: Logger
  metrics: AgentMetrics
  /** The agent's data directory (absolute). */
  dataDir: string
}

export interface SourceContext extends ComponentContext {
  /** The last committed value for a checkpoint key, if any. */
  checkpoint(key: string): string | undefined
  /**
   * Hand a batch to the pipeline. Resolves once the lines and checkpoints are
   * committed to the store; a source awaits it before reading further, which is
   * its backpressure.
   */
  emit(batch: SourceBatch): Promise<void>
}

/** A source type: how it reads, given its validated config (its schema is in ../sources/configs.ts). */
export interface SourceDefinition<Config> {
  type: string
  description: string
  create(config: Config, ctx: SourceContext): Lifecycle
}

export function defineSource<Config>(definition: SourceDefinition<Config>): SourceDefinition<Config> {
  return definition
}
/** A line as the store holds it, read back by sinks in id order. */
export interface StoredLine {
  /** Monotonic store id: the sinks' cursors are ids. */
  id: number
  tsMs: number
  tsNanos: number
  /** The canonical Loki stream selector, `{event="X", level="info", service="svc"}` (see transports/loki/labels.ts). */
  labels: string
  line: string
  /** UTF-8 length of `line`. */
  bytes: number
  readAtMs: number
}

/** What a sink asks before it reads: how many of the next lines, and how many bytes of their text, fit in a push. */
export interface MeasuredLines {
  count: number
  /** UTF-8 bytes of the lines' text. */
  bytes: number
  /** Id of the last line counted; the `afterId` asked about when none was. */
  lastId: number
  /** Stopped because the next line would have passed the budget, not for want of lines. */
  full: boolean
}

/**
 * The store as a sink reads it: a durable, ordered feed with one named cursor
 * per reader. A reader commits its cursor only after its destination
 * acknowledged everything up to it, so a crash re-sends rather than loses.
 */
export interface LineFeed {
  /** Lines with id > afterId, oldest first, at most `limit` of them. */
  readAfter(afterId: number, limit: number): StoredLine[]
  /**
   * The lines with id > afterId whose text totals at most `maxBytes` (the
   * first always counts, however long), measured without reading them: a
   * sink sizes its push with this and reads the lines only to send them, so
   * no line waits for a push as an object (README, "Performance").
   */
  measureAfter(afterId: number, maxBytes: number): MeasuredLines
  /** The committed position of a named reader; 0 when it has none. */
  cursor(name: string): number
  commitCursor(name: string, id: number): void
  /** Id of the newest stored line; 0 when the store is empty. */
  lastId(): number
  /** Resolves once a line with id > afterId exists, or after timeoutMs, whichever is first. */
  waitForLines(afterId: number, timeoutMs: number): Promise<void>
}

const LABEL_SET_NUMBER = Symbol('threadline.labelSetNumber')
let labelSetsShared = 0

/**
 * Freezes `labels` as the one object every line of its label set shares
 * (agent/transforms/labels.ts), numbered 0, 1, 2… in this process, in a
 * property no enumeration sees. The store and the metrics engine keep what a
 * set decides in arrays by that number: a map keyed by the object cost them a
 * hash lookup a line (README, "Performance").
 */
export function shareLabelSet<Labels extends Record<string, string>>(labels: Labels): Readonly<Labels> {
  Object.defineProperty(labels, LABEL_SET_NUMBER, { value: labelSetsShared++ })
  return Object.freeze(labels)
}

/** The number {@link shareLabelSet} gave `labels`; undefined for any other object, which may be one line's own. */
export function labelSetNumber(labels: LogEvent['labels']): number | undefined {
  return (labels as { [LABEL_SET_NUMBER]?: number })[LABEL_SET_NUMBER]
}
