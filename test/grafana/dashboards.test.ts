/**
 * grafana/: the committed dashboards are what grafana/src builds (Grafana's
 * Foundation SDK); every panel sits on the 24-column grid without overlap;
 * every PromQL expression, variables substituted, is accepted by a real
 * Prometheus' query API, and every LogQL one by Grafana's LogQL grammar;
 * the Loki datasource carries the derived fields.
 */
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { dashboards } from '../../grafana/generate.js'
import { logqlErrors } from '../support/logql.js'
import { filesUnder, readYaml, ROOT } from '../support/ops-files.js'
import { startPrometheus } from '../support/prometheus.js'

interface Target { expr: string; datasource: { type: string; uid: string } }
interface Panel { title: string; type: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: Target[]; fieldConfig?: { defaults?: { thresholds?: { steps: { value: number | null; color: string }[] } } } }
interface Dashboard { uid: string; title: string; panels: Panel[]; templating: { list: { name: string; datasource?: { uid: string }; query?: unknown }[] } }

const files = filesUnder('grafana/dashboards').filter((f) => f.endsWith('.json'))
const parsed = new Map(files.map((file) => [file, JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Dashboard]))

/** Grafana's variables replaced by values a query API accepts. */
function substitute(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '30s')
    .replaceAll('$__range', '1h')
    .replaceAll('$correlation_id', 'c0ffee-42')
    .replace(/\$(instance|symbol|service)\b/g, '.+')
}

t.test('the committed JSON is exactly what grafana/src builds', async (t) => {
  const built = dashboards()
  t.strictSame(built.map((d) => `grafana/dashboards/${d.file}`).sort(), files, 'one file per dashboard, nothing else')
  for (const { file, json } of built) t.equal(readFileSync(join(ROOT, 'grafana/dashboards', file), 'utf8'), json, `${file}: run npm run dashboards`)
})

t.test('npm run dashboards writes exactly the committed files', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'threadline-dashboards-'))
  t.teardown(() => rmSync(out, { recursive: true, force: true }))
  const run = spawnSync(process.execPath, [join(ROOT, 'dist/grafana/generate.js'), out], { encoding: 'utf8' })
  t.equal(run.status, 0, run.stderr)
  for (const file of files) t.equal(readFileSync(join(out, basename(file)), 'utf8'), readFileSync(join(ROOT, file), 'utf8'), file)
})

t.test('panels fit the grid and do not overlap', async (t) => {
  for (const [file, dashboard] of parsed) {
    const owner = new Map<string, string>()
    const overlaps: string[] = []
    for (const { title, gridPos: { x, y, w, h } } of dashboard.panels) {
      t.ok(x >= 0 && x + w <= 24 && w > 0 && h > 0, `${file} ${title} inside 24 columns`)
      for (let cx = x; cx < x + w; cx++) for (let cy = y; cy < y + h; cy++) {
        const other = owner.get(`${cx},${cy}`)
        if (other) overlaps.push(`${title} / ${other} at ${cx},${cy}`)
        owner.set(`${cx},${cy}`, title)
      }
    }
    t.strictSame(overlaps, [], `${file}: no panel overlaps another`)
  }
})

