/**
 * The doctor's judgements on what it fetched, table-driven: Prometheus
 * rules, targets and runbooks, Alertmanager routing, Grafana datasources,
 * the agent's push metrics, and the report's rendering and exit status.
 */
import t from 'tap'
import { join } from 'node:path'
import { pushResults } from '../../../agent/doctor/agent.js'
import { judgeConfig, matcherHolds, receiverFor } from '../../../agent/doctor/alertmanager.js'
import { judgeDatasources } from '../../../agent/doctor/grafana.js'
import { parseSamples } from '../../../agent/doctor/metrics-text.js'
import { judgeRules, judgeRunbooks, judgeTargets, RULE_GROUPS } from '../../../agent/doctor/prometheus.js'
import { exitStatus, renderJson, renderTable } from '../../../agent/doctor/report.js'
import { RUNBOOK_BASE } from '../../../agent/doctor/runbooks.js'
import { fail, pass, warn } from '../../../agent/doctor/types.js'
import { prometheusRuleFiles, readYaml, ROOT } from '../../support/ops-files.js'

t.test('RULE_GROUPS are the shipped rule files\' groups', async (t) => {
  const shipped = prometheusRuleFiles().flatMap((file) => readYaml<{ groups: { name: string }[] }>(file).groups.map((g) => g.name))
  t.strictSame([...shipped].sort(), [...RULE_GROUPS].sort())
})

type Rules = Parameters<typeof judgeRules>[0][number]['rules']
const group = (name: string, rules: Rules = []) => ({ name, file: `${name}.rules.yml`, rules })
const alert = (name: string, runbook_url?: string) => ({ type: 'alerting' as const, name, health: 'ok', annotations: (runbook_url ? { runbook_url } : {}) as Record<string, string> })

t.test('judgeRules', async (t) => {
  t.match(judgeRules(RULE_GROUPS.map((g) => group(g, [alert('A')]))), { status: 'pass', saw: /4 rules, all healthy/ })
  t.match(judgeRules([group('safety'), group('other')]), { status: 'fail', saw: 'missing rule groups: harvest, logs, pipeline (loaded: safety, other)' })
  t.match(judgeRules([]), { status: 'fail', saw: 'missing rule groups: safety, harvest, logs, pipeline' })
  const broken = RULE_GROUPS.map((g) => group(g, g === 'logs' ? [{ type: 'alerting', name: 'HighErrorRate', health: 'err', lastError: 'many-to-many matching' }] : []))
  t.match(judgeRules(broken), { status: 'fail', saw: 'rules failing to evaluate: HighErrorRate: many-to-many matching' })
})

t.test('judgeRunbooks', async (t) => {
  const runbooks = join(ROOT, 'runbooks')
  t.match(judgeRunbooks([group('pipeline', [alert('LokiDown', `${RUNBOOK_BASE}pipeline.md#lokidown`)])], runbooks), { status: 'pass', saw: /all 1 loaded alerts/ })
  t.match(judgeRunbooks([group('x', [alert('Nope', `${RUNBOOK_BASE}pipeline.md#nope`), alert('Bare')])], runbooks), {
    status: 'fail',
    saw: '2 of 2 alerts without a runbook: Nope (pipeline.md has no section #nope); Bare (no runbook_url annotation)',
  })
  t.match(judgeRunbooks([group('x', [alert('A')])], undefined), { status: 'warn' })
  t.match(judgeRunbooks([group('x', [{ type: 'recording', name: 'r' }])], runbooks), { status: 'warn', saw: 'no alert is loaded' })
})

