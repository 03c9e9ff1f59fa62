/**
 * Every exporter plugin, registered explicitly (nothing registers itself on
 * import), each loaded when a config names it: the plugins and their Redis
 * reader are 0.6–0.9 MB of RSS a log agent without plugins never uses
 * (bench/PERFORMANCE-LOG.md).
 */
import type { LazyRegistry } from '../core/lazy-registry.js'
import type { PluginDefinition } from './define.js'

export const plugins = {
  safety_telemetry: () => import('./safety-telemetry/plugin.js'),
  harvest: () => import('./harvest/plugin.js'),
} satisfies LazyRegistry<PluginDefinition<never>>

export type PluginType = keyof typeof plugins

export { ON_AGENT, type PluginContext, type PluginInstance } from './define.js'
