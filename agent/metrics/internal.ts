/**
 * The agent's own metrics, on its own prom-client Registry (never the global
 * one). Every component receives this object and records into it, so each
 * source and sink reports the same families, told apart by labels.
 */
import { Counter, Gauge, Histogram, Registry } from './prom-client.js'
import { registerProcessMetrics } from './process.js'

export type DropReason =
  | 'empty'
  | 'loki_rejected'
  | 'too_large'
  | 'retention'
  | 'decode_error'

export class AgentMetrics {
  readonly registry = new Registry()

  readonly linesRead = new Counter({
    name: 'threadline_lines_read_total',
    help: 'Lines read by a source.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  })
  readonly bytesRead = new Counter({
    name: 'threadline_read_bytes_total',
    help: 'Bytes read by a source, line terminators included.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  })
  readonly linesUnparsed = new Counter({
    name: 'threadline_lines_unparsed_total',
    help: 'Lines that were not a JSON object, shipped raw with level="unknown".',
    labelNames: ['source'] as const,
    registers: [this.registry],
  })
  readonly linesTruncated = new Counter({
    name: 'threadline_lines_truncated_total',
    help: 'Lines cut to the configured maximum size before shipping.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  })
  readonly timestampFallbacks = new Counter({
    name: 'threadline_timestamp_fallbacks_total',
    help: 'Lines whose own timestamp was missing or absurd, stamped with the read time instead.',
    labelNames: ['source', 'reason'] as const,
    registers: [this.registry],
  })
  readonly labelOverflows = new Counter({
    name: 'threadline_label_overflow_total',
    help: 'Label values replaced by "other" because the label reached its distinct-value cap.',
    labelNames: ['label'] as const,
    registers: [this.registry],
  })
  readonly linesDropped = new Counter({
    name: 'threadline_lines_dropped_total',
    help: 'Lines not delivered, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })
  readonly linesShipped = new Counter({
    name: 'threadline_lines_shipped_total',
    help: 'Lines a sink delivered and had acknowledged.',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  })
  readonly bytesShipped = new Counter({
    name: 'threadline_shipped_bytes_total',
    help: 'Line bytes a sink delivered and had acknowledged.',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  })
  readonly sourceErrors = new Counter({
    name: 'threadline_source_errors_total',
    help: 'Errors a source met and recovered from, by type.',
    labelNames: ['source', 'error_type'] as const,
    registers: [this.registry],
  })
  readonly pushDuration = new Histogram({
    name: 'threadline_loki_push_duration_seconds',
    help: 'Time from sending a push request to Loki to its answer.',
    labelNames: ['sink'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  })
  readonly pushResults = new Counter({
    name: 'threadline_loki_push_results_total',
    help: 'Push requests by outcome: the HTTP status, or "network" / "timeout".',
    labelNames: ['sink', 'status'] as const,
    registers: [this.registry],
  })
  readonly batchesRetried = new Counter({
    name: 'threadline_loki_batches_retried_total',
    help: 'Push attempts that were retries of a batch that failed before.',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  })
  readonly lastPushSuccess = new Gauge({
    name: 'threadline_loki_last_success_timestamp_seconds',
    help: 'Unix time of the last push Loki answered with 2xx.',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  })
  readonly queueDepth = new Gauge({
    name: 'threadline_queue_depth_lines',
    help: 'Lines stored but not yet acknowledged by a sink.',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  })
  readonly lag = new Gauge({
    name: 'threadline_lag_seconds',
    help: 'Seconds between the newest stored line and the newest line a sink delivered (read time).',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  })
  readonly storeSize = new Gauge({
    name: 'threadline_store_size_bytes',
    help: 'Size of the embedded store on disk.',
    registers: [this.registry],
  })
  readonly storeLines = new Gauge({
    name: 'threadline_store_lines',
    help: 'Lines held in the embedded store.',
    registers: [this.registry],
  })

  constructor({ processMetrics = true }: { processMetrics?: boolean } = {}) {
    if (processMetrics) registerProcessMetrics(this.registry)
  }
}
