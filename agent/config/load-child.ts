/**
 * The child process of ./load-in-child.ts: loads the config for the flags
 * given as JSON on its stdin and writes a ChildAnswer to fd 3.
 */
import { readFileSync, writeSync } from 'node:fs'
import type { AgentFlags } from '../cli/agent-args.js'
import { ConfigError } from './errors.js'
import { loadAgentConfig } from './load.js'
import type { ChildAnswer } from './load-in-child.js'

const flags = JSON.parse(readFileSync(0, 'utf8')) as AgentFlags
let answer: ChildAnswer
try {
  answer = { loaded: loadAgentConfig(flags) }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  answer = { invalid: { source: error.source, problems: [...error.problems] } }
}
writeSync(3, JSON.stringify(answer))
