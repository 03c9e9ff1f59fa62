/**
 * The four prom-client classes the agent uses, loaded from their own files.
 * prom-client's index loads all of it: the pushgateway client, the cluster
 * aggregator, summaries and every default metric, and with them
 * `@opentelemetry/api` (52 files). Measured: `require('prom-client')` +11.2 MB
 * RSS over a bare node, these four +0.5 MB (bench/PERFORMANCE-LOG.md). The
 * classes are the index's own (the same files), so a Registry from either
 * import holds metrics from the other.
 */
import { createRequire } from 'node:module'
import type * as PromClient from 'prom-client'

const require = createRequire(import.meta.url)

export const Registry: typeof PromClient.Registry = require('prom-client/lib/registry')
export type Registry = PromClient.Registry
export const Counter: typeof PromClient.Counter = require('prom-client/lib/counter')
export type Counter<Label extends string = string> = PromClient.Counter<Label>
export const Gauge: typeof PromClient.Gauge = require('prom-client/lib/gauge')
export type Gauge<Label extends string = string> = PromClient.Gauge<Label>
export const Histogram: typeof PromClient.Histogram = require('prom-client/lib/histogram')
export type Histogram<Label extends string = string> = PromClient.Histogram<Label>
export type Metric = PromClient.Metric
