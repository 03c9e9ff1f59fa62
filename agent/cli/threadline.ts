#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * The `threadline` command: dispatches to its subcommands.
 *
 * V8's young generation otherwise grows to 32 MB on the agent's steady
 * stream of short-lived line objects; capped at 3 × 4 MB it costs no measured
 * lines/s and takes about 24 MB off the agent's RSS. The flag can only be
 * given at start, hence the shebang (`env -S`, GNU coreutils 8.30 and later).
 */
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
