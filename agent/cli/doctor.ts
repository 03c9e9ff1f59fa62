/**
 * `threadline doctor`: what is broken in the log pipeline and how to fix it.
 * The team's ten-check log_status.sh, done properly (agent/doctor/).
 */
import { parseDuration } from '../config/units.js'
import { runChecks } from '../doctor/doctor.js'
import { exitStatus, renderJson, renderTable } from '../doctor/report.js'
import { DEFAULTS, resolveSettings } from '../doctor/settings.js'
import { defineCommand, UsageError } from './command.js'
import { SUMMARIES } from './commands.js'

export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: SUMMARIES.doctor,
  description: [
    'Each check passes, warns or fails with what it saw and the fix. Exit 0 when nothing failed (warnings included), 1 otherwise.',
    'Loki\'s URL and credentials come from the agent\'s own --config, --loki-url and LOKI_* exactly as `threadline agent` reads them; secrets are never printed.',
  ].join('\n'),
  flags: {
    config: { type: 'string', value: 'FILE', description: 'The agent\'s YAML config: its loki sink (endpoint, tenant, auth), data_dir and listen address.' },
    'loki-url': { type: 'string', value: 'URL', description: 'Loki\'s base URL.', default: DEFAULTS.loki, env: 'LOKI_URL' },
    'agent-url': { type: 'string', value: 'URL', description: 'The agent\'s HTTP address.', default: 'http://<the config\'s listen, 127.0.0.1:9480>' },
    'data-dir': { type: 'string', value: 'DIR', description: 'The agent\'s data directory, whose store is sampled read-only.', default: 'the config\'s data_dir, ./.threadline' },
    'prometheus-url': { type: 'string', value: 'URL', description: 'Prometheus.', default: DEFAULTS.prometheus, env: 'PROMETHEUS_URL' },
    'alertmanager-url': { type: 'string', value: 'URL', description: 'Alertmanager.', default: DEFAULTS.alertmanager, env: 'ALERTMANAGER_URL' },
    'grafana-url': { type: 'string', value: 'URL', description: 'Grafana, asked for its datasources (token in GRAFANA_TOKEN or GRAFANA_TOKEN_FILE); without it the provisioning file is read.', env: 'GRAFANA_URL' },
    'grafana-provisioning': { type: 'string', value: 'FILE', description: 'Grafana\'s datasource provisioning file.', default: DEFAULTS.grafanaProvisioning },
    runbooks: { type: 'string', value: 'DIR', description: 'The runbooks every loaded alert\'s runbook_url must resolve in.', default: 'the runbooks/ shipped with threadline' },
    timeout: { type: 'string', value: 'DURATION', description: 'How long each request may take.', default: '5s' },
    json: { type: 'boolean', description: 'Print one JSON document ({ ok, summary, checks: [{ name, status, saw, fix }] }) instead of the table.' },
  },
  env: {
    LOKI_USERNAME: 'basic-auth user for Loki (as the agent)',
    LOKI_PASSWORD: 'its password (never printed)',
    LOKI_PASSWORD_FILE: 'file holding that password',
    LOKI_TENANT_ID: 'X-Scope-OrgID sent to Loki',
    GRAFANA_TOKEN: 'Grafana service account token (never printed); GRAFANA_TOKEN_FILE to read it from a file',
    NO_COLOR: 'no colour even on a terminal',
  },
  examples: [
    'threadline doctor --config /etc/threadline/agent.yaml',
    'threadline doctor --json | jq \'.checks[] | select(.status != "pass")\'',
    'GRAFANA_TOKEN_FILE=/run/secrets/grafana threadline doctor --grafana-url http://127.0.0.1:3000',
  ],
  async run(values) {
    const timeoutMs = parseDuration(values.timeout ?? '5s')
    if (timeoutMs === undefined || timeoutMs <= 0) throw new UsageError(`--timeout expects a duration such as 5s, received ${JSON.stringify(values.timeout)}`)
    for (const flag of ['loki-url', 'agent-url', 'prometheus-url', 'alertmanager-url', 'grafana-url'] as const) {
      const url = values[flag]
      if (url !== undefined && !URL.canParse(url)) throw new UsageError(`--${flag} expects a URL, received ${JSON.stringify(url)}`)
    }
    const settings = resolveSettings({
      config: values.config,
      lokiUrl: values['loki-url'],
      agentUrl: values['agent-url'],
      dataDir: values['data-dir'],
      prometheusUrl: values['prometheus-url'],
      alertmanagerUrl: values['alertmanager-url'],
      grafanaUrl: values['grafana-url'],
      grafanaProvisioning: values['grafana-provisioning'],
      runbooks: values.runbooks,
      timeoutMs,
    })
    const results = await runChecks(settings)
    const colour = process.stdout.isTTY === true && !process.env.NO_COLOR
    process.stdout.write(values.json ? renderJson(results) : renderTable(results, { colour }))
    return exitStatus(results)
  },
})
