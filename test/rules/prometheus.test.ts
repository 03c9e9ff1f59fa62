/**
 * rules/prometheus: the real promtool lints every rule file and runs every
 * unit test file, and a meta-test walks the rules: every alert carries
 * severity, summary, description and runbook_url, and has a promtool test
 * where it fires and one where it stays silent.
 */
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { alertsOf, prometheusRuleFiles, prometheusTestFiles, readYaml, ROOT } from '../support/ops-files.js'

const ruleFiles = prometheusRuleFiles()
const testFiles = prometheusTestFiles()

t.test('promtool check rules --lint=all --lint-fatal is clean', async (t) => {
  const run = spawnSync('promtool', ['check', 'rules', '--lint=all', '--lint-fatal', ...ruleFiles], { cwd: ROOT, encoding: 'utf8' })
  t.equal(run.status, 0, run.stdout + run.stderr)
  t.equal(ruleFiles.length, 4, 'safety, harvest, logs and pipeline')
})

t.test('promtool test rules passes every test file', async (t) => {
  const run = spawnSync('promtool', ['test', 'rules', ...testFiles], { cwd: ROOT, encoding: 'utf8' })
  t.equal(run.status, 0, run.stdout + run.stderr)
  t.notMatch(run.stdout, /FAILED/)
})

t.test('promtool test rules fails a test whose expectation is wrong', async (t) => {
  // The control: without it, a promtool that ignored our files would pass.
  const run = spawnSync('promtool', ['test', 'rules', '/dev/stdin'], {
    cwd: `${ROOT}rules/prometheus/tests`,
    encoding: 'utf8',
    input: [
      'rule_files: [../pipeline.rules.yml]',
      'tests:',
      '  - interval: 15s',
      "    input_series: [{ series: 'up{job=\"loki\",instance=\"x\"}', values: '1x20' }]",
      '    alert_rule_test: [{ eval_time: 4m, alertname: LokiDown, exp_alerts: [{ exp_labels: { instance: x } }] }]',
    ].join('\n'),
  })
  t.not(run.status, 0)
  t.match(run.stdout + run.stderr, /FAILED/)
})

const alerts = alertsOf(ruleFiles)

t.test('every alert has severity, summary, description and runbook_url', async (t) => {
  t.ok(alerts.length >= 15)
  for (const alert of alerts) {
    t.match(alert.labels?.severity, /^(critical|warning)$/, `${alert.alert} severity`)
    t.equal(alert.labels?.component, alert.group, `${alert.alert} component is its group`)
    for (const key of ['summary', 'description', 'runbook_url']) t.ok(alert.annotations?.[key], `${alert.alert} ${key}`)
  }
})

t.test('the issue\'s alerts are all there, in their groups', async (t) => {
  const names = (group: string) => alerts.filter((alert) => alert.group === group).map((alert) => alert.alert)
  t.strictSame(names('safety'), ['QuantumSafeModeActive', 'QuantumTelemetryExporterDown', 'QuantumRedisConnectionLost', 'QuantumSafetyFaultSpike'])
  t.match(names('harvest'), ['QuantumHarvestMetricsStale'])
  t.strictSame(names('logs'), ['HighErrorRate', 'OrderSubmitWithoutResponse', 'ExecutionLatencyHigh', 'NoOrdersSubmitted', 'ServiceRestartLoop'])
  t.match(names('pipeline'), ['LokiDown', 'ThreadlineAgentDown', 'LokiPushFailing'])
  // The team's broken originals must not come back.
  for (const alert of alerts) {
    t.notMatch(alert.expr, /\blog_messages\b(?!_total)/, `${alert.alert}: log_messages is exported by nothing`)
    t.notMatch(alert.expr, /\|=|\| *json|count_over_time/, `${alert.alert}: LogQL belongs in rules/loki`)
    t.notMatch(alert.expr, /increase\(quantum_safety_faults_last_1h/, `${alert.alert}: increase() of a gauge`)
  }
})

t.test('every alert has a promtool test where it fires and one where it stays silent', async (t) => {
  type Eval = { alertname: string; exp_alerts?: unknown[] }
  const evals = testFiles.flatMap((file) =>
    readYaml<{ tests: { alert_rule_test?: Eval[] }[] }>(file).tests.flatMap((test) => test.alert_rule_test ?? []),
  )
  for (const { alert } of alerts) {
    const own = evals.filter((e) => e.alertname === alert)
    t.ok(own.some((e) => (e.exp_alerts ?? []).length > 0), `${alert} fires in a test`)
    t.ok(own.some((e) => (e.exp_alerts ?? []).length === 0), `${alert} stays silent in a test`)
  }
})
