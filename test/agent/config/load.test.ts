import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAgentFlags } from '../../../agent/cli/agent-args.js'
import { ConfigError } from '../../../agent/config/errors.js'
import { loadAgentConfig } from '../../../agent/config/load.js'
import { childExecArgv, loadAgentConfigInChild } from '../../../agent/config/load-in-child.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-config-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

function configFile(name: string, yaml: string): string {
  const path = join(dir, name)
  writeFileSync(path, yaml)
  return path
}

function problemsOf(argv: string[], env: NodeJS.ProcessEnv = {}): string[] {
  try {
    loadAgentConfig(parseAgentFlags(argv), env)
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems]
    throw error
  }
  return []
}

t.test('defaults: embedded store only, loopback listen, 10 s shutdown', async (t) => {
  const { config, sinks } = loadAgentConfig(parseAgentFlags([]), {})
  t.equal(config.data_dir, './.threadline')
  t.equal(config.listen, '127.0.0.1:9480')
  t.equal(config.shutdown_timeout, 10_000)
  t.same(config.sources, {})
  t.same(sinks, {})
  t.equal(config.transforms.max_line_bytes, 256 * 1024)
  t.equal(config.transforms.max_label_values, 100)
  t.equal(config.metrics.defaults, true)
  t.ok(Object.isFrozen(config.transforms), 'the config is frozen')
})

t.test('flags override the file and the environment fills Loki settings', async (t) => {
  const path = configFile(
    'full.yaml',
    `
data_dir: /var/lib/threadline
listen: 127.0.0.1:9999
sources:
  app: { type: file, include: ["/var/log/app/*.log"], read_from: beginning }
sinks:
  loki: { type: loki, endpoint: "http://loki:3100", encoding: json, gzip: true }
`,
  )
  const { config, sinks } = loadAgentConfig(
    parseAgentFlags(['--config', path, '--listen', '127.0.0.1:0', '--tail', '/tmp/x/*.log', '--service', 'auto_executor', '--label', 'env=prod', '--loki-url', 'http://127.0.0.1:3100']),
    { LOKI_USERNAME: 'bob', LOKI_PASSWORD: 's3cret', LOKI_TENANT_ID: 'team-a' },
  )
  t.equal(config.listen, '127.0.0.1:0')
  t.equal(config.data_dir, '/var/lib/threadline')
  t.same(Object.keys(config.sources).sort(), ['app', 'tail'])
  t.equal(config.transforms.default_service, 'auto_executor')
  t.same(config.transforms.static_labels, { env: 'prod' })
  const loki = sinks.loki!.options
  t.equal(loki.endpoint, 'http://127.0.0.1:3100/loki/api/v1/push')
  t.equal(loki.encoding, 'json', 'the file still sets what the flag leaves alone')
  t.same(loki.basicAuth, { username: 'bob', password: 's3cret' })
  t.equal(loki.tenantId, 'team-a')
})

t.test('files found at the first start are read from the beginning unless --read-from end says otherwise', async (t) => {
  const path = configFile(
    'read-from.yaml',
    `
sources:
  app: { type: file, include: ["/var/log/app/*.log"] }
  containers: { type: docker, containers: ["quantum_*"], read_from: beginning }
  journal: { type: journald }
`,
  )
  const defaults = loadAgentConfig(parseAgentFlags(['--config', path, '--tail', '/tmp/x.log']), {}).config.sources
  t.same([defaults.app, defaults.tail, defaults.containers].map((source) => (source as { read_from: string }).read_from), ['beginning', 'beginning', 'beginning'])
  const fromEnd = loadAgentConfig(parseAgentFlags(['--config', path, '--tail', '/tmp/x.log', '--read-from', 'end']), {}).config.sources
  t.same([fromEnd.app, fromEnd.tail, fromEnd.containers].map((source) => (source as { read_from: string }).read_from), ['end', 'end', 'end'])
  t.equal((fromEnd.journal as { read_from: string }).read_from, 'end', 'journald keeps its own default: the whole journal is not a file')
})

t.test('LOKI_URL alone adds a loki sink; a password file is read', async (t) => {
  const secret = configFile('password', 'from-file\n')
  const { sinks } = loadAgentConfig(parseAgentFlags([]), { LOKI_URL: 'https://loki.example:3100/', LOKI_USERNAME: 'u', LOKI_PASSWORD_FILE: secret })
  t.equal(sinks.loki!.options.endpoint, 'https://loki.example:3100/loki/api/v1/push')
  t.same(sinks.loki!.options.basicAuth, { username: 'u', password: 'from-file' })
})

