/**
 * Alertmanager has the critical route: the running config (GET
 * /api/v2/status, secrets already masked by Alertmanager) is walked as
 * Alertmanager routes an alert, to find the receiver of a critical alert and
 * what it notifies.
 */
import { parse } from 'yaml'
import { getJson } from './http.js'
import { fail, pass, warn, type CheckResult, type DoctorSettings } from './types.js'

const NAME = 'alertmanager critical route'
const SHIPPED = 'rules/alertmanager/alertmanager.yml'

export interface Route {
  receiver?: string
  matchers?: string[]
  match?: Record<string, string>
  match_re?: Record<string, string>
  routes?: Route[]
  continue?: boolean
}
interface Config {
  route?: Route
  receivers?: ({ name: string } & Record<string, unknown>)[]
}

const MATCHER = /^\s*\{?\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?((?:[^"\\]|\\.)*?)"?\s*\}?\s*$/

/** Whether one matcher string (`severity="critical"`, `severity=~"crit.*"`) holds for `labels`. */
export function matcherHolds(matcher: string, labels: Record<string, string>): boolean {
  const match = MATCHER.exec(matcher)
  if (!match) return false
  const [, name, op, value] = match as unknown as [string, string, string, string]
  const actual = labels[name] ?? ''
  const positive = op.includes('~') ? new RegExp(`^(?:${value})$`).test(actual) : actual === value
  return op.startsWith('!') ? !positive : positive
}

function routeMatches(route: Route, labels: Record<string, string>): boolean {
  return (
    (route.matchers ?? []).every((m) => matcherHolds(m, labels)) &&
    Object.entries(route.match ?? {}).every(([k, v]) => labels[k] === v) &&
    Object.entries(route.match_re ?? {}).every(([k, v]) => new RegExp(`^(?:${v})$`).test(labels[k] ?? ''))
  )
}

/** The receiver Alertmanager picks for `labels` (first matching child, depth first, inheriting receivers), and whether a child route decided it. */
export function receiverFor(route: Route, labels: Record<string, string>, inherited = route.receiver ?? ''): { receiver: string; viaChild: boolean } {
  for (const child of route.routes ?? []) {
    if (!routeMatches(child, labels)) continue
    const found = receiverFor(child, labels, child.receiver ?? inherited)
    return { receiver: found.receiver, viaChild: true }
  }
  return { receiver: inherited, viaChild: false }
}

export function judgeConfig(original: string): CheckResult {
  const config = parse(original) as Config
  if (!config?.route) return fail(NAME, 'the running config has no route', `load ${SHIPPED}`)
  const { receiver, viaChild } = receiverFor(config.route, { severity: 'critical', alertname: 'QuantumSafeModeActive' })
  const entry = config.receivers?.find((r) => r.name === receiver)
  const integrations = Object.entries(entry ?? {})
    .filter(([key, value]) => key.endsWith('_configs') && Array.isArray(value) && value.length > 0)
    .map(([key]) => key.replace(/_configs$/, ''))
    .sort()
  if (integrations.length === 0) return fail(NAME, `severity=critical goes to receiver "${receiver}", which notifies nobody`, `give it webhook_configs and email_configs as in ${SHIPPED}`)
  const saw = `severity=critical → ${receiver} (${integrations.join(', ')})`
  if (!viaChild) return warn(NAME, `${saw}: no route of its own, the default receiver`, `add the severity="critical" route of ${SHIPPED}`)
  return pass(NAME, saw)
}

export async function checkAlertmanager({ alertmanager, timeoutMs }: DoctorSettings): Promise<CheckResult> {
  const status = await getJson<{ config?: { original?: string } }>(alertmanager, '/api/v2/status', timeoutMs)
  if (!status.ok) return fail(NAME, `${alertmanager.url}/api/v2/status: ${status.error}`, `start Alertmanager, or point --alertmanager-url / ALERTMANAGER_URL at it (now ${alertmanager.url})`)
  try {
    return judgeConfig(status.value.config?.original ?? '')
  } catch (error) {
    return fail(NAME, `cannot read the running config: ${(error as Error).message.split('\n')[0]}`, `amtool check-config ${SHIPPED}`)
  }
}
