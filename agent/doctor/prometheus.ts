/**
 * Prometheus: the kit's rule groups are loaded and healthy, the agent and
 * exporter targets are up, and every loaded alert's runbook_url resolves in
 * the runbooks folder. One GET of /api/v1/rules serves the first and last.
 */
import { getJson } from './http.js'
import { runbookProblem } from './runbooks.js'
import { fail, pass, warn, type CheckResult, type DoctorSettings } from './types.js'

/** The groups of rules/prometheus/*.rules.yml (a test keeps this list equal to the files). */
export const RULE_GROUPS = ['safety', 'harvest', 'logs', 'pipeline'] as const
/** Scrape jobs the rules expect, and whether their absence is a failure or may be a choice. */
export const TARGET_JOBS = { threadline_agent: 'required', quantum_safety_telemetry: 'optional', quantum_harvest_metrics: 'optional' } as const

interface Rule {
  type: 'alerting' | 'recording'
  name: string
  health?: string
  lastError?: string
  annotations?: Record<string, string>
}
type RulesAnswer = { data: { groups: { name: string; file: string; rules: Rule[] }[] } }
type TargetsAnswer = { data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }[] } }

const RELOAD = 'add rules/prometheus/*.rules.yml to rule_files in prometheus.yml and reload (systemctl reload prometheus, or POST /-/reload)'

export function judgeRules(groups: RulesAnswer['data']['groups']): CheckResult {
  const loaded = new Set(groups.map((g) => g.name))
  const missing = RULE_GROUPS.filter((name) => !loaded.has(name))
  if (missing.length > 0) return fail('prometheus rules', `missing rule groups: ${missing.join(', ')}${loaded.size ? ` (loaded: ${[...loaded].join(', ')})` : ''}`, RELOAD)
  const broken = groups.flatMap((g) => g.rules.filter((r) => r.health === 'err').map((r) => `${r.name}: ${r.lastError}`))
  if (broken.length > 0) return fail('prometheus rules', `rules failing to evaluate: ${broken.join('; ')}`, 'promtool check rules on the file; a failing rule usually queries a label set twice')
  const count = groups.filter((g) => RULE_GROUPS.includes(g.name as never)).reduce((sum, g) => sum + g.rules.length, 0)
  return pass('prometheus rules', `groups ${RULE_GROUPS.join(', ')} loaded, ${count} rules, all healthy`)
}

export function judgeRunbooks(groups: RulesAnswer['data']['groups'], runbooksDir: string | undefined): CheckResult {
  const alerts = groups.flatMap((g) => g.rules.filter((r) => r.type === 'alerting'))
  if (!runbooksDir) return warn('runbooks', `${alerts.length} alerts loaded, but no runbooks folder found`, 'pass --runbooks DIR (the runbooks/ folder of this package)')
  const problems = alerts.flatMap((alert) => {
    const problem = runbookProblem(runbooksDir, alert.annotations?.runbook_url)
    return problem ? [`${alert.name} (${problem})`] : []
  })
  if (alerts.length === 0) return warn('runbooks', 'no alert is loaded', RELOAD)
  if (problems.length > 0) return fail('runbooks', `${problems.length} of ${alerts.length} alerts without a runbook: ${problems.join('; ')}`, `write the missing sections in ${runbooksDir}, or fix the alerts' runbook_url`)
  return pass('runbooks', `all ${alerts.length} loaded alerts have their runbook section in ${runbooksDir}`)
}

export function judgeTargets(targets: TargetsAnswer['data']['activeTargets']): CheckResult[] {
  return Object.entries(TARGET_JOBS).map(([job, need]) => {
    const name = `target ${job}`
    const own = targets.filter((t) => t.labels.job === job)
    if (own.length === 0) {
      const saw = `no scrape job "${job}"`
      const fix = `add the job to prometheus.yml's scrape_configs (README, operations kit)`
      return need === 'required' ? fail(name, saw, fix) : warn(name, `${saw} (fine if you do not run this exporter)`, fix)
    }
    const down = own.filter((t) => t.health === 'down')
    const unknown = own.filter((t) => t.health === 'unknown')
    if (down.length > 0) {
      return fail(name, `${down.length} of ${own.length} down: ${down.map((t) => `${t.labels.instance} (${t.lastError})`).join('; ')}`, `start what listens on ${down[0]!.scrapeUrl}, or fix the target address`)
    }
    if (unknown.length > 0) return warn(name, `${unknown.length} of ${own.length} not scraped yet`, 'run the doctor again in a scrape interval')
    return pass(name, `${own.length} of ${own.length} up`)
  })
}

export async function checkPrometheus({ prometheus, runbooksDir, timeoutMs }: DoctorSettings): Promise<CheckResult[]> {
  const [rules, targets] = await Promise.all([
    getJson<RulesAnswer>(prometheus, '/api/v1/rules', timeoutMs),
    getJson<TargetsAnswer>(prometheus, '/api/v1/targets?state=active', timeoutMs),
  ])
  const unreachable = (what: string, error: string) =>
    fail(what, `${prometheus.url}: ${error}`, `start Prometheus, or point --prometheus-url / PROMETHEUS_URL at it (now ${prometheus.url})`)
  return [
    rules.ok ? judgeRules(rules.value.data.groups) : unreachable('prometheus rules', rules.error),
    ...(targets.ok ? judgeTargets(targets.value.data.activeTargets) : [unreachable('prometheus targets', targets.error)]),
    rules.ok ? judgeRunbooks(rules.value.data.groups, runbooksDir) : unreachable('runbooks', rules.error),
  ]
}
