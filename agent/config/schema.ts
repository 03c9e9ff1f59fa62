/**
 * The agent's whole config, validated at start: unknown keys are errors,
 * defaults are applied, and the result is frozen. Each component's schema
 * lives next to its code; this file only assembles them.
 */
import { z } from 'zod'
import { parseListen } from '../http/server.js'
import { MetricsConfig } from '../metrics/rules/config.js'
import { pluginConfigs } from '../plugins/configs.js'
import { ON_AGENT } from '../plugins/define.js'
import { LokiSinkConfig } from '../sinks/loki/config.js'
import { sourceConfigs } from '../sources/configs.js'
import { TransformsConfig } from '../transforms/config.js'
import { bytes, duration } from './zod-units.js'

/** Component ids name metrics labels and cursors: keep them plain. */
const componentId = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, { error: 'expected a component id of 1 to 64 letters, digits, "_" or "-"' })

export const SourceConfig = z.discriminatedUnion('type', sourceConfigs)
export type SourceConfig = z.output<typeof SourceConfig>

export const SinkConfig = z.discriminatedUnion('type', [LokiSinkConfig])
export type SinkConfig = z.output<typeof SinkConfig>

export const PluginConfig = z.discriminatedUnion('type', pluginConfigs)
export type PluginConfig = z.output<typeof PluginConfig>

/**
 * Two plugins on one address cannot both bind it; two of a type on the agent's /metrics would serve the same names twice.
 * Port 0 (a free port each, in tests) never clashes.
 */
function checkPluginListens(plugins: Record<string, PluginConfig>, agentListen: string, ctx: z.RefinementCtx): void {
  const byListen = new Map<string, string>()
  for (const [id, plugin] of Object.entries(plugins)) {
    if (plugin.listen !== ON_AGENT && parseListen(plugin.listen)?.port === 0) continue
    const key = plugin.listen === ON_AGENT ? `${ON_AGENT}:${plugin.type}` : plugin.listen
    const other = byListen.get(key)
    if (other !== undefined) {
      const what = plugin.listen === ON_AGENT ? `plugin ${other} of the same type is already served on the agent's /metrics` : `plugin ${other} already listens on ${plugin.listen}`
      ctx.addIssue({ code: 'custom', path: ['plugins', id, 'listen'], message: what })
    } else if (plugin.listen === agentListen) {
      ctx.addIssue({ code: 'custom', path: ['plugins', id, 'listen'], message: `the agent itself listens on ${agentListen}; use "${ON_AGENT}" to serve this plugin there` })
    }
    byListen.set(key, other ?? id)
  }
}

export const StoreConfig = z
  .object({
    retention: z
      .object({
        /** Lines read longer ago than this are deleted. */
        max_age: duration().default(7 * 86_400_000),
        /** The store's pages in use are kept under this size; the oldest lines go first. */
        max_bytes: bytes().default(1024 ** 3),
        /** How often retention runs. */
        interval: duration().default(30_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({})

export const AgentConfig = z
  .object({
    /** Where the embedded store lives (relative paths are taken from the working directory). */
    data_dir: z.string().min(1).default('./.threadline'),
    /** HOST:PORT of /metrics, /ready and /healthz. Loopback unless you mean otherwise. */
    listen: z
      .string()
      .refine((value) => parseListen(value) !== undefined, { error: (issue) => `expected HOST:PORT, received ${JSON.stringify(issue.input)}` })
      .default('127.0.0.1:9480'),
    /** How long SIGTERM/SIGINT may take to stop reading, flush the sinks and exit. */
    shutdown_timeout: duration().default(10_000),
    sources: z.record(componentId, SourceConfig).default({}),
    transforms: TransformsConfig.prefault({}),
    store: StoreConfig,
    sinks: z.record(componentId, SinkConfig).default({}),
    metrics: MetricsConfig,
    /** Exporter plugins (id → plugin). With plugins and no sources the agent opens no store and ships nothing. */
    plugins: z.record(componentId, PluginConfig).default({}),
  })
  .strict()
  .superRefine((config, ctx) => checkPluginListens(config.plugins, config.listen, ctx))

export type AgentConfig = z.output<typeof AgentConfig>
