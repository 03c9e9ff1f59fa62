/**
 * The sinks, registered explicitly (nothing registers itself on import).
 * A sink reads the store through its own cursor; its options are resolved
 * with the config (./resolve.ts: secrets read from their files or the
 * environment), so a missing password file fails `--check-config` and
 * start, not the first push.
 */
import type { Logger } from 'pino'
import type { LineFeed } from '../core/types.js'
import type { AgentMetrics } from '../metrics/internal.js'
import type { LokiSinkOptions } from './loki/config.js'
import { createLokiSink, type LokiSink } from './loki/sink.js'

export { cursorNameOf } from './cursor-name.js'

export type ResolvedSink = { type: 'loki'; options: LokiSinkOptions }

export interface SinkContext {
  id: string
  feed: LineFeed
  metrics: AgentMetrics
  log: Logger
}

/** Builds a sink from its resolved options. */
export function createSink(resolved: ResolvedSink, context: SinkContext): LokiSink {
  return createLokiSink(resolved.options, context)
}
