/**
 * Builds a running sink from its resolved options. Kept apart from the
 * config side (./index.ts, zod schemas): a sink's worker thread imports only
 * this, and zod alone costs each thread about 9 MB of heap.
 */
import type { Logger } from 'pino'
import type { LineFeed } from '../core/types.js'
import type { AgentMetrics } from '../metrics/internal.js'
import type { LokiSinkOptions } from './loki/config.js'
import { createLokiSink, type LokiSink } from './loki/sink.js'

export type ResolvedSink = { type: 'loki'; options: LokiSinkOptions }

export interface SinkContext {
  id: string
  feed: LineFeed
  metrics: AgentMetrics
  log: Logger
}

export function createSink(resolved: ResolvedSink, context: SinkContext): LokiSink {
  return createLokiSink(resolved.options, context)
}
