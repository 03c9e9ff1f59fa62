/** Every exporter plugin, registered explicitly (nothing registers itself on import). */
import harvest from './harvest/plugin.js'
import safetyTelemetry from './safety-telemetry/plugin.js'

export const plugins = { safety_telemetry: safetyTelemetry, harvest }

export { ON_AGENT, type PluginContext, type PluginInstance } from './define.js'
