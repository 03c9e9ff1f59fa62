/**
 * The exporter plugins: the safety plugin's scrape time with a 1,000,000-entry
 * fault stream ÷ with a 1,000-entry one (the newest 100 of each within the
 * last hour), both streams in one redis-server and scraped alternately, so
 * a scrape must not read the whole stream; and the RSS of the plugins-only
 * agent, the real `threadline` executable after scrapes of both plugins:
 * started with the node flags of the shipped systemd unit (the target), and
 * through its shebang (for information).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { createPlugin } from '../test/support/plugin-harness.js'
import { startRedis, type RedisServer } from '../test/support/redis-server.js'
import { median } from './measure.js'
import { processRssMb } from './process-stats.js'
import type { BenchResult } from './result.js'

const LARGE = Number(process.env.BENCH_FAULTS ?? 1_000_000)
const SMALL = 1_000
const RECENT = 100
const SCRAPES = 40
const RSS_SCRAPES = 200
const RSS_BUDGET_MB = 64
const CLI = fileURLToPath(new URL('../agent/cli/threadline.js', import.meta.url))
const UNIT = fileURLToPath(new URL('../../examples/systemd/threadline-safety-telemetry.service', import.meta.url))
const HOUR_MS = 3_600_000

// Entries written inside Redis, 100,000 per call: a million XADDs from the client took 62 s on this machine (ioredis building each command), this takes a few.
const SEED_SCRIPT = `
local first, count = tonumber(ARGV[1]), tonumber(ARGV[2])
for ms = first, first + count - 1 do
  redis.call('XADD', KEYS[1], string.format('%d-0', ms), 'reason', 'slippage', 'symbol', 'BTCUSDT', 'side', 'BUY', 'ts', string.format('%d', ms))
end`
const SEED_CHUNK = 100_000

/** `count` fault entries in `stream`, one a millisecond, all but the newest RECENT more than an hour old; the newest RECENT a second apart within the last hour. */
async function seedFaults(redis: Redis, stream: string, count: number, nowMs: number): Promise<void> {
  const old = count - RECENT
  const oldest = nowMs - 2 * HOUR_MS - old
  for (let from = 0; from < old; from += SEED_CHUNK) await redis.eval(SEED_SCRIPT, 1, stream, oldest + from, Math.min(SEED_CHUNK, old - from))
  for (let i = 0; i < RECENT; i++) await redis.eval(SEED_SCRIPT, 1, stream, nowMs - 30 * 60_000 + i * 1000, 1)
}

async function scrapeRatio(server: RedisServer): Promise<BenchResult> {
  const redis = new Redis(server.url)
  const nowMs = Date.now()
  const seedStarted = performance.now()
  await seedFaults(redis, 'faults:small', SMALL, nowMs)
  await seedFaults(redis, 'faults:large', LARGE, nowMs)
  const seedSeconds = (performance.now() - seedStarted) / 1000
  redis.disconnect()
  const plugin = (stream: string) => createPlugin('safety_telemetry', { redis: { url: server.url }, keys: { fault_stream: stream } })
  const small = await plugin('faults:small')
  const large = await plugin('faults:large')
  await small.start()
  await large.start()
  const times = { small: [] as number[], large: [] as number[] }
  let check = ''
  for (let round = -5; round < SCRAPES; round++) {
    for (const [name, instance] of round % 2 === 0 ? ([['small', small], ['large', large]] as const) : ([['large', large], ['small', small]] as const)) {
      const started = performance.now()
      check = await instance.registry.metrics()
      if (round >= 0) times[name].push(performance.now() - started)
    }
  }
  await small.stop()
  await large.stop()
  if (!/^quantum_safety_faults_last_1h 100$/m.test(check)) throw new Error(`unexpected scrape:\n${check}`)
  const ratio = median(times.large) / median(times.small)
  return {
    name: `safety plugin scrape time, ${LARGE.toLocaleString('en')}-entry fault stream / ${SMALL.toLocaleString('en')}-entry`,
    ratio,
    target: '<= 2',
    met: ratio <= 2,
    details: `median of ${SCRAPES} alternating scrapes: ${median(times.large).toFixed(2)} vs ${median(times.small).toFixed(2)} ms (seeded in ${seedSeconds.toFixed(1)} s)`,
  }
}

/** The node flags of the shipped systemd unit's ExecStart, so the figure is the unit's. */
function unitNodeFlags(): string[] {
  const unit = readFileSync(UNIT, 'utf8')
  const exec = /^ExecStart=\S*node((?: --\S+)*) /m.exec(unit)
  if (!exec) throw new Error(`no "ExecStart=…node --flags …" in ${UNIT}`)
  return exec[1]!.trim().split(' ')
}

interface Rss {
  peakMb: number
  rssMb: number
}

async function pluginsOnlyRss(server: RedisServer, command: string, args: string[]): Promise<Rss> {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-bench-plugins-'))
  try {
    const config = join(dir, 'agent.yaml')
    writeFileSync(
      config,
      [
        'listen: 127.0.0.1:0',
        'plugins:',
        `  safety: { type: safety_telemetry, listen: "127.0.0.1:0", redis: { url: "${server.url}", deadline: 2s }, keys: { fault_stream: "faults:large" } }`,
        `  harvest: { type: harvest, listen: "127.0.0.1:0", redis: { url: "${server.url}" } }`,
      ].join('\n'),
    )
    const child = spawn(command, [...args, 'agent', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    const ports = await new Promise<number[]>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk
        if (!stderr.includes('"agent started"')) return
        const started = stderr.split('\n').filter((line) => line.includes('"plugin started"'))
        resolve(started.map((line) => (JSON.parse(line) as { listen: { port: number } }).listen.port))
      })
      child.once('exit', (code) => reject(new Error(`agent exited ${code}: ${stderr}`)))
    })
    for (let i = 0; i < RSS_SCRAPES; i++) {
      for (const port of ports) await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    }
    const { peakMb, rssMb } = processRssMb(child.pid!)
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    return { peakMb, rssMb }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function run(): Promise<BenchResult[]> {
  const server = await startRedis()
  try {
    const ratio = await scrapeRatio(server)
    const flags = unitNodeFlags()
    const unit = await pluginsOnlyRss(server, process.execPath, [...flags, CLI])
    const executable = await pluginsOnlyRss(server, CLI, [])
    const scrapes = `after ${RSS_SCRAPES} scrapes of each plugin (safety on the ${LARGE.toLocaleString('en')}-entry stream)`
    return [
      ratio,
      // The steady RSS, as the Python exporter's "about 20 MB" was; the peak (start-up: module compilation) is what MemoryMax must fit.
      {
        name: `plugins-only agent RSS (MB) ${scrapes}, run as the systemd unit example runs it / ${RSS_BUDGET_MB} MB`,
        ratio: unit.rssMb / RSS_BUDGET_MB,
        target: '<= 1',
        met: unit.rssMb <= RSS_BUDGET_MB,
        details: `node ${flags.join(' ')} threadline.js: ${unit.rssMb.toFixed(1)} MB, peak ${unit.peakMb.toFixed(1)} MB`,
      },
      {
        name: `plugins-only agent RSS (MB), the executable with its own flags / ${RSS_BUDGET_MB} MB (for information)`,
        ratio: executable.rssMb / RSS_BUDGET_MB,
        target: '—',
        met: true,
        details: `${executable.rssMb.toFixed(1)} MB, peak ${executable.peakMb.toFixed(1)} MB`,
      },
    ]
  } finally {
    await server.stop()
  }
}