t.test('the safety dashboard has the team\'s eleven panels; harvest freshness its thresholds', async (t) => {
  const safety = parsed.get('grafana/dashboards/threadline-safety-telemetry.json')!
  t.equal(safety.panels.length, 11)
  for (const title of ['Safe mode', 'Safe mode TTL', 'Fault stream length', 'Faults last hour', 'Trade intent rate', 'Trade intent stream length', 'Global rate (current minute)', 'Last fault', 'Top 5 symbols by rate', 'Redis connectivity', 'Exporter scrapes and errors']) {
    t.ok(safety.panels.some((p) => p.title === title), title)
  }
  const harvest = parsed.get('grafana/dashboards/threadline-harvest-freshness.json')!
  const staleness = harvest.panels.filter((p) => p.targets?.some((q) => q.expr.includes('symbol:quantum_harvest_staleness:seconds')))
  t.ok(staleness.length >= 3)
  for (const panel of staleness) {
    t.strictSame(panel.fieldConfig?.defaults?.thresholds?.steps, [{ value: null, color: 'green' }, { value: 30, color: 'yellow' }, { value: 60, color: 'red' }], panel.title)
  }
  const logs = parsed.get('grafana/dashboards/threadline-log-aggregation.json')!
  t.ok(logs.templating.list.some((v) => v.name === 'correlation_id'), 'a correlation_id variable')
  t.ok(logs.panels.some((p) => p.type === 'logs' && p.targets!.some((q) => q.expr.includes('|= "$correlation_id"'))), 'order flow logs filtered by it')
})

const targets = [...parsed].flatMap(([file, dashboard]) => [
  ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `${file} "${panel.title}"`, ...target }))),
  ...dashboard.templating.list.flatMap((v) => (typeof v.query === 'string' && v.datasource ? [{ where: `${file} $${v.name}`, expr: v.query, datasource: { type: 'prometheus', uid: v.datasource.uid } }] : [])),
])

t.test('every datasource is one the provisioning file defines', async (t) => {
  const provisioned = readYaml<{ datasources: { uid: string; type: string }[] }>('grafana/provisioning/datasources/threadline.yml').datasources
  for (const target of targets) t.ok(provisioned.some((d) => d.uid === target.datasource.uid && d.type === target.datasource.type), `${target.where}: ${target.datasource.uid}`)
})

t.test('every LogQL expression parses', async (t) => {
  const logql = targets.filter((q) => q.datasource.type === 'loki')
  t.ok(logql.length >= 2)
  for (const target of logql) t.strictSame(logqlErrors(substitute(target.expr)), [], `${target.where}: ${target.expr}`)
})

t.test('every PromQL expression is accepted by a real Prometheus', async (t) => {
  const prometheus = await startPrometheus({ jobs: {} })
  t.teardown(() => prometheus.stop())
  const promql = targets.filter((q) => q.datasource.type === 'prometheus')
  t.ok(promql.length >= 20)
  for (const target of promql) {
    // label_values() is Grafana's, not PromQL: its argument is the query.
    const expr = substitute(target.expr).replace(/^label_values\((.*), *\w+\)$/, '$1')
    await t.resolves(prometheus.query(expr), `${target.where}: ${expr}`)
  }
  await t.rejects(prometheus.query('sum(rate(x[5m])'), 'the control: a broken expression is refused')
})

t.test('the Loki datasource links correlation_id and order_id', async (t) => {
  type Derived = { name: string; matcherRegex: string; url: string; datasourceUid?: string }
  const loki = readYaml<{ datasources: { type: string; uid: string; jsonData: { derivedFields: Derived[] } }[] }>('grafana/provisioning/datasources/threadline.yml').datasources.find((d) => d.type === 'loki')!
  const fields = loki.jsonData.derivedFields
  const line = '{"level":"info","service":"auto_executor","event":"ORDER_SUBMIT","correlation_id":"a1b2-c3","order_id":"ord_1","msg":"submit"}'
  const value = (name: string) => new RegExp(fields.find((f) => f.name === name)!.matcherRegex).exec(line)?.[1]
  t.equal(value('correlation_id'), 'a1b2-c3')
  t.equal(value('order_id'), 'ord_1')
  for (const field of fields.filter((f) => f.datasourceUid)) {
    t.equal(field.datasourceUid, loki.uid, `${field.name} queries this Loki`)
    t.strictSame(logqlErrors(field.url.replaceAll('${__value.raw}', 'a1b2-c3')), [], `${field.name}: ${field.url}`)
  }
  t.match(fields.find((f) => f.name === 'trace')!.url, /\/trace\/\$\{__value\.raw\}$/, "the agent's trace page")
})
