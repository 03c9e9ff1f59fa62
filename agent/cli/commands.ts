/**
 * The `threadline` subcommands as `threadline --help` lists them. A command's
 * module, and everything it imports, is loaded only when that command runs:
 * the agent, a sidecar whose RSS is taken from the service beside it, never
 * loads the trace command's Redis client or the doctor's checks (measured:
 * 7 MB of the idle agent's RSS, with the plugins' lazy ioredis).
 */
import type { Command } from './command.js'

export const SUMMARIES = {
  agent: 'run the sidecar agent: tail logs, keep them in the embedded store, ship them to Loki, derive metrics',
  doctor: "check Loki, the agent, the services' log format, Grafana, Prometheus, Alertmanager and the runbooks; print each finding with its fix",
  trace: "one request's timeline across services and Redis streams, by its correlation id",
} as const

export type CommandName = keyof typeof SUMMARIES

const loaders: Record<CommandName, () => Promise<Command>> = {
  agent: async () => (await import('../main.js')).agentCommand,
  doctor: async () => (await import('./doctor.js')).doctorCommand,
  trace: async () => (await import('./trace.js')).traceCommand,
}

export const COMMAND_NAMES = Object.keys(SUMMARIES) as CommandName[]

export const isCommandName = (name: string | undefined): name is CommandName => name !== undefined && Object.hasOwn(SUMMARIES, name)

export const loadCommand = (name: CommandName): Promise<Command> => loaders[name]()