t.test('judgeTargets', async (t) => {
  const target = (job: string, instance: string, health: string, lastError = '') => ({ labels: { job, instance }, health, lastError, scrapeUrl: `http://${instance}/metrics` })
  const results = judgeTargets([
    target('threadline_agent', 'a:9480', 'up'),
    target('threadline_agent', 'b:9480', 'up'),
    target('quantum_safety_telemetry', 's:9105', 'down', 'connection refused'),
  ])
  t.match(results, [
    { name: 'target threadline_agent', status: 'pass', saw: '2 of 2 up' },
    { name: 'target quantum_safety_telemetry', status: 'fail', saw: '1 of 1 down: s:9105 (connection refused)', fix: /http:\/\/s:9105\/metrics/ },
    { name: 'target quantum_harvest_metrics', status: 'warn', saw: /no scrape job/ },
  ])
  t.match(judgeTargets([target('quantum_harvest_metrics', 'h:8042', 'unknown')]), [{ status: 'fail', saw: 'no scrape job "threadline_agent"' }, { status: 'warn' }, { status: 'warn', saw: '1 of 1 not scraped yet' }])
})

t.test('Alertmanager routing as Alertmanager does it', async (t) => {
  const labels = { severity: 'critical', alertname: 'X' }
  t.ok(matcherHolds('severity="critical"', labels))
  t.ok(matcherHolds('severity=critical', labels))
  t.ok(matcherHolds('severity=~"crit.*"', labels))
  t.notOk(matcherHolds('severity=~"crit"', labels), 'regexes are anchored')
  t.ok(matcherHolds('severity!="warning"', labels))
  t.ok(matcherHolds('team!~"a|b"', labels))
  t.notOk(matcherHolds('not a matcher', labels))
  const route = {
    receiver: 'default',
    routes: [
      { matchers: ['team="db"'], receiver: 'db' },
      { match: { severity: 'critical' }, routes: [{ match_re: { alertname: 'Y|Z' }, receiver: 'yz' }] },
    ],
  }
  t.strictSame(receiverFor(route, labels), { receiver: 'default', viaChild: true }, 'a matching child without a receiver inherits it')
  t.strictSame(receiverFor(route, { severity: 'critical', alertname: 'Z' }), { receiver: 'yz', viaChild: true })
  t.strictSame(receiverFor(route, { severity: 'warning' }), { receiver: 'default', viaChild: false })

  const shipped = readYaml<object>('rules/alertmanager/alertmanager.yml')
  t.match(judgeConfig(JSON.stringify(shipped)), { status: 'pass', saw: 'severity=critical → webhook-and-email (email, webhook)' })
  t.match(judgeConfig('route: { receiver: hook }\nreceivers: [{ name: hook, webhook_configs: [{ url: "http://127.0.0.1:1/" }] }]'), { status: 'warn', saw: /no route of its own/ })
  t.match(judgeConfig('route: { receiver: "null", routes: [{ matchers: [severity="critical"], receiver: "null" }] }\nreceivers: [{ name: "null" }]'), { status: 'fail', saw: /notifies nobody/ })
  t.match(judgeConfig('global: {}'), { status: 'fail', saw: 'the running config has no route' })
})

