/**
 * The agent end to end: a generated 500,000-line file tailed from the
 * beginning by the real `threadline agent` (a child process), shipped to the
 * Loki double (another child process), timed until the double holds every line. Compared, in the same
 * run, with JSON.parse alone over the same file; and with the log-derived
 * metrics on versus off. Peak RSS is the child's VmHWM.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tailingAgentYaml } from '../test/support/agent-process.js'
import { writeLogFile } from '../test/support/log-generator.js'
import { median } from './measure.js'
import type { BenchResult } from './result.js'

const LINES = Number(process.env.BENCH_AGENT_LINES ?? 500_000)
const ROUNDS = 5
const CLI = fileURLToPath(new URL('../agent/cli/threadline.js', import.meta.url))
const LOKI_DOUBLE = fileURLToPath(new URL('./loki-double-process.js', import.meta.url))

export interface LokiDoubleProcess {
  url: string
  count(): Promise<number>
  /** Stop listening (clients get ECONNREFUSED), or listen again on the same port. */
  refuse(refusing: boolean): Promise<void>
  stop(): Promise<void>
}

/** The Loki double in its own process (the transport benchmark starts it too). */
export async function startLokiDoubleProcess(env: NodeJS.ProcessEnv = {}): Promise<LokiDoubleProcess> {
  const child: ChildProcess = fork(LOKI_DOUBLE, { stdio: 'inherit', env: { ...process.env, ...env } })
  const [{ url }] = (await once(child, 'message')) as [{ url: string }]
  return {
    url,
    async count() {
      child.send('count')
      const [{ count }] = (await once(child, 'message')) as [{ count: number }]
      return count
    },
    async refuse(refusing) {
      child.send(refusing ? 'close' : 'reopen')
      await once(child, 'message')
    },
    async stop() {
      const exited = once(child, 'exit')
      child.disconnect()
      await exited
    },
  }
}

function jsonParseLinesPerSecond(path: string): number {
  const started = process.hrtime.bigint()
  const text = readFileSync(path, 'utf8')
  let count = 0
  let from = 0
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', from)) {
    JSON.parse(text.slice(from, end))
    count++
    from = end + 1
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return count / seconds
}

interface AgentRun {
  linesPerSecond: number
  peakRssMb: number
}

async function runAgent(logFile: string, metricsOn: boolean): Promise<AgentRun> {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-bench-'))
  const loki = await startLokiDoubleProcess()
  try {
    const config = join(dir, 'agent.yaml')
    writeFileSync(
      config,
      tailingAgentYaml({ dir, include: logFile, lokiUrl: loki.url, extra: `metrics: { defaults: ${metricsOn} }` }),
    )
    // Run as users run it: the executable, with the node flags its shebang sets.
    const child = spawn(CLI, ['agent', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    const started = await new Promise<bigint>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk
        if (stderr.includes('agent started')) resolve(process.hrtime.bigint())
      })
      child.once('exit', (code) => reject(new Error(`agent exited ${code}: ${stderr}`)))
    })
    while ((await loki.count()) < LINES) {
      if (child.exitCode !== null) throw new Error(`agent exited early: ${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN)
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    return { linesPerSecond: LINES / seconds, peakRssMb: peakKb / 1024 }
  } finally {
    await loki.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-bench-log-'))
  try {
    const logFile = join(dir, 'app.log')
    await writeLogFile(logFile, { lines: LINES, startMs: Date.now() - LINES })
    const parse: number[] = []
    const on: AgentRun[] = []
    const off: AgentRun[] = []
    // Interleaved rounds, metrics on and off in alternating order: a noisy neighbour, or whatever a run leaves behind, hurts both alike.
    for (let round = 0; round < ROUNDS; round++) {
      parse.push(jsonParseLinesPerSecond(logFile))
      for (const metricsOn of round % 2 === 0 ? [true, false] : [false, true]) {
        const runs = metricsOn ? on : off
        runs.push(await runAgent(logFile, metricsOn))
      }
    }
    // Each ratio is taken within a round, then the median of the rounds': the machine's speed drifts between rounds far more than within one.
    const rounds = parse.map((parseRate, i) => ({ parseRate, onRate: on[i]!.linesPerSecond, offRate: off[i]!.linesPerSecond }))
    const versusParse = median(rounds.map((r) => r.onRate / r.parseRate))
    const onVersusOff = median(rounds.map((r) => r.onRate / r.offRate))
    const parseRate = median(parse)
    const onRate = median(on.map((r) => r.linesPerSecond))
    const offRate = median(off.map((r) => r.linesPerSecond))
    const peakRss = Math.max(...on.map((r) => r.peakRssMb), ...off.map((r) => r.peakRssMb))
    const k = (n: number) => `${Math.round(n / 1000)}k lines/s`
    return [
      {
        name: 'agent lines/s (file → Loki double, default metrics on) / JSON.parse-only lines/s',
        ratio: versusParse,
        target: '>= 0.25',
        met: versusParse >= 0.25,
        details: `median of ${ROUNDS} rounds' ratios; median rates: agent ${k(onRate)}, JSON.parse ${k(parseRate)}; ${LINES} lines`,
      },
      {
        name: 'agent lines/s with default metrics / with metrics off',
        ratio: onVersusOff,
        target: '>= 0.85',
        met: onVersusOff >= 0.85,
        details: `median of ${ROUNDS} rounds' ratios; median rates: on ${k(onRate)}, off ${k(offRate)}`,
      },
      {
        name: 'agent peak RSS (MB) / 150 MB budget',
        ratio: peakRss / 150,
        target: '<= 1',
        met: peakRss <= 150,
        details: `peak RSS ${peakRss.toFixed(1)} MB`,
      },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
