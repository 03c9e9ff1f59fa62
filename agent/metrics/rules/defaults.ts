/**
 * The metrics every agent derives unless `metrics.defaults: false`: the ones
 * the shipped alerts in rules/prometheus/ query.
 */
import type { Rule } from './config.js'

/** Spans 0.05 s to the 30 s timeout with 5 s as a bound, so "P95 above 5 s" is read off a bucket edge, not interpolated. */
export const ORDER_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30]

export const builtInRules: readonly Rule[] = [
  {
    type: 'counter',
    name: 'log_messages_total',
    help: 'Log lines read, by service and level.',
    match: {},
    labels: ['service', 'level'],
  },
  {
    type: 'pair',
    name: 'order',
    help: 'Orders from ORDER_SUBMIT to ORDER_RESPONSE by correlation_id',
    start: { event: 'ORDER_SUBMIT' },
    end: { event: 'ORDER_RESPONSE' },
    key: 'correlation_id',
    timeout: 30_000,
    max_pending: 100_000,
    remember_for: 600_000,
    buckets: ORDER_DURATION_BUCKETS,
    labels: ['service'],
  },
  {
    type: 'counter',
    name: 'intents_received_total',
    help: 'INTENT_RECEIVED lines, by service.',
    match: { event: 'INTENT_RECEIVED' },
    labels: ['service'],
  },
]
