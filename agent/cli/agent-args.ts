/**
 * `threadline agent` flags. This is a contract other tools and docs call:
 * threadline agent [--config FILE] [--tail GLOB]... [--stdin] [--service NAME]
 *   [--label KEY=VALUE]... [--loki-url URL] [--data-dir DIR] [--listen HOST:PORT] [--check-config]
 */
import { parseArgs } from 'node:util'

export interface AgentFlags {
  config?: string
  tail: string[]
  stdin: boolean
  service?: string
  labels: Record<string, string>
  lokiUrl?: string
  dataDir?: string
  listen?: string
  checkConfig: boolean
}

export const AGENT_USAGE = `usage: threadline agent [--config FILE] [--tail GLOB]... [--stdin] [--service NAME]
                       [--label KEY=VALUE]... [--loki-url URL] [--data-dir DIR]
                       [--listen HOST:PORT] [--check-config]`

/** Parses the flags; throws an Error naming the flag at fault. */
export function parseAgentFlags(argv: readonly string[]): AgentFlags {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: 'string' },
      tail: { type: 'string', multiple: true },
      stdin: { type: 'boolean' },
      service: { type: 'string' },
      label: { type: 'string', multiple: true },
      'loki-url': { type: 'string' },
      'data-dir': { type: 'string' },
      listen: { type: 'string' },
      'check-config': { type: 'boolean' },
    },
  })
  const labels: Record<string, string> = {}
  for (const pair of values.label ?? []) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new Error(`--label expects KEY=VALUE, received ${JSON.stringify(pair)}`)
    labels[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return {
    config: values.config,
    tail: values.tail ?? [],
    stdin: values.stdin ?? false,
    service: values.service,
    labels,
    lokiUrl: values['loki-url'],
    dataDir: values['data-dir'],
    listen: values.listen,
    checkConfig: values['check-config'] ?? false,
  }
}
