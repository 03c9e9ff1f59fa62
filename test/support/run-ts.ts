/**
 * Runs a TypeScript file in a child node process, through the same ts-node
 * loader tap uses for the tests (transpile only), so fixtures can import the
 * sources without a build.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess, SpawnOptions } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const LOADER = require.resolve('@isaacs/ts-node-temp-fork-for-pr-2009/import')
const PROJECT = fileURLToPath(new URL('../../tsconfig.json', import.meta.url))

/** The node arguments that run `file` (a .ts path) with the TypeScript loader. */
export function tsNodeArgs(file: string, args: readonly string[] = []): string[] {
  return ['--import', LOADER, file, ...args]
}

/** Spawns `node` running the TypeScript `file`; stdio piped unless `options.stdio` says otherwise. */
export function spawnTs(file: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
  // Through `env -u NODE_OPTIONS` (which execs node, same pid): tap's
  // process-info hooks patch child_process to put themselves into the child's
  // NODE_OPTIONS, and their signal-exit listeners change how the child reacts
  // to SIGTERM.
  return spawn('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, ...tsNodeArgs(file, args)], {
    stdio: 'pipe',
    ...options,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: PROJECT, ...options.env },
  })
}

/** The outcome of a finished child process. */
export interface TsRunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the TypeScript `file` to completion and collects its output. */
export function runTs(file: string, args: readonly string[] = [], options: SpawnOptions = {}): Promise<TsRunResult> {
  const child = spawnTs(file, args, options)
  return collect(child)
}

/** Collects a spawned child's output until it exits. */
export function collect(child: ChildProcess): Promise<TsRunResult> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}
