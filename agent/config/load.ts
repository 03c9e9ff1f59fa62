/**
 * Builds the agent's config: the YAML file, then the command-line flags and
 * the LOKI_* environment over it, then validation of the whole (every error
 * with its path), then secrets read from their files, then a deep freeze.
 */
import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import type { AgentFlags } from '../cli/agent-args.js'
import { deepFreeze } from '../core/deep-freeze.js'
import type { ResolvedSink } from '../sinks/index.js'
import { resolveSink } from '../sinks/resolve.js'
import { ConfigError, describeIssues } from './errors.js'
import { AgentConfig } from './schema.js'
import { keysAt } from './schema-keys.js'

type RawObject = Record<string, unknown>

export interface LoadedConfig {
  config: AgentConfig
  /** Each sink's options with its secrets read, by sink id. */
  sinks: Readonly<Record<string, ResolvedSink>>
  /** Where the config came from, for messages: the file, or "flags". */
  origin: string
}

/** Reads and validates; throws a ConfigError listing every problem. */
export function loadAgentConfig(flags: AgentFlags, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const origin = flags.config ?? 'flags'
  const raw = flags.config ? readYaml(flags.config) : {}
  applyFlags(raw, flags, env)
  const parsed = AgentConfig.safeParse(raw)
  if (!parsed.success) {
    throw new ConfigError(origin, describeIssues(parsed.error.issues, (path) => keysAt(AgentConfig, path, raw)))
  }
  const sinks: Record<string, ResolvedSink> = {}
  const problems: string[] = []
  for (const [id, sinkConfig] of Object.entries(parsed.data.sinks)) {
    try {
      sinks[id] = resolveSink(sinkConfig, env)
    } catch (error) {
      problems.push(`sinks.${id}: ${(error as Error).message}`)
    }
  }
  if (problems.length > 0) throw new ConfigError(origin, problems)
  return { config: deepFreeze(parsed.data), sinks, origin }
}

function readYaml(path: string): RawObject {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConfigError(path, [`cannot read the config file: ${(error as Error).message}`])
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (document.errors.length > 0) {
    throw new ConfigError(
      path,
      document.errors.map((error) => {
        const at = error.linePos?.[0]
        return `${at ? `line ${at.line}, column ${at.col}: ` : ''}${error.message.split('\n')[0]}`
      }),
    )
  }
  const value: unknown = document.toJS()
  if (value === null || value === undefined) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(path, ['(root): expected a mapping of settings'])
  return value as RawObject
}

function section(raw: RawObject, key: string): RawObject {
  const existing = raw[key]
  if (existing !== null && typeof existing === 'object' && !Array.isArray(existing)) return existing as RawObject
  const created: RawObject = {}
  raw[key] = created
  return created
}

/** Flags beat the file; the environment fills the Loki settings the file and flags leave open. */
function applyFlags(raw: RawObject, flags: AgentFlags, env: NodeJS.ProcessEnv): void {
  if (flags.dataDir !== undefined) raw.data_dir = flags.dataDir
  if (flags.listen !== undefined) raw.listen = flags.listen
  if (flags.tail.length > 0) section(raw, 'sources').tail = { type: 'file', include: flags.tail }
  if (flags.stdin) section(raw, 'sources').stdin = { type: 'stdin' }
  if (flags.readFrom !== undefined) {
    for (const source of Object.values(section(raw, 'sources'))) {
      const followsFiles = source !== null && typeof source === 'object' && ['file', 'docker'].includes((source as RawObject).type as string)
      if (followsFiles) (source as RawObject).read_from = flags.readFrom
    }
  }
  if (flags.service !== undefined) section(raw, 'transforms').default_service = flags.service
  if (Object.keys(flags.labels).length > 0) {
    const transforms = section(raw, 'transforms')
    transforms.static_labels = { ...(transforms.static_labels as RawObject | undefined), ...flags.labels }
  }
  const lokiUrl = flags.lokiUrl ?? env.LOKI_URL
  if (lokiUrl !== undefined && lokiUrl !== '') {
    const sinks = section(raw, 'sinks')
    const loki = (sinks.loki as RawObject | undefined) ?? { type: 'loki' }
    sinks.loki = { ...loki, endpoint: lokiUrl }
  }
}
