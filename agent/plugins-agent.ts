/**
 * The agent as an exporter only (`plugins:` and no sources), the drop-in for
 * a Python exporter's systemd unit: the plugins and the agent's HTTP
 * endpoints, and nothing else. No store is opened and no sink thread
 * started, as there is nothing to read or ship; that keeps it in the memory
 * budget of the exporter it replaces (README, "Plugins").
 */
import type { Logger } from 'pino'
import type { Agent } from './agent.js'
import type { AgentConfig } from './config/schema.js'
import { createHttpServer } from './http/server.js'
import type { AgentMetrics } from './metrics/internal.js'
import type { PluginHost } from './plugins/host.js'

/** Plugins and no sources: nothing to read, so nothing to store or ship. */
export function isPluginsOnly(config: AgentConfig): boolean {
  return Object.keys(config.sources).length === 0 && Object.keys(config.plugins).length > 0
}

export function createPluginsOnlyAgent(config: AgentConfig, plugins: PluginHost, log: Logger, metrics: AgentMetrics): Agent {
  let ready = false
  const http = createHttpServer({
    listen: config.listen,
    renderMetrics: async () => (await metrics.registry.metrics()) + (await plugins.renderOnAgent()),
    isReady: () => ready,
  })
  if (Object.keys(config.sinks).length > 0) log.warn({ sinks: Object.keys(config.sinks) }, 'no sources: the sinks are not started (a plugins-only agent has no store)')
  return {
    store: undefined,
    metrics,
    // Nothing ends on its own: the agent runs until a signal.
    sourcesEnded: new Promise<void>(() => {}),
    isReady: () => ready,
    address: () => http.address(),
    async start() {
      await http.start()
      await plugins.start()
      ready = true
      log.info({ listen: http.address(), plugins: Object.keys(config.plugins), sources: [], sinks: [] }, 'agent started')
    },
    async stop() {
      ready = false
      await plugins.stop()
      await http.stop()
    },
  }
}
