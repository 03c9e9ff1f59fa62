/**
 * An agent with plugins and no sources, the drop-in for an exporter's
 * systemd unit: no store is opened (its data_dir is never created), no sink
 * thread started, and it serves the plugins on their ports and its /metrics.
 */
import t from 'tap'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pino from 'pino'
import { createAgent } from '../../agent/agent.js'
import { parseAgentFlags } from '../../agent/cli/agent-args.js'
import { loadAgentConfig } from '../../agent/config/load.js'
import { startAgentProcess, waitFor } from '../support/agent-process.js'
import { freePort } from '../support/prometheus.js'
import { startRedis } from '../support/redis-server.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-plugins-agent-'))
const server = await startRedis()
t.teardown(async () => {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})
const redis = new Redis(server.url)
await redis.set('quantum:safety:safe_mode', '1')
await redis.hset('quantum:harvest:proposal:BTCUSDT', { harvest_action: 'HOLD', kill_score: '0.5', last_update_epoch: '1767430000' })
redis.disconnect()

const yaml = (safetyPort: number, extra = '') =>
  [
    `data_dir: ${JSON.stringify(join(dir, 'data'))}`,
    'listen: 127.0.0.1:0',
    'plugins:',
    `  safety: { type: safety_telemetry, listen: "127.0.0.1:${safetyPort}", redis: { url: "${server.url}" } }`,
    `  harvest: { type: harvest, listen: agent, redis: { url: "${server.url}" } }`,
    extra,
  ].join('\n')

t.test('the threadline executable as an exporter only', async (t) => {
  const safetyPort = await freePort()
  const agent = await startAgentProcess(dir, yaml(safetyPort))
  t.teardown(() => agent.kill())
  const safety = await (await fetch(`http://127.0.0.1:${safetyPort}/metrics`)).text()
  t.match(safety, /^quantum_safety_redis_up 1$/m)
  t.match(safety, /^quantum_safety_safe_mode 1$/m)
  t.notMatch(safety, /quantum_harvest|threadline_/, 'its own port serves only its own metrics')
  await waitFor('harvest read on the agent /metrics', async () => (await agent.metric('quantum_harvest_redis_up')) === 1)
  t.equal(await agent.metric('quantum_harvest_kill_score{symbol="BTCUSDT"}'), 0.5)
  t.match(await agent.metricsText(), /^process_resident_memory_bytes /m, 'the agent keeps its own metrics')
  t.equal((await fetch(`http://127.0.0.1:${agent.port}/ready`)).status, 200)
  t.notOk(existsSync(join(dir, 'data')), 'no store: the data dir was never created')
  t.match(agent.stderr(), /"plugins":\["safety","harvest"\]/)
  t.equal(await agent.stop(), 0, 'SIGTERM stops it with 0')
})

t.test('in-process: no store, sinks named in the config are not started, stop is clean', async (t) => {
  const path = join(dir, 'inprocess.yaml')
  writeFileSync(path, yaml(await freePort(), 'sinks:\n  loki: { type: loki, endpoint: "http://127.0.0.1:9" }'))
  const loaded = loadAgentConfig(parseAgentFlags(['--config', path]), {})
  const lines: string[] = []
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) })
  const agent = await createAgent(loaded, log)
  t.equal(agent.store, undefined)
  t.equal(agent.isReady(), false)
  await agent.start()
  t.equal(agent.isReady(), true)
  const text = await (await fetch(`http://127.0.0.1:${agent.address().port}/metrics`)).text()
  t.match(text, /^quantum_harvest_action_info\{symbol="BTCUSDT",action="HOLD"\} 1$/m)
  t.match(lines.join(''), /no sources: the sinks are not started/)
  await agent.stop()
  t.equal(agent.isReady(), false)
  t.notOk(existsSync(join(dir, 'data')))
})
