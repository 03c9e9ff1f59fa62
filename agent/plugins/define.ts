/**
 * The exporter plugin model: a plugin owns a prom-client Registry whose
 * values it reads (from Redis, say) at scrape time, and is served on its own
 * `listen` address or on the agent's /metrics. Plugins are registered
 * explicitly in ./index.ts; nothing registers itself on import.
 */
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { z } from 'zod'
import type { Lifecycle } from '../core/types.js'
import { parseListen } from '../http/server.js'

/** `listen: agent` serves a plugin's metrics on the agent's own /metrics instead of its own port. */
export const ON_AGENT = 'agent'

/**
 * A plugin's `listen` field: HOST:PORT of its own /metrics (the drop-in
 * port of the exporter it replaces by default), or `agent`.
 */
export function pluginListen(defaultAddress: string) {
  return z
    .string()
    .refine((value) => value === ON_AGENT || parseListen(value) !== undefined, {
      error: (issue) => `expected HOST:PORT or "${ON_AGENT}", received ${JSON.stringify(issue.input)}`,
    })
    .default(defaultAddress)
}

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

/** A plugin's config schema: a zod object with a `type` literal and a `listen` field. */
export type PluginSchema = z.ZodType<{ type: string; listen: string }> & z.core.$ZodTypeDiscriminable

export interface PluginDefinition<Schema extends PluginSchema> {
  type: string
  description: string
  config: Schema
  create(config: z.output<Schema>, ctx: PluginContext): PluginInstance
}

export function definePlugin<Schema extends PluginSchema>(definition: PluginDefinition<Schema>): PluginDefinition<Schema> {
  return definition
}
