/**
 * The agent's config loaded in a short-lived child process. zod, yaml and
 * every component's schema are used once, at start, yet held the agent's
 * RSS up by about 6 MB for its whole life (README, "Performance"); the
 * child runs ./load.ts exactly as the agent did and answers with the loaded
 * config as JSON (it is plain data by then: durations and sizes are
 * numbers), or with the problems of its ConfigError. The flags go in on its
 * stdin and the answer, with any secret read, comes back on a pipe of its
 * own (fd 3; node flags such as --trace-opt may write to stdout): neither
 * appears on a command line or in a log.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { AgentFlags } from '../cli/agent-args.js'
import { deepFreeze } from '../core/deep-freeze.js'
import { ConfigError } from './errors.js'
import type { LoadedConfig } from './load.js'

/** What ./load-child.ts writes to fd 3. */
export type ChildAnswer = { loaded: LoadedConfig } | { invalid: { source: string; problems: string[] } }

// Its sibling with this file's own extension, run by the same node flags and loaders: the built .js, or the .ts source under tests.
const CHILD = fileURLToPath(new URL(`./load-child${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url))

/** Debugging and profiling flags are the agent's own: `--inspect-brk` would hold the child (and the start) until a debugger attached. */
const NOT_FOR_THE_CHILD = /^--(inspect|debug|cpu-prof|heap-prof|heapsnapshot|prof)/
/** Those of them whose value may follow as the next argument (`--cpu-prof-interval 100`) rather than after `=`. */
const TAKES_A_VALUE = /^--(cpu-prof-(dir|name|interval)|heap-prof-(dir|name|interval)|heapsnapshot-(signal|near-heap-limit)|inspect-port|debug-port|inspect-publish-uid)$/

/** The node flags the child runs with: the agent's, less its debugging and profiling ones (and their values). */
export function childExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = []
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!
    if (!NOT_FOR_THE_CHILD.test(arg)) kept.push(arg)
    else if (TAKES_A_VALUE.test(arg)) i++
  }
  return kept
}

/** loadAgentConfig(flags, env), in a child process: the same config, or the same ConfigError. */
export function loadAgentConfigInChild(flags: AgentFlags, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const child = spawnSync(process.execPath, [...childExecArgv(), CHILD], {
    env,
    input: JSON.stringify(flags),
    // A crash of the child (a bug, not a bad config) shows its stack on our stderr.
    stdio: ['pipe', 'inherit', 'inherit', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  })
  if (child.error) throw child.error
  if (child.status !== 0) throw new Error(`the config child process exited with ${child.status ?? child.signal}`)
  const answer = JSON.parse(child.output[3]!.toString('utf8')) as ChildAnswer
  if ('invalid' in answer) throw new ConfigError(answer.invalid.source, answer.invalid.problems)
  return deepFreeze(answer.loaded)
}
