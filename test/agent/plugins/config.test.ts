/** The `plugins:` section, validated with the rest of the config: table-driven over fixtures, typos included. */
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAgentFlags } from '../../../agent/cli/agent-args.js'
import { ConfigError } from '../../../agent/config/errors.js'
import { loadAgentConfig } from '../../../agent/config/load.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-plugins-config-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const passwordFile = join(dir, 'redis-password')
writeFileSync(passwordFile, 's3cret\n')

function load(yaml: string) {
  const path = join(dir, 'agent.yaml')
  writeFileSync(path, yaml)
  return loadAgentConfig(parseAgentFlags(['--config', path]), {})
}

function problemsOf(yaml: string): string[] {
  try {
    load(yaml)
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
  return []
}

t.test('defaults: the Python exporters\' ports on loopback, a 2 s deadline, the documented key names', async (t) => {
  const { config } = load('plugins:\n  safety: { type: safety_telemetry }\n  harvest: { type: harvest }\n')
  const safety = config.plugins.safety!
  const harvest = config.plugins.harvest!
  t.equal(safety.listen, '127.0.0.1:9105')
  t.equal(harvest.listen, '127.0.0.1:8042')
  t.same(safety.redis, { url: 'redis://127.0.0.1:6379', deadline: 2_000 })
  if (safety.type !== 'safety_telemetry' || harvest.type !== 'harvest') throw new Error('unreachable: the union picks by type')
  t.same(safety.keys, {
    safe_mode: 'quantum:safety:safe_mode',
    fault_stream: 'quantum:stream:safety.fault',
    trade_intent_stream: 'quantum:stream:trade.intent',
    rate_global_prefix: 'quantum:safety:rate:global:',
    rate_symbol_prefix: 'quantum:safety:rate:symbol:',
  })
  t.same(safety.fault_fields, { reason: 'reason', symbol: 'symbol', side: 'side', ts: 'ts' })
  t.same(safety.scan, { count: 1000, max_calls: 100 })
  t.equal(safety.max_entries, 10_000)
  t.equal(harvest.key_prefix, 'quantum:harvest:proposal:')
  t.same(harvest.fields, { action: 'harvest_action', kill_score: 'kill_score', computed_at: 'computed_at_utc', last_update: 'last_update_epoch' })
  t.same(config.sources, {}, 'plugins without sources is a valid config')
})

t.test('port 0 (a free port each) never clashes', async (t) => {
  const { config } = load('listen: 127.0.0.1:0\nplugins:\n  a: { type: harvest, listen: "127.0.0.1:0" }\n  b: { type: safety_telemetry, listen: "127.0.0.1:0" }\n')
  t.same(Object.keys(config.plugins), ['a', 'b'])
})

t.test('listen: agent, password file, db, username and deadline', async (t) => {
  const { config } = load(
    `plugins:\n  safety: { type: safety_telemetry, listen: agent, redis: { url: "rediss://redis.internal:6380/2", db: 3, username: exporter, password_file: ${JSON.stringify(passwordFile)}, deadline: 500ms } }\n`,
  )
  t.same(config.plugins.safety!.listen, 'agent')
  t.same(config.plugins.safety!.redis, { url: 'rediss://redis.internal:6380/2', db: 3, username: 'exporter', password_file: passwordFile, deadline: 500 })
})

const cases: Array<{ name: string; yaml: string; problems: RegExp[] }> = [
  {
    name: 'a typo in a plugin key',
    yaml: 'plugins:\n  safety: { type: safety_telemetry, lisetn: "127.0.0.1:9105" }\n',
    problems: [/^plugins\.safety\.lisetn: unknown key, did you mean "listen"\?$/],
  },
  {
    name: 'a typo in a nested key',
    yaml: 'plugins:\n  h: { type: harvest, fields: { kill_scroe: ks } }\n',
    problems: [/^plugins\.h\.fields\.kill_scroe: unknown key, did you mean "kill_score"\?$/],
  },
  { name: 'an unknown type', yaml: 'plugins:\n  x: { type: safety }\n', problems: [/^plugins\.x\.type: /] },
  { name: 'a bad listen', yaml: 'plugins:\n  s: { type: safety_telemetry, listen: "9105" }\n', problems: [/^plugins\.s\.listen: expected HOST:PORT or "agent", received "9105"$/] },
  {
    name: 'a password in the URL, not echoed',
    yaml: 'plugins:\n  s: { type: safety_telemetry, redis: { url: "redis://:hunter2@127.0.0.1:6379" } }\n',
    problems: [/^plugins\.s\.redis\.url: a password in the URL is not allowed; use password_file or password_env$/],
  },
  { name: 'not a redis URL', yaml: 'plugins:\n  s: { type: harvest, redis: { url: "http://127.0.0.1:6379" } }\n', problems: [/^plugins\.s\.redis\.url: expected a redis:\/\/ or rediss:\/\/ URL/] },
  { name: 'not a URL at all', yaml: 'plugins:\n  s: { type: harvest, redis: { url: "nowhere" } }\n', problems: [/^plugins\.s\.redis\.url: expected a redis:\/\/ or rediss:\/\/ URL such as/] },
  { name: 'an unreadable password file', yaml: 'plugins:\n  s: { type: harvest, redis: { password_file: /nonexistent/pw } }\n', problems: [/^plugins\.s\.redis\.password_file: cannot read the password file "\/nonexistent\/pw"$/] },
  {
    name: 'an unset password variable',
    yaml: 'plugins:\n  s: { type: harvest, redis: { password_env: THREADLINE_TEST_UNSET_PASSWORD } }\n',
    problems: [/^plugins\.s\.redis\.password_env: the environment variable THREADLINE_TEST_UNSET_PASSWORD is not set$/],
  },
  {
    name: 'both password sources',
    yaml: `plugins:\n  s: { type: harvest, redis: { password_file: ${JSON.stringify(passwordFile)}, password_env: PATH } }\n`,
    problems: [/^plugins\.s\.redis\.password_env: password_file and password_env are exclusive; set one$/],
  },
  { name: 'a zero deadline', yaml: 'plugins:\n  s: { type: harvest, redis: { deadline: 0s } }\n', problems: [/^plugins\.s\.redis\.deadline: expected a duration above 0$/] },
  {
    name: 'two plugins on one port',
    yaml: 'plugins:\n  a: { type: harvest }\n  b: { type: safety_telemetry, listen: "127.0.0.1:8042" }\n',
    problems: [/^plugins\.b\.listen: plugin a already listens on 127\.0\.0\.1:8042$/],
  },
  {
    name: 'two of a type on the agent\'s /metrics',
    yaml: 'plugins:\n  a: { type: harvest, listen: agent }\n  b: { type: harvest, listen: agent }\n',
    problems: [/^plugins\.b\.listen: plugin a of the same type is already served on the agent's \/metrics$/],
  },
  {
    name: "a plugin on the agent's own address",
    yaml: 'listen: 127.0.0.1:9480\nplugins:\n  a: { type: harvest, listen: "127.0.0.1:9480" }\n',
    problems: [/^plugins\.a\.listen: the agent itself listens on 127\.0\.0\.1:9480; use "agent" to serve this plugin there$/],
  },
  { name: 'a bad plugin id', yaml: 'plugins:\n  "a b": { type: harvest }\n', problems: [/^plugins\.a b: Invalid key in record$/] },
]

for (const { name, yaml, problems } of cases) {
  t.test(name, async (t) => {
    const found = problemsOf(yaml)
    t.equal(found.length, problems.length, found.join('\n'))
    problems.forEach((problem, i) => t.match(found[i], problem))
    t.notMatch(found.join('\n'), /hunter2|s3cret/, 'no secret in any message')
  })
}
