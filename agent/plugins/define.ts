/**
 * The exporter plugin model: a plugin owns a prom-client Registry whose
 * values it reads (from Redis, say) at scrape time, and is served on its own
 * `listen` address or on the agent's /metrics. Plugins are registered
 * explicitly in ./index.ts; nothing registers itself on import.
 */
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { Lifecycle } from '../core/types.js'

/** `listen: agent` serves a plugin's metrics on the agent's own /metrics instead of its own port. */
export const ON_AGENT = 'agent'

export interface PluginContext {
  /** The plugin's id: its key under `plugins:`. */
  id: string
  log: Logger
  /** Wall clock in ms since the epoch; tests pin it to get golden output. */
  now: () => number
}

/** A running plugin: its metrics, read when its registry is rendered. */
export interface PluginInstance extends Lifecycle {
  readonly registry: Registry
}

/** A plugin type: what it reads and exposes, given its validated config (its schema is in ./configs.ts). */
export interface PluginDefinition<Config> {
  type: string
  description: string
  create(config: Config, ctx: PluginContext): PluginInstance
}

export function definePlugin<Config>(definition: PluginDefinition<Config>): PluginDefinition<Config> {
  return definition
}
