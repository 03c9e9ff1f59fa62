/**
 * `threadline agent` flags. This is a contract other tools and docs call:
 * threadline agent [--config FILE] [--tail GLOB]... [--read-from beginning|end] [--stdin]
 *   [--service NAME] [--label KEY=VALUE]... [--loki-url URL] [--data-dir DIR]
 *   [--listen HOST:PORT] [--check-config]
 */
import { parseFlags, UsageError, type FlagSpec, type FlagValues } from './command.js'

export const AGENT_FLAGS = {
  config: { type: 'string', value: 'FILE', description: 'YAML config file; the flags below override it.' },
  tail: { type: 'string', multiple: true, value: 'GLOB', description: 'Follow the files matching GLOB (a file source named "tail").' },
  'read-from': {
    type: 'string',
    value: 'beginning|end',
    description: 'Where files found at the first start begin, for every file and docker source: beginning ships what they hold, end skips it. Later starts resume from the stored positions either way.',
    default: 'beginning',
  },
  stdin: { type: 'boolean', description: 'Read lines from standard input; at its end, flush and exit 0.' },
  service: { type: 'string', value: 'NAME', description: 'The service label of lines that name none.', default: 'unknown' },
  label: { type: 'string', multiple: true, value: 'KEY=VALUE', description: 'A static label on every stream.' },
  'loki-url': { type: 'string', value: 'URL', description: 'Ship to this Loki (base URL or the push URL).', env: 'LOKI_URL' },
  'data-dir': { type: 'string', value: 'DIR', description: 'Where the embedded store lives.', default: './.threadline' },
  listen: { type: 'string', value: 'HOST:PORT', description: 'Address of /metrics, /ready and /healthz.', default: '127.0.0.1:9480' },
  'check-config': { type: 'boolean', description: 'Validate the config (secret files included) and exit: 0 when valid, 2 with every error and its path.' },
} as const satisfies Record<string, FlagSpec>

export interface AgentFlags {
  config?: string
  tail: string[]
  readFrom?: 'beginning' | 'end'
  stdin: boolean
  service?: string
  labels: Record<string, string>
  lokiUrl?: string
  dataDir?: string
  listen?: string
  checkConfig: boolean
}

/** Turns parsed flag values into the agent's flags; throws a UsageError naming the flag at fault. */
export function toAgentFlags(values: FlagValues<typeof AGENT_FLAGS>): AgentFlags {
  const labels: Record<string, string> = {}
  for (const pair of values.label) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--label expects KEY=VALUE, received ${JSON.stringify(pair)}`)
    labels[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  const readFrom = values['read-from']
  if (readFrom !== undefined && readFrom !== 'beginning' && readFrom !== 'end') {
    throw new UsageError(`--read-from expects beginning or end, received ${JSON.stringify(readFrom)}`)
  }
  return {
    config: values.config,
    tail: values.tail,
    readFrom,
    stdin: values.stdin,
    service: values.service,
    labels,
    lokiUrl: values['loki-url'],
    dataDir: values['data-dir'],
    listen: values.listen,
    checkConfig: values['check-config'],
  }
}

/** Parses `threadline agent` flags; throws a UsageError naming the flag at fault. */
export function parseAgentFlags(argv: readonly string[]): AgentFlags {
  return toAgentFlags(parseFlags({ flags: AGENT_FLAGS }, argv).flags)
}
