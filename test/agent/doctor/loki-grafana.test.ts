/**
 * The Loki checks against the Loki double (ready, the line-count query,
 * tenant and basic auth taken from the agent's LOKI_* settings), and the
 * Grafana check against the shipped provisioning file and against a
 * stand-in for Grafana's GET /api/datasources (Grafana is not installable
 * here). Secrets never appear in what the checks report.
 */
import t from 'tap'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkGrafana } from '../../../agent/doctor/grafana.js'
import { checkLoki } from '../../../agent/doctor/loki.js'
import { resolveSettings } from '../../../agent/doctor/settings.js'
import { startLokiDouble } from '../../support/loki-double.js'
import { ROOT } from '../../support/ops-files.js'
import { createLokiClient, groupIntoStreams } from '../../../transports/loki/index.js'
import { formatLabels } from '../../../transports/loki/labels.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-doctor-lg-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const PASSWORD = 'pw-Zq8-never-printed'
writeFileSync(join(dir, 'loki_password'), `${PASSWORD}\n`)

const loki = await startLokiDouble({ requireTenant: 'team-a', basicAuth: { username: 'agent', password: PASSWORD } })
t.teardown(() => loki.stop())
const env = { LOKI_URL: loki.url, LOKI_USERNAME: 'agent', LOKI_PASSWORD_FILE: join(dir, 'loki_password'), LOKI_TENANT_ID: 'team-a' }
const settings = (extra: NodeJS.ProcessEnv = {}) => resolveSettings({ timeoutMs: 2_000 }, { ...env, ...extra })

async function push(lines: number, ageMs = 0): Promise<void> {
  const client = createLokiClient({ endpoint: loki.pushUrl, tenantId: 'team-a', basicAuth: { username: 'agent', password: PASSWORD } })
  const labels = formatLabels({ service: 'auto_executor', level: 'info', event: 'LOG' })
  const now = Date.now() - ageMs
  const result = await client.push(groupIntoStreams(Array.from({ length: lines }, (_, i) => ({ labels, tsMs: now - i, tsNanos: 0, line: `{"n":${i}}` }))))
  client.close()
  if (!result.ok) throw new Error(`push failed: ${result.status}`)
}

t.test('Loki ready but nothing in the last 5 minutes: ingesting fails', async (t) => {
  await push(3, 10 * 60_000)
  const [ready, ingesting] = await checkLoki(settings())
  t.match(ready, { status: 'pass', saw: `${loki.url}/ready answered 200` })
  t.match(ingesting, { status: 'fail', saw: 'no line in the last 5 minutes' })
})

t.test('lines of the last 5 minutes, with the agent\'s tenant and credentials: pass', async (t) => {
  await push(1200)
  const results = await checkLoki(settings())
  t.match(results, [{ status: 'pass' }, { status: 'pass', saw: '1,200 lines in the last 5 minutes' }])
  t.notMatch(JSON.stringify(results), PASSWORD)
})

t.test('wrong tenant or no credentials: 401, with the fix naming the LOKI_* settings', async (t) => {
  const [, ingesting] = await checkLoki(settings({ LOKI_TENANT_ID: 'team-b' }))
  t.match(ingesting, { status: 'fail', saw: /HTTP 401: unknown tenant team-b/, fix: /LOKI_TENANT_ID/ })
  const [, anonymous] = await checkLoki(resolveSettings({ timeoutMs: 2_000 }, { LOKI_URL: loki.url }))
  t.match(anonymous, { status: 'fail', saw: /401/ })
})

t.test('a starting Loki (503) and a stopped one (refused)', async (t) => {
  loki.setReady(false)
  t.match((await checkLoki(settings()))[0], { status: 'fail', saw: /503: Ingester not ready/, fix: /starting/ })
  loki.setReady(true)
  await loki.close()
  t.match(await checkLoki(settings()), [{ status: 'fail', saw: /connection refused/, fix: /start Loki/ }, { status: 'fail', saw: /connection refused/ }])
  await loki.reopen()
})

t.test('a URL that is not Loki (404)', async (t) => {
  const [ready] = await checkLoki(resolveSettings({ timeoutMs: 2_000, lokiUrl: `${loki.url}/nope` }, { ...env, LOKI_URL: '' }))
  t.match(ready, { status: 'fail', saw: /HTTP 404/, fix: /not Loki's base URL/ })
})

t.test('Grafana: the shipped provisioning file passes, a missing one warns, a broken one fails', async (t) => {
  const shipped = join(ROOT, 'grafana/provisioning/datasources/threadline.yml')
  t.match(await checkGrafana({ ...settings(), grafanaProvisioning: shipped }), { status: 'pass' })
  t.match(await checkGrafana({ ...settings(), grafanaProvisioning: join(dir, 'none.yml') }), { status: 'warn', saw: /no --grafana-url, and no provisioning file/ })
  writeFileSync(join(dir, 'bad.yml'), 'datasources: [\n')
  t.match(await checkGrafana({ ...settings(), grafanaProvisioning: join(dir, 'bad.yml') }), { status: 'fail', fix: /fix the YAML/ })
  writeFileSync(join(dir, 'bare.yml'), 'apiVersion: 1\ndatasources: [{ name: Loki, type: loki, url: "http://127.0.0.1:3100" }]\n')
  t.match(await checkGrafana({ ...settings(), grafanaProvisioning: join(dir, 'bare.yml') }), { status: 'fail', saw: /no derived field for correlation_id or order_id/ })
})

t.test('Grafana: its API with a service account token; a refused token fails without being printed', async (t) => {
  const TOKEN = 'glsa_doctorTestToken_0123456789abcdef'
  const datasources = [{ name: 'Loki', type: 'loki', jsonData: { derivedFields: [{ name: 'correlation_id', matcherRegex: '"correlation_id":"(\\w+)"', url: 'http://127.0.0.1:9480/trace/${__value.raw}' }, { name: 'order_id', matcherRegex: '"order_id":"(\\w+)"', url: 'q' }] } }]
  const grafana = createServer((req, res) => {
    if (req.url !== '/api/datasources') return void res.writeHead(404).end()
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Unauthorized"}')
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(datasources))
  })
  grafana.listen(0, '127.0.0.1')
  await once(grafana, 'listening')
  t.teardown(() => grafana.close())
  const url = `http://127.0.0.1:${(grafana.address() as { port: number }).port}`
  writeFileSync(join(dir, 'grafana_token'), `${TOKEN}\n`)
  const good = await checkGrafana(resolveSettings({ timeoutMs: 2_000, grafanaUrl: url }, { GRAFANA_TOKEN_FILE: join(dir, 'grafana_token') }))
  t.match(good, { status: 'pass', saw: `${url}/api/datasources: Loki links correlation_id (query and /trace page) and order_id` })
  const refused = await checkGrafana(resolveSettings({ timeoutMs: 2_000, grafanaUrl: url }, { GRAFANA_TOKEN: 'glsa_wrong_token_value_0000' }))
  t.match(refused, { status: 'fail', saw: /HTTP 401/, fix: /GRAFANA_TOKEN/ })
  t.notMatch(JSON.stringify([good, refused]), /glsa_/)
  const creds = resolveSettings({ timeoutMs: 2_000, grafanaUrl: `http://admin:hunter2@127.0.0.1:${(grafana.address() as { port: number }).port}` }, {})
  t.equal(creds.grafana!.url, url, 'credentials leave the URL that gets printed')
  t.equal(creds.grafana!.headers.Authorization, `Basic ${Buffer.from('admin:hunter2').toString('base64')}`)
})
