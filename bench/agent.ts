/**
 * The agent end to end: a generated 500,000-line file tailed from the
 * beginning by the real `threadline agent` (a child process), shipped to the
 * Loki double, timed until the double holds every line. Compared, in the same
 * run, with JSON.parse alone over the same file; and with the log-derived
 * metrics on versus off. Peak RSS is the child's VmHWM.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tailingAgentYaml } from '../test/support/agent-process.js'
import { startLokiDouble } from '../test/support/loki-double.js'
import { writeLogFile } from '../test/support/log-generator.js'
import { median } from './measure.js'
import type { BenchResult } from './result.js'

const LINES = Number(process.env.BENCH_AGENT_LINES ?? 500_000)
const CLI = fileURLToPath(new URL('../agent/cli/threadline.js', import.meta.url))

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
  const loki = await startLokiDouble()
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
    while (loki.count() < LINES) {
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
    // Interleaved rounds: a noisy neighbour hurts every variant alike.
    for (let round = 0; round < 3; round++) {
      parse.push(jsonParseLinesPerSecond(logFile))
      on.push(await runAgent(logFile, true))
      off.push(await runAgent(logFile, false))
    }
    const parseRate = median(parse)
    const onRate = median(on.map((r) => r.linesPerSecond))
    const offRate = median(off.map((r) => r.linesPerSecond))
    const peakRss = Math.max(...on.map((r) => r.peakRssMb), ...off.map((r) => r.peakRssMb))
    const k = (n: number) => `${Math.round(n / 1000)}k lines/s`
    return [
      {
        name: 'agent lines/s (file → Loki double, default metrics on) / JSON.parse-only lines/s',
        ratio: onRate / parseRate,
        target: '>= 0.25',
        met: onRate / parseRate >= 0.25,
        details: `agent ${k(onRate)}, JSON.parse ${k(parseRate)}, ${LINES} lines, median of 3`,
      },
      {
        name: 'agent lines/s with default metrics / with metrics off',
        ratio: onRate / offRate,
        target: '>= 0.85',
        met: onRate / offRate >= 0.85,
        details: `on ${k(onRate)}, off ${k(offRate)}`,
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
