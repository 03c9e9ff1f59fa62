/**
 * The sinks, registered explicitly (nothing registers itself on import).
 * A sink reads the store through its own cursor; its options are resolved
 * at start-up (secrets read from their files or the environment), so a
 * missing password file fails `--check-config` and start, not the first push.
 */
import { resolveLokiSinkOptions, type LokiSinkConfig } from './loki/config.js'
import type { ResolvedSink } from './create.js'

export type { ResolvedSink } from './create.js'
export { cursorNameOf } from './cursor-name.js'

/** Reads what a sink's config points at (secret files, LOKI_* variables); throws naming what is missing. */
export function resolveSink(config: LokiSinkConfig, env: NodeJS.ProcessEnv): ResolvedSink {
  return { type: 'loki', options: resolveLokiSinkOptions(config, env) }
}
