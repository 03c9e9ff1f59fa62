/** `threadline trace` as users run it: the built CLI in a child process, its output and exit codes. */
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { Store } from '../../../agent/store/store.js'
import { CLI } from '../../support/agent-process.js'
import { startLokiDouble } from '../../support/loki-double.js'
import { startRedis } from '../../support/redis-server.js'
import { collect } from '../../support/run-ts.js'
import { buildScenario, fillStore, publishToRedis, pushToLoki, EXECUTION_STREAM, INTENT_STREAM } from '../../support/trace-scenario.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-trace-cli-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const scenario = buildScenario(Date.now() - 60_000)
const store = new Store(join(dir, 'store.db'))
fillStore(store, scenario.lines)
store.close()
const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LOKI_')))
const trace = (args: string[], env: NodeJS.ProcessEnv = {}) => collect(spawn(process.execPath, [CLI, 'trace', ...args], { env: { ...clean, ...env } }))

t.test('from the store: the table, and --json as NDJSON; exit 0', async (t) => {
  const table = await trace([scenario.answered, '--data-dir', dir])
  t.equal(table.code, 0, table.stderr)
  t.match(table.stdout, new RegExp(`^trace ${scenario.answered}: 3 events across ai_engine, auto_executor in 17 ms$`, 'm'))
  t.match(table.stdout, /\+12 ms after submit|12 ms after submit/)
  t.equal(table.stdout.match(/^[ !] \d{4}-/gm)?.length, 3)
  const json = await trace([scenario.answered, '--data-dir', dir, '--json'])
  t.same(json.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { event: string }).event), ['INTENT_RECEIVED', 'ORDER_SUBMIT', 'ORDER_RESPONSE'])
  const failed = await trace([scenario.failed, '--data-dir', dir])
  t.match(failed.stdout, /^! .*ORDER_ERROR/m)
  t.match(failed.stdout, /no response to the submit of ord_1/)
})

t.test('from Loki (LOKI_URL, tenant and auth as the agent) merged with Redis streams', async (t) => {
  const loki = await startLokiDouble({ requireTenant: 'trading', basicAuth: { username: 'reader', password: 's3cret' } })
  t.teardown(() => loki.stop())
  await pushToLoki(loki.pushUrl, scenario.lines, { tenantId: 'trading', basicAuth: { username: 'reader', password: 's3cret' } } as never)
  const redis = await startRedis()
  t.teardown(() => redis.stop())
  const client = new Redis(redis.url)
  await publishToRedis(client, scenario.entries)
  client.disconnect()
  const passwordFile = join(dir, 'password')
  writeFileSync(passwordFile, 's3cret\n')
  const env = { LOKI_URL: loki.url, LOKI_TENANT_ID: 'trading', LOKI_USERNAME: 'reader', LOKI_PASSWORD_FILE: passwordFile }
  const merged = await trace([scenario.answered, '--redis-url', redis.url, '--since', '1h', '--json'], env)
  t.equal(merged.code, 0, merged.stderr)
  const rows = merged.stdout.trim().split('\n').map((line) => JSON.parse(line) as { lane: string; origin: string })
  t.same(rows.map((r) => [r.lane, r.origin]), [
    ['ai_engine', 'loki'],
    [`stream:${INTENT_STREAM}`, 'redis'],
    ['auto_executor', 'loki'],
    [`stream:${EXECUTION_STREAM}`, 'redis'],
    ['auto_executor', 'loki'],
  ])
  const oneStream = await trace([scenario.answered, '--loki-url', loki.url, '--redis-url', redis.url, '--stream', EXECUTION_STREAM, '--json'], env)
  t.equal(oneStream.stdout.trim().split('\n').length, 4, '--stream picks the streams')
  const noAuth = await trace([scenario.answered, '--loki-url', loki.url])
  t.equal(noAuth.code, 2)
  t.match(noAuth.stderr, /loki unreachable at http:\/\/127\.0\.0\.1:\d+: HTTP 401/)
  t.notMatch(noAuth.stderr + merged.stderr, /s3cret/, 'the password is never printed')
  const empty = await trace([scenario.absent, '--since', '2h'], env)
  t.equal(empty.code, 1)
  t.match(empty.stderr, new RegExp(`nothing found for correlation id ${scenario.absent} in Loki over the last 2h`))
})

t.test('exit 1 for nothing found, 2 for an invalid id, bad flags or a backend unreachable (named)', async (t) => {
  const cases: Array<[string[], number, RegExp]> = [
    [[scenario.absent, '--data-dir', dir], 1, /nothing found for correlation id req-nobody in the store in /],
    [['bad id', '--data-dir', dir], 2, /invalid correlation id "bad id": expected 1-128 characters/],
    [[], 2, /expects one correlation id, received 0/],
    [['a', '--data-dir', dir, '--loki-url', 'http://127.0.0.1:1'], 2, /exclusive/],
    [['a', '--since', 'soon'], 2, /--since expects a duration/],
    [['a', '--limit', '0'], 2, /--limit expects a positive integer/],
    [['a', '--loki-url', 'ftp://loki'], 2, /--loki-url: expected an http:\/\/ or https:\/\/ URL/],
    [['a', '--sinse', '1h'], 2, /unknown flag --sinse, did you mean --since\?/],
    [['a', '--data-dir', join(dir, 'missing')], 2, /store unreachable at .*missing\/store\.db: no store there/],
    [['a', '--loki-url', 'http://127.0.0.1:1'], 2, /loki unreachable at http:\/\/127\.0\.0\.1:1: ECONNREFUSED/],
    [['a', '--data-dir', dir, '--redis-url', 'redis://127.0.0.1:1'], 2, /redis unreachable at redis:\/\/127\.0\.0\.1:1: ECONNREFUSED/],
  ]
  for (const [args, code, message] of cases) {
    const result = await trace(args)
    t.equal(result.code, code, args.join(' '))
    t.match(result.stderr, message, args.join(' '))
    t.equal(result.stdout, '', 'nothing on stdout')
  }
  const usernameOnly = await trace(['a'], { LOKI_URL: 'http://127.0.0.1:1', LOKI_USERNAME: 'u' })
  t.equal(usernameOnly.code, 2)
  t.match(usernameOnly.stderr, /a username is set but no password/)
  const help = await trace(['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /usage: threadline trace ID \[flags\][\s\S]*--redis-url URL[\s\S]*LOKI_TENANT_ID/)
})
