/**
 * `threadline doctor` end to end: the real agent tailing a file into the
 * Loki double, a real Prometheus loading the shipped rules and scraping the
 * agent and two exporter targets, a real Alertmanager on the shipped config.
 * Everything healthy passes; then each part broken in turn fails (or warns)
 * with its fix; and the built CLI prints JSON or the table, exits 0 or 1,
 * and never prints a secret.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runChecks } from '../../../agent/doctor/doctor.js'
import { resolveSettings, type DoctorFlags } from '../../../agent/doctor/settings.js'
import { CLI, startAgentProcess, tailingAgentYaml, waitFor } from '../../support/agent-process.js'
import { startAlertmanager } from '../../support/alertmanager.js'
import { startLokiDouble } from '../../support/loki-double.js'
import { prometheusRuleFiles, ROOT } from '../../support/ops-files.js'
import { freePort, startPrometheus } from '../../support/prometheus.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-doctor-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const LINES = 200
const now = Date.now()
writeFileSync(
  join(dir, 'app.log'),
  Array.from({ length: LINES }, (_, i) =>
    JSON.stringify({ level: 'info', ts: new Date(now - LINES + i).toISOString(), service: i % 2 ? 'ai_engine' : 'auto_executor', event: 'LOG', correlation_id: `c-${i % 7}`, msg: `line ${i}` }),
  ).join('\n') + '\n',
)

const loki = await startLokiDouble()
t.teardown(() => loki.stop())
const yaml = tailingAgentYaml({ dir, include: join(dir, 'app.log'), lokiUrl: loki.url, lokiFields: 'batch: { max_wait: 100ms }' })
const agent = await startAgentProcess(dir, yaml)
t.teardown(() => agent.kill())

/** A scrape target standing in for an exporter: Prometheus only needs it to answer /metrics. */
async function exporter(text: string): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  return `127.0.0.1:${(server.address() as { port: number }).port}`
}
const safety = await exporter('quantum_safety_redis_up 1\n')
const harvest = await exporter('quantum_harvest_redis_up 1\n')

const shippedAlertmanager = readFileSync(join(ROOT, 'rules/alertmanager/alertmanager.yml'), 'utf8')
const alertmanager = await startAlertmanager((d) => shippedAlertmanager.replaceAll('/etc/alertmanager/secrets/', `${d}/`), { webhook_token: 't\n', smtp_password: 'p\n' })
t.teardown(() => alertmanager.stop())
const prometheus = await startPrometheus({
  jobs: { threadline_agent: [`127.0.0.1:${agent.port}`], quantum_safety_telemetry: [safety], quantum_harvest_metrics: [harvest] },
  ruleFiles: prometheusRuleFiles().map((file) => join(ROOT, file)),
})
t.teardown(() => prometheus.stop())

await waitFor('every line in Loki', () => loki.count() === LINES)
await waitFor('three targets up', async () => (await prometheus.query('up == 1')).length === 3)

const closed = `http://127.0.0.1:${await freePort()}`
const healthy: DoctorFlags = {
  config: join(dir, 'agent.yaml'),
  agentUrl: `http://127.0.0.1:${agent.port}`,
  prometheusUrl: prometheus.url,
  alertmanagerUrl: alertmanager.url,
  grafanaProvisioning: join(ROOT, 'grafana/provisioning/datasources/threadline.yml'),
  timeoutMs: 3_000,
}
const run = (flags: Partial<DoctorFlags> = {}) => runChecks(resolveSettings({ ...healthy, ...flags }, {}))
const byName = (results: Awaited<ReturnType<typeof run>>) => Object.fromEntries(results.map((r) => [r.name, r]))

t.test('a healthy pipeline passes every check', async (t) => {
  const results = await run()
  t.strictSame(
    results.map((r) => r.name),
    ['agent config', 'loki ready', 'loki ingesting', 'agent ready', 'agent push', 'log format', 'grafana derived fields', 'prometheus rules', 'target threadline_agent', 'target quantum_safety_telemetry', 'target quantum_harvest_metrics', 'runbooks', 'alertmanager critical route'],
  )
  for (const result of results) t.equal(result.status, 'pass', `${result.name}: ${result.saw}${result.fix ? ` (fix: ${result.fix})` : ''}`)
  const found = byName(results)
  t.match(found['loki ingesting']!.saw, `${LINES} lines in the last 5 minutes`)
  t.match(found['log format']!.saw, 'newest 200 lines of 2 services: all JSON, 100 % with correlation_id')
  t.match(found['runbooks']!.saw, /all 15 loaded alerts/)
  t.match(found['alertmanager critical route']!.saw, 'severity=critical → webhook-and-email (email, webhook)')
})

