/**
 * Runs the configured plugins: each one with its own `listen` gets its own
 * HTTP server (/metrics, /ready, /healthz, like the agent's), those with
 * `listen: agent` are rendered into the agent's /metrics.
 */
import type { Logger } from 'pino'
import type { PluginConfig } from '../config/schema.js'
import { loadDefinitionsFor } from '../core/lazy-registry.js'
import type { Lifecycle } from '../core/types.js'
import { createHttpServer, type AgentHttpServer } from '../http/server.js'
import { ON_AGENT, type PluginContext, type PluginInstance } from './define.js'
import { plugins } from './index.js'

export interface PluginHost extends Lifecycle {
  /** The exposition of the plugins served on the agent's /metrics ('' when none). */
  renderOnAgent(): Promise<string>
  /** Bound address of each plugin with its own listen, by plugin id, once started. */
  addresses(): Record<string, { host: string; port: number }>
}

/** The host of the configured plugins; only the plugin types they name are loaded. */
export async function createPluginHost(configs: Readonly<Record<string, PluginConfig>>, log: Logger, now: () => number = Date.now): Promise<PluginHost> {
  const definitions = await loadDefinitionsFor(plugins, Object.values(configs))
  const running = Object.entries(configs).map(([id, config]) => {
    const ctx: PluginContext = { id, log: log.child({ plugin: id }), now }
    // The schema's discriminated union guarantees the config matches the definition its `type` names.
    const create = definitions.get(config.type)!.create as (config: PluginConfig, ctx: PluginContext) => PluginInstance
    const instance = create(config, ctx)
    const server: AgentHttpServer | undefined =
      config.listen === ON_AGENT
        ? undefined
        : createHttpServer({ listen: config.listen, renderMetrics: () => instance.registry.metrics(), isReady: () => true })
    return { id, instance, server }
  })
  const onAgent = running.filter((plugin) => !plugin.server).map((plugin) => plugin.instance.registry)
  let started = false

  return {
    async renderOnAgent() {
      return (await Promise.all(onAgent.map((registry) => registry.metrics()))).join('')
    },
    addresses() {
      return Object.fromEntries(running.flatMap(({ id, server }) => (server ? [[id, server.address()]] : [])))
    },
    async start() {
      started = true
      for (const { id, instance, server } of running) {
        await instance.start()
        await server?.start()
        log.info({ plugin: id, listen: server ? server.address() : ON_AGENT }, 'plugin started')
      }
    },
    async stop() {
      if (!started) return
      started = false
      await Promise.allSettled(running.map(async ({ instance, server }) => {
        await server?.stop()
        await instance.stop()
      }))
    },
  }
}
