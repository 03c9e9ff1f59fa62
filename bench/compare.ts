/**
 * `npm run bench:compare -- <name>=<build>[:<metrics>] …`: the agent's
 * catch-up (bench/agent.ts) for builds and configs side by side, in
 * interleaved rounds, each later one against the first. A build is a copy
 * of `dist/` beside it in the project (`cp -r dist dist-before`, where it finds
 * the project's packages), so a change is measured against
 * the code before it on the same machine in the same minutes; `<metrics>` is
 * `on` (the default rules), `off`, or a YAML file holding a `metrics:`
 * section. The rounds' CPU is split into the main thread and the others
 * (V8's helpers): on these machines the others' share moved far less from
 * round to round than the total (bench/PERFORMANCE-LOG.md, 2026-12-06, eighth session).
 *
 * BENCH_COMPARE_ROUNDS (6), BENCH_COMPARE_LINES (500,000: the catch-up from
 * a fresh process) and BENCH_COMPARE_STEADY_LINES (0): when set, that many
 * further lines are appended once the first have shipped, and only they are
 * measured, the agent's steady state.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { writeLogFile } from '../test/support/log-generator.js'
import { catchUp, defaultMetrics, type CatchUp } from './agent.js'
import { intervalText, median, medianInterval } from './measure.js'

const ROUNDS = Number(process.env.BENCH_COMPARE_ROUNDS ?? 6)
const LINES = Number(process.env.BENCH_COMPARE_LINES ?? 500_000)
const STEADY_LINES = Number(process.env.BENCH_COMPARE_STEADY_LINES ?? 0)

interface Variant {
  name: string
  cli: string
  extra: string
}

function variantOf(argument: string): Variant {
  const match = /^([^=]+)=([^:]+)(?::(.+))?$/.exec(argument)
  if (match === null) throw new Error(`expected <name>=<build dir>[:on|off|<metrics yaml>], got ${JSON.stringify(argument)}`)
  const [, name, build, metrics = 'on'] = match
  const extra = metrics === 'on' || metrics === 'off' ? defaultMetrics(metrics === 'on') : readFileSync(metrics, 'utf8')
  return { name: name!, cli: runnableCli(build!), extra }
}

/**
 * The build's executable, once it is known to start: a copy of `dist/`
 * outside the project finds none of the project's packages, and would fail
 * only when its first round starts it.
 */
function runnableCli(build: string): string {
  const cli = resolve(build, 'agent/cli/threadline.js')
  if (!existsSync(cli)) throw new Error(`${build}: no agent/cli/threadline.js in it; give a copy of dist/`)
  try {
    createRequire(cli).resolve('pino')
  } catch {
    throw new Error(`${build}: the project's packages are not found from there; copy dist/ beside it in the project (cp -r dist dist-before)`)
  }
  return cli
}

/** The generated log split after its first `lines` lines: the catch-up's file and, with steady lines, what is appended. */
async function writeLogs(dir: string): Promise<{ logFile: string; then?: { logFile: string; lines: number } }> {
  const whole = join(dir, 'whole.log')
  await writeLogFile(whole, { lines: LINES + STEADY_LINES, startMs: Date.now() - LINES - STEADY_LINES })
  if (STEADY_LINES === 0) return { logFile: whole }
  const bytes = readFileSync(whole)
  let end = -1
  for (let line = 0; line < LINES; line++) end = bytes.indexOf(0x0a, end + 1)
  const logFile = join(dir, 'first.log')
  const steady = join(dir, 'steady.log')
  writeFileSync(logFile, bytes.subarray(0, end + 1))
  writeFileSync(steady, bytes.subarray(end + 1))
  return { logFile, then: { logFile: steady, lines: STEADY_LINES } }
}

const variants = process.argv.slice(2).map(variantOf)
if (variants.length < 2) throw new Error('give at least two variants: <name>=<build dir>[:on|off|<metrics yaml>] …')
const dir = mkdtempSync(join(tmpdir(), 'threadline-compare-'))
try {
  const logs = await writeLogs(dir)
  const runs: CatchUp[][] = variants.map(() => [])
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating order: whatever a run leaves behind, or a noisy neighbour, falls on each variant alike.
    const order = variants.map((_, i) => i)
    if (round % 2 === 1) order.reverse()
    for (const i of order) runs[i]!.push(await catchUp({ ...logs, lines: LINES, extra: variants[i]!.extra, cli: variants[i]!.cli }))
    const line = variants.map((v, i) => {
      const run = runs[i]![round]!
      return `${v.name} ${run.cpuUsPerLine.toFixed(2)} µs/line (main ${run.mainCpuSeconds.toFixed(2)} s, others ${run.otherCpuSeconds.toFixed(2)} s, peak ${run.peakRssMb.toFixed(1)} MB)`
    })
    console.log(`round ${round + 1}: ${line.join(' | ')}`)
  }
  const measured = STEADY_LINES === 0 ? `the catch-up of ${LINES} lines` : `${STEADY_LINES} lines after the first ${LINES}`
  console.log(`${ROUNDS} rounds, ${measured}; medians:`)
  const [first] = variants
  variants.forEach((v, i) => {
    const med = (pick: (run: CatchUp) => number) => median(runs[i]!.map(pick))
    let against = ''
    if (i > 0) {
      const ratios = runs[i]!.map((run, round) => run.cpuUsPerLine / runs[0]![round]!.cpuUsPerLine)
      const interval = medianInterval(ratios)
      const within = interval === undefined ? '' : `, ${intervalText(interval)}`
      against = `; ÷ ${first!.name} ${median(ratios).toFixed(3)}${within} (rounds ${ratios.map((r) => r.toFixed(3)).join(' ')})`
    }
    console.log(`${v.name}: ${med((r) => r.cpuUsPerLine).toFixed(2)} µs/line, main ${med((r) => r.mainCpuSeconds).toFixed(3)} s, others ${med((r) => r.otherCpuSeconds).toFixed(3)} s${against}`)
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