t.test('missing runbook sections fail the runbooks check', async (t) => {
  const partial = join(dir, 'runbooks-partial')
  mkdirSync(partial)
  copyFileSync(join(ROOT, 'runbooks/pipeline.md'), join(partial, 'pipeline.md'))
  const result = byName(await run({ runbooks: partial }))['runbooks']!
  t.match(result, { status: 'fail', saw: /^11 of 15 alerts without a runbook: .*QuantumSafeModeActive \(no page safety.md in / })
})

t.test('a Prometheus without the rules and with the agent target down', async (t) => {
  const bare = await startPrometheus({ jobs: { threadline_agent: [closed.replace('http://', '')] } })
  t.teardown(() => bare.stop())
  await waitFor('the dead target scraped', async () => (await bare.query('up == 0')).length === 1)
  const found = byName(await run({ prometheusUrl: bare.url }))
  t.match(found['prometheus rules'], { status: 'fail', saw: 'missing rule groups: safety, harvest, logs, pipeline', fix: /rule_files/ })
  t.match(found['target threadline_agent'], { status: 'fail', saw: /1 of 1 down: 127\.0\.0\.1:\d+ \(.*connection refused\)/ })
  t.match(found['target quantum_safety_telemetry'], { status: 'warn', saw: /no scrape job/ })
  t.match(found['runbooks'], { status: 'warn', saw: 'no alert is loaded' })
})

t.test('an Alertmanager without a critical route warns; none at all fails', async (t) => {
  const plain = await startAlertmanager(() => 'route: { receiver: hook }\nreceivers: [{ name: hook, webhook_configs: [{ url: "http://127.0.0.1:9/hook" }] }]\n')
  t.teardown(() => plain.stop())
  t.match(byName(await run({ alertmanagerUrl: plain.url }))['alertmanager critical route'], { status: 'warn', saw: 'severity=critical → hook (webhook): no route of its own, the default receiver' })
  t.match(byName(await run({ alertmanagerUrl: closed }))['alertmanager critical route'], { status: 'fail', saw: /connection refused/, fix: /ALERTMANAGER_URL/ })
})

t.test('an agent that cannot push, and no agent at all', async (t) => {
  const stuckDir = join(dir, 'stuck')
  mkdirSync(stuckDir)
  const stuck = await startAgentProcess(stuckDir, tailingAgentYaml({ dir: stuckDir, include: join(dir, 'app.log'), lokiUrl: closed }))
  t.teardown(() => stuck.kill())
  await waitFor('the stuck agent to store every line', async () => (await stuck.metric('threadline_queue_depth_lines{sink="loki"}')) === LINES)
  const found = byName(await run({ agentUrl: `http://127.0.0.1:${stuck.port}` }))
  t.match(found['agent ready'], { status: 'pass' })
  t.match(found['agent push'], { status: 'fail', saw: /^last success never, 200 lines waiting, lag [\d.]+ s/, fix: /cannot reach Loki/ })
  const gone = byName(await run({ agentUrl: closed }))
  t.match(gone['agent ready'], { status: 'fail', saw: /connection refused/ })
  t.match(gone['agent push'], { status: 'fail', saw: /metrics: connection refused/ })
})

t.test('a broken agent config is reported, and the rest still runs', async (t) => {
  writeFileSync(join(dir, 'bad.yaml'), 'sinks:\n  loki: { type: loki, endpiont: "http://127.0.0.1:3100" }\n')
  const results = await run({ config: join(dir, 'bad.yaml') })
  t.match(byName(results)['agent config'], { status: 'fail', saw: /endpiont: unknown key/, fix: /--check-config/ })
  t.equal(results.length, 13)
})

// Asynchronous: the Loki double answers from this process, so it must not block on the child.
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [CLI, 'doctor', ...args], { encoding: 'utf8', env: { ...process.env, LOKI_URL: '', NO_COLOR: '', ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    )
  })
const cliFlags = [
  `--config=${healthy.config}`,
  `--agent-url=${healthy.agentUrl}`,
  `--prometheus-url=${prometheus.url}`,
  `--alertmanager-url=${alertmanager.url}`,
  `--grafana-provisioning=${healthy.grafanaProvisioning}`,
]

t.test('the CLI: --json, exit 0, secrets from the environment never printed', async (t) => {
  const SECRET = 'doctor-cli-secret-9f3a'
  const result = await cli([...cliFlags, '--json'], { LOKI_USERNAME: 'agent', LOKI_PASSWORD: SECRET })
  t.equal(result.status, 0, result.stderr)
  const report = JSON.parse(result.stdout) as { ok: boolean; summary: { pass: number; fail: number }; checks: { name: string }[] }
  t.match(report, { ok: true, summary: { pass: 13, warn: 0, fail: 0 } })
  t.notMatch(result.stdout + result.stderr, SECRET)
  t.notMatch(result.stdout, Buffer.from(`agent:${SECRET}`).toString('base64'))
})

t.test('the CLI: the table, exit 1 on a failure, 2 on a bad flag', async (t) => {
  const failing = await cli([...cliFlags, `--prometheus-url=${closed}`, '--timeout=2s'])
  t.equal(failing.status, 1)
  t.match(failing.stdout, /^ok {4}agent config/m)
  t.match(failing.stdout, /^FAIL {2}prometheus rules +.*connection refused\n +fix: start Prometheus/m)
  t.match(failing.stdout, /\d+ ok, 0 warnings, 3 failed\n$/)
  t.notMatch(failing.stdout, /\x1b\[/, 'no colour when stdout is not a terminal')
  const bad = await cli(['--timeout=soon'])
  t.equal(bad.status, 2)
  t.match(bad.stderr, /--timeout expects a duration/)
  t.equal((await cli(['--prometheus-url=not a url'])).status, 2)
  const help = await cli(['--help'])
  t.equal(help.status, 0)
  t.match(help.stdout, /--prometheus-url URL +Prometheus\. \(default: http:\/\/127\.0\.0\.1:9090; env: PROMETHEUS_URL\)/)
})