t.test('judgeDatasources', async (t) => {
  const shipped = readYaml<{ datasources: never[] }>('grafana/provisioning/datasources/threadline.yml').datasources
  t.match(judgeDatasources(shipped, 'file'), { status: 'pass', saw: 'file: Loki links correlation_id (query and /trace page) and order_id' })
  t.match(judgeDatasources([{ type: 'prometheus' }], 'api'), { status: 'fail', saw: 'api: no Loki datasource' })
  t.match(judgeDatasources([{ type: 'loki', name: 'L', jsonData: { derivedFields: [{ name: 'cid', matcherRegex: '"correlation_id":"(\\w+)"', url: 'x' }] } }], 'api'), {
    status: 'fail',
    saw: 'api: Loki datasource L has no derived field for order_id',
  })
  t.match(judgeDatasources([{ type: 'loki', jsonData: { derivedFields: [{ name: 'correlation_id', url: 'q' }, { name: 'order_id', url: 'q' }] } }], 'api'), { status: 'warn', saw: /none to the agent's \/trace/ })
})

t.test('parseSamples and pushResults', async (t) => {
  const text = [
    '# HELP threadline_queue_depth_lines Lines stored but not yet acknowledged.',
    'threadline_queue_depth_lines{sink="loki"} 1204',
    'threadline_lag_seconds{sink="loki"} 75.5',
    'threadline_loki_last_success_timestamp_seconds{sink="loki"} 0',
    'threadline_loki_push_results_total{sink="loki",status="401"} 12',
    'threadline_loki_push_results_total{sink="loki",status="204"} 3',
    'threadline_lines_read_total{source="app",note="a \\"quoted\\" value"} 5',
  ].join('\n')
  const samples = parseSamples(text, new Set(['threadline_queue_depth_lines', 'threadline_lag_seconds', 'threadline_loki_last_success_timestamp_seconds', 'threadline_loki_push_results_total', 'threadline_lines_read_total']))
  t.equal(samples.length, 6)
  t.strictSame(samples.at(-1)!.labels, { source: 'app', note: 'a "quoted" value' })
  const now = 1_000_000
  t.match(pushResults(samples, now), [{ name: 'agent push', status: 'fail', saw: 'last success never, 1,204 lines waiting, lag 75.5 s; failed pushes: 401 ×12', fix: /credentials/ }])

  const at = (depth: number, lag: number, last: number, status = '204') =>
    parseSamples(`threadline_queue_depth_lines{sink="loki"} ${depth}\nthreadline_lag_seconds{sink="loki"} ${lag}\nthreadline_loki_last_success_timestamp_seconds{sink="loki"} ${last}\nthreadline_loki_push_results_total{sink="loki",status="${status}"} 1`, new Set(['threadline_queue_depth_lines', 'threadline_lag_seconds', 'threadline_loki_last_success_timestamp_seconds', 'threadline_loki_push_results_total']))
  t.match(pushResults(at(0, 0.4, now - 3), now), [{ status: 'pass', saw: 'last success 3 s ago, 0 lines waiting, lag 0.4 s' }])
  t.match(pushResults(at(0, 0, now - 600), now), [{ status: 'pass', saw: /10 min ago/ }], 'an idle sink with nothing waiting is fine')
  t.match(pushResults(at(10, 90, now - 5), now), [{ status: 'warn', saw: /lag 90.0 s/ }])
  t.match(pushResults(at(10, 1, now - 300, '404'), now), [{ status: 'fail', fix: /endpoint is not a Loki push URL/ }])
  t.match(pushResults(at(10, 1, now - 300, '429'), now), [{ status: 'fail', fix: /rate-limits/ }])
  t.match(pushResults(at(10, 1, now - 300, 'network'), now), [{ status: 'fail', fix: /cannot reach Loki/ }])
  t.match(pushResults([], now), [{ status: 'warn', saw: /no loki sink/ }])
  const two = [...at(0, 0, now), ...at(0, 0, now).map((s) => ({ ...s, labels: { ...s.labels, sink: 'backup' } }))]
  t.strictSame(pushResults(two, now).map((r) => r.name), ['agent push (backup)', 'agent push (loki)'])
})

t.test('the report: table, colour, JSON, exit status', async (t) => {
  const results = [pass('loki ready', 'answered 200'), warn('log format', 'no store', 'pass --data-dir'), fail('agent push', 'never', 'check credentials')]
  const plain = renderTable(results, { colour: false })
  t.equal(
    plain,
    [
      'ok    loki ready  answered 200',
      'WARN  log format  no store',
      '                  fix: pass --data-dir',
      'FAIL  agent push  never',
      '                  fix: check credentials',
      '',
      '1 ok, 1 warning, 1 failed',
      '',
    ].join('\n'),
  )
  t.notMatch(plain, /\x1b\[/, 'no escape codes without colour')
  t.match(renderTable(results, { colour: true }), /\x1b\[31mFAIL\x1b\[0m/)
  t.match(renderTable([pass('a', 'b')], { colour: true }), /\x1b\[32m1 ok, 0 warnings, 0 failed/)
  t.match(renderTable([warn('a', 'b', 'c')], { colour: true }), /\x1b\[33m0 ok, 1 warning, 0 failed/)
  t.strictSame(JSON.parse(renderJson(results)), { ok: false, summary: { pass: 1, warn: 1, fail: 1 }, checks: results })
  t.equal(exitStatus(results), 1)
  t.equal(exitStatus(results.slice(0, 2)), 0, 'warnings alone exit 0')
})
