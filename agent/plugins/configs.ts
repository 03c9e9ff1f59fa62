/**
 * Every plugin type's config schema, the config's side of ./index.ts: kept
 * apart from the plugins' code, so the running agent never loads zod (the
 * config is validated in a child process, see ../config/load-in-child.ts).
 */
import { HarvestConfig } from './harvest/config.js'
import { SafetyTelemetryConfig } from './safety-telemetry/config.js'

export const pluginConfigs = [SafetyTelemetryConfig, HarvestConfig] as const
