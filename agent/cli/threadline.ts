#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 --max-old-space-size=1536 --v8-pool-size=1 --interrupt-budget=1081344 --no-incremental-marking-task
/**
 * The `threadline` command: dispatches to its subcommands.
 *
 * Node flags for a sidecar, each measured on the 500,000-line catch-up
 * (bench/PERFORMANCE-LOG.md). Young generation at 3 × 4 MB: V8 otherwise grows
 * it to 32 MB. Lines waiting for their push are row bytes outside V8's heap,
 * so few objects outlive a scavenge and a small young generation costs no
 * CPU (6 MB: the same CPU per line, +9 MB peak). Old generation capped at
 * 1.5 GB: V8 then collects at about twice what is live instead of four
 * times (−50 MB peak). One V8 helper thread
 * instead of one per core: a sidecar's garbage collection should not spread
 * over the service's cores, and it cost 6 % less CPU. Two glibc malloc
 * arenas, the main thread's and one its helper threads share, instead of up
 * to eight a core: each thread's own arena kept what it once held (−0.3 MB
 * idle, CPU alike). V8's interrupt budget at 16 times its default while
 * the modules load, given back before the agent reads a line
 * (./start-up-tiering.ts). The flags and the environment can only be given at
 * start, hence the shebang (`env -S`, GNU coreutils 8.30 and later).
 */
import { buildInfo } from '../core/build-info.js'
import { closest } from '../core/closest.js'
import { table } from './command.js'
import { COMMAND_NAMES, SUMMARIES, isCommandName, loadCommand } from './commands.js'

function usage(): string {
  return [
    'threadline: structured logs with correlation ids, a sidecar agent that ships them to Loki, log-derived metrics',
    'usage: threadline <command> [flags]',
    `commands:\n${table(COMMAND_NAMES.map((name) => [name, SUMMARIES[name]]))}`,
    `flags:\n${table([
      ['-h, --help', 'print this help (every command has its own: threadline <command> --help)'],
      ['-v, --version', 'print the version, and the git commit the build was made from'],
    ])}`,
  ].join('\n\n') + '\n'
}

const [name, ...rest] = process.argv.slice(2)
if (isCommandName(name)) {
  process.exitCode = await (await loadCommand(name)).main(rest)
} else if (name === '--version' || name === '-v') {
  const { version, git } = buildInfo()
  process.stdout.write(`threadline ${version}${git === 'unknown' ? '' : ` (${git})`}\n`)
} else if (name === '--help' || name === '-h') {
  process.stdout.write(usage())
} else {
  const suggestion = name ? closest(name, COMMAND_NAMES) : undefined
  process.stderr.write(`${name ? `threadline: unknown command "${name}"${suggestion ? `, did you mean "${suggestion}"?` : ''}\n\n` : ''}${usage()}`)
  process.exitCode = 2
}
