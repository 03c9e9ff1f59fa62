#!/usr/bin/env -S node --max-semi-space-size=4 --max-old-space-size=1536
/**
 * The `threadline` command: dispatches to its subcommands.
 *
 * V8's young generation otherwise grows to 32 MB on the agent's steady
 * stream of short-lived line objects; capped at 3 × 4 MB it costs no measured
 * lines/s and takes about 24 MB off the agent's RSS. The flag can only be
 * given at start, hence the shebang (`env -S`, GNU coreutils 8.30 and later).
 */
import { buildInfo } from '../core/build-info.js'
import { closest } from '../core/closest.js'
import { agentCommand } from '../main.js'
import { table, type Command } from './command.js'
import { doctorCommand } from './doctor.js'
import { traceCommand } from './trace.js'

const commands: readonly Command[] = [agentCommand, doctorCommand, traceCommand]

function usage(): string {
  return [
    'threadline: structured logs with correlation ids, a sidecar agent that ships them to Loki, log-derived metrics',
    'usage: threadline <command> [flags]',
    `commands:\n${table(commands.map((command) => [command.name, command.summary]))}`,
    `flags:\n${table([
      ['-h, --help', 'print this help (every command has its own: threadline <command> --help)'],
      ['-v, --version', 'print the version, and the git commit the build was made from'],
    ])}`,
  ].join('\n\n') + '\n'
}

const [name, ...rest] = process.argv.slice(2)
const command = commands.find((candidate) => candidate.name === name)
if (command) {
  process.exitCode = await command.main(rest)
} else if (name === '--version' || name === '-v') {
  const { version, git } = buildInfo()
  process.stdout.write(`threadline ${version}${git === 'unknown' ? '' : ` (${git})`}\n`)
} else if (name === '--help' || name === '-h') {
  process.stdout.write(usage())
} else {
  const suggestion = name ? closest(name, commands.map((candidate) => candidate.name)) : undefined
  process.stderr.write(`${name ? `threadline: unknown command "${name}"${suggestion ? `, did you mean "${suggestion}"?` : ''}\n\n` : ''}${usage()}`)
  process.exitCode = 2
}
