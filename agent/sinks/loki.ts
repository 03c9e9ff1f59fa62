/**
 * The `loki` sink: pushes what the store holds to Grafana Loki through the
 * shared push stack in transports/loki. Config in ./loki/config.ts, the
 * read–batch–push–commit loop in ./loki/sink.ts.
 */
export { LokiSinkConfig, resolveLokiSinkOptions, type LokiSinkOptions } from './loki/config.js'
export { createLokiSink, type LokiSink, type LokiSinkContext } from './loki/sink.js'

