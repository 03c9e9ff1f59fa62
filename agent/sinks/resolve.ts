/** A sink's options from its config, resolved when the config is loaded. */
import type { ResolvedSink } from './index.js'
import { resolveLokiSinkOptions, type LokiSinkConfig } from './loki/config.js'

/** Reads what a sink's config points at (secret files, LOKI_* variables); throws naming what is missing. */
export function resolveSink(config: LokiSinkConfig, env: NodeJS.ProcessEnv): ResolvedSink {
  return { type: 'loki', options: resolveLokiSinkOptions(config, env) }
}
