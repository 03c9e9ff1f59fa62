/**
 * rules/alertmanager/alertmanager.yml: amtool check-config is clean; every
 * alert of the rule files routes by its severity (critical → webhook and
 * email, warning → webhook only) per `amtool config routes test`; and the
 * inhibitions hold in a real Alertmanager given the alerts as Prometheus
 * sends them.
 */
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startAlertmanager } from '../support/alertmanager.js'
import { alertsOf, lokiRuleFiles, prometheusRuleFiles, readYaml, ROOT } from '../support/ops-files.js'
import { waitFor } from '../support/agent-process.js'

const CONFIG = join(ROOT, 'rules/alertmanager/alertmanager.yml')
const amtool = (...args: string[]) => spawnSync('amtool', args, { encoding: 'utf8' })

t.test('amtool check-config is clean', async (t) => {
  const run = amtool('check-config', CONFIG)
  t.equal(run.status, 0, run.stdout + run.stderr)
  t.match(run.stdout, /SUCCESS/)
})

t.test('amtool check-config fails a broken config (the control)', async (t) => {
  const run = spawnSync('amtool', ['check-config', '/dev/stdin'], { encoding: 'utf8', input: 'route: { receiver: nowhere }\nreceivers: []\n' })
  t.not(run.status, 0)
})

const EXPECTED: Record<string, string> = { critical: 'webhook-and-email', warning: 'webhook' }

t.test('every alert routes by its severity', async (t) => {
  const alerts = alertsOf([...prometheusRuleFiles(), ...lokiRuleFiles()])
  for (const alert of alerts) {
    const labels = Object.entries({ alertname: alert.alert!, ...alert.labels }).map(([k, v]) => `${k}=${v}`)
    const run = amtool('config', 'routes', 'test', `--config.file=${CONFIG}`, `--verify.receivers=${EXPECTED[alert.labels!.severity!]}`, ...labels)
    t.equal(run.status, 0, `${alert.alert} (${alert.labels!.severity}) → ${run.stdout.trim()}`)
  }
  const unknown = amtool('config', 'routes', 'test', `--config.file=${CONFIG}`, '--verify.receivers=webhook', 'alertname=Other')
  t.equal(unknown.status, 0, 'an alert without severity still reaches the webhook')
})

t.test('no secret in the file: every credential comes from a *_file', async (t) => {
  const text = readFileSync(CONFIG, 'utf8')
  t.notMatch(text, /^\s*(smtp_auth_password|auth_password|password|credentials|api_key|bearer_token|api_url|url_secret):/m)
  const config = readYaml<{ global: Record<string, string> }>('rules/alertmanager/alertmanager.yml')
  t.match(config.global.smtp_auth_password_file, /^\/etc\/alertmanager\/secrets\//)
})

t.test('inhibitions in a real Alertmanager', async (t) => {
  // The shipped file with its secret paths pointed at files the test owns.
  const am = await startAlertmanager(
    (dir) => readFileSync(CONFIG, 'utf8').replaceAll('/etc/alertmanager/secrets/', `${dir}/`),
    { webhook_token: 'test-token\n', smtp_password: 'test-password\n' },
  )
  t.teardown(() => am.stop())
  const alert = (labels: Record<string, string>) => ({ labels })
  await am.post([
    alert({ alertname: 'ThreadlineAgentDown', severity: 'critical', component: 'pipeline', job: 'threadline_agent', instance: 'a:9480' }),
    alert({ alertname: 'HighErrorRate', severity: 'warning', component: 'logs', instance: 'a:9480', service: 'x' }),
    alert({ alertname: 'HighErrorRate', severity: 'warning', component: 'logs', instance: 'b:9480', service: 'y' }),
    alert({ alertname: 'NoOrdersSubmitted', severity: 'critical', component: 'logs' }),
    alert({ alertname: 'QuantumRedisConnectionLost', severity: 'critical', component: 'safety', instance: 's:9105' }),
    alert({ alertname: 'QuantumSafetyFaultSpike', severity: 'warning', component: 'safety', depends_on: 'redis', instance: 's:9105' }),
    alert({ alertname: 'QuantumHarvestMetricsStale', severity: 'warning', component: 'harvest', depends_on: 'redis', instance: 'h:8042', symbol: 'BTCUSDT' }),
    alert({ alertname: 'QuantumSafeModeActive', severity: 'critical', component: 'safety', instance: 's:9105' }),
  ])
  const key = (labels: Record<string, string>) => `${labels.alertname}@${labels.instance ?? '-'}`
  let inhibited: Record<string, boolean> = {}
  await waitFor('all 8 alerts with their inhibition state', async () => {
    const alerts = await am.alerts()
    inhibited = Object.fromEntries(alerts.map((a) => [key(a.labels), a.status.inhibitedBy.length > 0]))
    return alerts.length === 8 && Object.values(inhibited).some(Boolean)
  })
  t.strictSame(inhibited, {
    'ThreadlineAgentDown@a:9480': false,
    'HighErrorRate@a:9480': true, // its agent is down
    'HighErrorRate@b:9480': false, // another agent's
    'NoOrdersSubmitted@-': true, // sums over every agent
    'QuantumRedisConnectionLost@s:9105': false,
    'QuantumSafetyFaultSpike@s:9105': true,
    'QuantumHarvestMetricsStale@h:8042': true,
    'QuantumSafeModeActive@s:9105': false, // the last known state is still worth a page
  })
})