const broken: [name: string, yaml: string, expected: RegExp[]][] = [
  ['a typo names the key and suggests the right one', 'sinks:\n  loki: { type: loki, endpiont: "http://x" }\n', [/^sinks\.loki\.endpiont: unknown key, did you mean "endpoint"\?$/, /^sinks\.loki\.endpoint: /]],
  ['an unknown top-level key', 'verBosity: 3\n', [/^verBosity: unknown key$/]],
  ['an unknown source type', 'sources:\n  app: { type: fiel, include: [a] }\n', [/^sources\.app\.type: /]],
  ['a wrong field type in a source', 'sources:\n  app: { type: file, include: "/var/log/*.log" }\n', [/^sources\.app\.include: /]],
  ['a bad duration', 'shutdown_timeout: soon\n', [/^shutdown_timeout: expected a duration/]],
  ['a bad listen address', 'listen: everywhere\n', [/^listen: expected HOST:PORT/]],
  ['a bad size', 'transforms: { max_line_bytes: lots }\n', [/^transforms\.max_line_bytes: expected a size/]],
  ['a reserved static label', 'transforms: { static_labels: { level: x } }\n', [/^transforms\.static_labels\.level: /]],
  ['every error at once', 'listen: x\nshutdown_timeout: y\n', [/^listen: /, /^shutdown_timeout: /]],
  ['a metrics rule typo', 'metrics:\n  rules:\n    - { type: counter, name: x_total, mach: { level: error } }\n', [/^metrics\.rules\[0\]\.mach: unknown key, did you mean "match"\?$/]],
  ['YAML syntax errors carry their line', 'sources:\n  app: { type: file\n', [/^line \d+, column \d+: /]],
  ['a non-mapping document', '- just\n- a list\n', [/^\(root\): expected a mapping/]],
]
for (const [name, yaml, expected] of broken) {
  t.test(`broken config: ${name}`, async (t) => {
    const problems = problemsOf(['--config', configFile(`broken-${name.replace(/\W+/g, '-')}.yaml`, yaml)])
    t.ok(problems.length >= expected.length, `problems: ${JSON.stringify(problems)}`)
    for (const pattern of expected) t.ok(problems.some((p) => pattern.test(p)), `${pattern} in ${JSON.stringify(problems)}`)
  })
}

t.test('a missing config file and an unreadable secret fail with their path', async (t) => {
  t.match(problemsOf(['--config', join(dir, 'nope.yaml')])[0], /cannot read the config file/)
  const problems = problemsOf(['--loki-url', 'http://127.0.0.1:3100'], { LOKI_USERNAME: 'u', LOKI_PASSWORD_FILE: join(dir, 'missing-secret') })
  t.match(problems[0], /^sinks\.loki: .*missing-secret: ENOENT/)
})

t.test('credentials in the Loki URL are refused without echoing them', async (t) => {
  const problems = problemsOf(['--loki-url', 'http://user:hunter2@127.0.0.1:3100'])
  t.match(problems[0], /^sinks\.loki\.endpoint: credentials in the URL are not allowed/)
  t.notMatch(problems.join('\n'), /hunter2/)
})

t.test('bad flags are refused by name', async (t) => {
  t.throws(() => parseAgentFlags(['--label', 'novalue']), /--label expects KEY=VALUE/)
  t.throws(() => parseAgentFlags(['--tial', 'x']), /unknown flag --tial, did you mean --tail\?/)
  t.throws(() => parseAgentFlags(['--config']), /--config needs a value/)
  t.throws(() => parseAgentFlags(['stray']), /unexpected argument stray/)
})

t.test('loaded in a child process: the same config, frozen, and the same errors', async (t) => {
  const path = configFile(
    'child.yaml',
    `
sources:
  app: { type: file, include: ["/var/log/app/*.log"], service: auto_executor }
sinks:
  loki: { type: loki, endpoint: "http://loki:3100", batch: { max_wait: 250ms } }
metrics:
  rules:
    - { type: counter, name: rejects_total, help: rejected orders, match: { status: { in: [REJECTED, ERROR] } } }
`,
  )
  const flags = parseAgentFlags(['--config', path, '--label', 'env=prod'])
  const env = { LOKI_USERNAME: 'bob', LOKI_PASSWORD: 's3cret' }
  const inChild = loadAgentConfigInChild(flags, env)
  t.same(inChild, loadAgentConfig(flags, env), 'what load.ts gives in this process')
  t.equal(inChild.sinks.loki!.options.basicAuth?.password, 's3cret', 'secrets come back over the pipe')
  t.ok(Object.isFrozen(inChild.config.sources.app), 'frozen again after the trip')

  const bad = parseAgentFlags(['--config', configFile('bad-child.yaml', 'sinks:\n  loki: { type: loki, endpiont: "http://loki:3100" }\n')])
  const inProcess = t.throws(() => loadAgentConfig(bad, {}))
  const error = t.throws(() => loadAgentConfigInChild(bad, {})) as ConfigError | undefined
  t.ok(error instanceof ConfigError, 'a ConfigError')
  t.same(error?.problems, (inProcess as ConfigError).problems, 'with the same problems')
  t.equal(error?.message, (inProcess as ConfigError).message)
})

t.test('the child gets the node flags of the agent but not its debugger or profiler', async (t) => {
  const agentFlags = ['--max-semi-space-size=4', '--import', '/loader.mjs', '--inspect-brk=0', '--cpu-prof', '--cpu-prof-dir=/tmp/p', '--heapsnapshot-signal=SIGUSR2', '--v8-pool-size=1']
  t.same(childExecArgv(agentFlags), ['--max-semi-space-size=4', '--import', '/loader.mjs', '--v8-pool-size=1'])
  const withValuesApart = ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', '/tmp/p', '--inspect-port', '9230', '--heap-prof-name', 'h.heapprofile', '--stack-size=900']
  t.same(childExecArgv(withValuesApart), ['--stack-size=900'], 'a value given as the next argument goes with its flag')
})
