/**
 * The doctor resolves Loki's URL and credentials exactly as the agent does
 * (its config file, --loki-url, LOKI_*), the agent's address from `listen`,
 * and the other services from their flags, environment and defaults.
 */
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { agentUrlFromListen, DEFAULTS, endpoint, resolveSettings } from '../../../agent/doctor/settings.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-doctor-settings-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'password'), 's3cret-from-file\n')
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

t.test('from the agent config: sink endpoint, tenant, password file, data_dir, listen', async (t) => {
  writeFileSync(
    join(dir, 'agent.yaml'),
    [
      `data_dir: ${join(dir, 'data')}`,
      'listen: 0.0.0.0:9555',
      'sinks:',
      '  central: { type: loki, endpoint: "http://127.0.0.1:3101/loki/api/v1/push", tenant_id: trading,',
      `             auth: { username: agent, password_file: ${join(dir, 'password')} } }`,
    ].join('\n'),
  )
  const settings = resolveSettings({ config: join(dir, 'agent.yaml') }, {})
  t.strictSame(settings.loki, { url: 'http://127.0.0.1:3101', headers: { 'X-Scope-OrgID': 'trading', Authorization: basic('agent', 's3cret-from-file') } })
  t.equal(settings.agent.url, 'http://127.0.0.1:9555', 'a wildcard bind is reached on loopback')
  t.equal(settings.dataDir, join(dir, 'data'))
  t.match(settings.config, { status: 'pass', saw: /agent\.yaml: 0 sources, 1 sinks$/ })
})

t.test('from the environment alone, as the agent reads it', async (t) => {
  const settings = resolveSettings({}, { LOKI_URL: 'http://127.0.0.1:3102', LOKI_USERNAME: 'u', LOKI_PASSWORD: 'p', LOKI_TENANT_ID: 'team-a', PROMETHEUS_URL: 'http://127.0.0.1:9091/', ALERTMANAGER_URL: 'http://127.0.0.1:9094' })
  t.strictSame(settings.loki, { url: 'http://127.0.0.1:3102', headers: { 'X-Scope-OrgID': 'team-a', Authorization: basic('u', 'p') } })
  t.equal(settings.prometheus.url, 'http://127.0.0.1:9091')
  t.equal(settings.alertmanager.url, 'http://127.0.0.1:9094')
  t.equal(settings.dataDir, resolve('./.threadline'))
})

t.test('defaults: loopback everywhere, Loki credentials still from LOKI_*', async (t) => {
  const settings = resolveSettings({}, { LOKI_USERNAME: 'u', LOKI_PASSWORD_FILE: join(dir, 'password') })
  t.strictSame(settings.loki, { url: DEFAULTS.loki, headers: { Authorization: basic('u', 's3cret-from-file') } })
  t.match(settings.config, { status: 'pass', saw: /no loki sink: Loki checked at http:\/\/127\.0\.0\.1:3100/ })
  t.equal(settings.agent.url, 'http://127.0.0.1:9480')
  t.equal(settings.prometheus.url, DEFAULTS.prometheus)
  t.equal(settings.grafana, undefined)
  t.equal(settings.grafanaProvisioning, DEFAULTS.grafanaProvisioning)
  t.ok(settings.runbooksDir?.endsWith('runbooks'))
  t.equal(settings.timeoutMs, DEFAULTS.timeoutMs)
})

t.test('a config that does not load is a failed check, and the defaults stand in', async (t) => {
  const missing = resolveSettings({ config: join(dir, 'nope.yaml'), runbooks: join(dir, 'no-runbooks') }, { LOKI_PASSWORD: 'never-shown' })
  t.match(missing.config, { status: 'fail', saw: /cannot read the config file/, fix: /--check-config/ })
  t.equal(missing.loki.url, DEFAULTS.loki)
  t.equal(missing.runbooksDir, undefined, 'a runbooks folder that does not exist is not used')
  const noPassword = resolveSettings({}, { LOKI_URL: 'http://127.0.0.1:3100', LOKI_USERNAME: 'u' })
  t.match(noPassword.config, { status: 'fail', saw: /a username is set but no password/ })
})

t.test('agentUrlFromListen and endpoint', async (t) => {
  t.equal(agentUrlFromListen('127.0.0.1:9480'), 'http://127.0.0.1:9480')
  t.equal(agentUrlFromListen('[::]:9480'), 'http://127.0.0.1:9480')
  t.equal(agentUrlFromListen('[::1]:9480'), 'http://[::1]:9480')
  t.equal(agentUrlFromListen('nonsense'), 'http://127.0.0.1:9480')
  t.strictSame(endpoint('http://127.0.0.1:9090/'), { url: 'http://127.0.0.1:9090', headers: {} })
  t.strictSame(endpoint('http://a%40b:p%3Aw@127.0.0.1:9090/prom/'), { url: 'http://127.0.0.1:9090/prom', headers: { Authorization: basic('a@b', 'p:w') } })
})
