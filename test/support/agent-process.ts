/**
 * Runs the real `threadline agent` (the built CLI) as a child process, the
 * way users and systemd do: for tests that SIGKILL it, restart it, and scrape
 * its /metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../../dist/agent/cli/threadline.js', import.meta.url))

export interface AgentProcess {
  readonly child: ChildProcess
  readonly port: number
  /** Everything the agent wrote to stderr (its JSON log) so far. */
  stderr(): string
  metricsText(): Promise<string>
  /** Value of one sample on /metrics, e.g. `threadline_lines_read_total{source="app"}`; 0 when absent. */
  metric(series: string): Promise<number>
  /** SIGTERM and wait; resolves to the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL and wait. */
  kill(): Promise<void>
}

/** Writes `yaml` to `<dir>/agent.yaml` and starts the agent on it; resolves once it logged "agent started". */
export async function startAgentProcess(dir: string, yaml: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<AgentProcess> {
  const config = join(dir, 'agent.yaml')
  writeFileSync(config, yaml)
  const child = spawn(process.execPath, [CLI, 'agent', '--config', config, ...extraArgs], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LOKI_URL: '', ...env },
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk))
  const port = await new Promise<number>((resolve, reject) => {
    const onData = () => {
      const started = stderr.split('\n').find((line) => line.includes('"agent started"'))
      if (started) resolve((JSON.parse(started) as { listen: { port: number } }).listen.port)
    }
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`agent exited with ${code} before starting:\n${stderr}`)))
  })
  const metricsText = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  return {
    child,
    port,
    stderr: () => stderr,
    metricsText,
    async metric(series) {
      const text = await metricsText()
      const line = text.split('\n').find((l) => l.startsWith(series + ' '))
      return line ? Number(line.slice(series.length + 1)) : 0
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode
      child.kill('SIGTERM')
      const [code] = (await once(child, 'exit')) as [number | null]
      return code
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGKILL')
      await once(child, 'exit')
    },
  }
}

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes; then throws with `what`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export interface TailingAgentConfig {
  /** The store goes to `<dir>/data`. */
  dir: string
  /** Glob of the files the `app` source tails from the beginning. */
  include: string
  /** When set, a `loki` sink pushes there. */
  lokiUrl?: string
  /** More fields of the file source, flow-style (`poll_interval: 50ms`). */
  sourceFields?: string
  /** More fields of the loki sink, flow-style (`batch: { max_wait: 100ms }`). */
  lokiFields?: string
  /** More top-level YAML (`metrics: { defaults: false }`). */
  extra?: string
}

/** The config most process-level tests and the bench run: one file source, maybe a Loki sink, a free port. */
export function tailingAgentYaml({ dir, include, lokiUrl, sourceFields, lokiFields, extra }: TailingAgentConfig): string {
  const more = (fields: string | undefined) => (fields ? `, ${fields}` : '')
  return [
    `data_dir: ${JSON.stringify(join(dir, 'data'))}`,
    'listen: 127.0.0.1:0',
    'sources:',
    `  app: { type: file, include: [${JSON.stringify(include)}], read_from: beginning${more(sourceFields)} }`,
    ...(lokiUrl ? ['sinks:', `  loki: { type: loki, endpoint: ${JSON.stringify(lokiUrl)}${more(lokiFields)} }`] : []),
    extra ?? '',
  ].join('\n')
}
