#!/usr/bin/env node
/** The `threadline` command: dispatches to its subcommands. */
import { runAgent } from '../main.js'

const USAGE = `usage: threadline <command> [options]

commands:
  agent     run the sidecar agent (threadline agent --help)
`

const [command, ...rest] = process.argv.slice(2)
const commands: Record<string, (argv: readonly string[]) => Promise<number>> = {
  agent: runAgent,
}

const run = command ? commands[command] : undefined
if (!run) {
  process.stderr.write(command && command !== '--help' && command !== '-h' ? `threadline: unknown command "${command}"\n${USAGE}` : USAGE)
  process.exitCode = command === '--help' || command === '-h' ? 0 : 2
} else {
  process.exitCode = await run(rest)
}
