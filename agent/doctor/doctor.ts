/**
 * Runs every check, concurrently, and returns the findings in reading order:
 * the agent config, Loki, the agent, the services' log format, Grafana,
 * Prometheus (rules, targets, runbooks), Alertmanager.
 */
import { checkAgent } from './agent.js'
import { checkAlertmanager } from './alertmanager.js'
import { checkGrafana } from './grafana.js'
import { checkLoki } from './loki.js'
import { checkPrometheus } from './prometheus.js'
import { checkLogFormat } from './store-sample.js'
import type { CheckResult, DoctorSettings } from './types.js'

export async function runChecks(settings: DoctorSettings): Promise<CheckResult[]> {
  const groups = await Promise.all([
    [settings.config],
    checkLoki(settings),
    checkAgent(settings),
    [checkLogFormat(settings)],
    checkGrafana(settings).then((result) => [result]),
    checkPrometheus(settings),
    checkAlertmanager(settings).then((result) => [result]),
  ])
  return groups.flat()
}
