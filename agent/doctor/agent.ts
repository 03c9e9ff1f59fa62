/**
 * The agent: ready (GET /ready), and its push to Loki from its own
 * /metrics: per loki sink, the last successful push, the lines waiting and
 * the lag, with the failing statuses when there are any.
 */
import { get } from './http.js'
import { parseSamples, type Sample } from './metrics-text.js'
import { fail, pass, warn, type CheckResult, type DoctorSettings } from './types.js'

const NAMES = new Set([
  'threadline_loki_last_success_timestamp_seconds',
  'threadline_queue_depth_lines',
  'threadline_lag_seconds',
  'threadline_loki_push_results_total',
])
/** Lines waiting with no 2xx for this long means the push is failing, not slow. */
export const STALE_PUSH_S = 60
/** A backlog older than this is worth a look (the LokiPushFailing alert's bound). */
export const LAG_WARN_S = 60

const ago = (seconds: number) => (seconds < 120 ? `${Math.round(seconds)} s ago` : `${Math.round(seconds / 60)} min ago`)

function pushFix(failures: Record<string, number>): string {
  const statuses = Object.keys(failures)
  if (statuses.some((s) => s === '401' || s === '403')) return 'Loki refuses the agent\'s credentials: check LOKI_USERNAME / LOKI_PASSWORD_FILE / LOKI_TENANT_ID (or the sink\'s auth and tenant_id) and restart the agent'
  if (statuses.includes('404')) return 'the sink\'s endpoint is not a Loki push URL: fix sinks.<id>.endpoint or LOKI_URL'
  if (statuses.includes('429')) return 'Loki rate-limits the agent: raise ingestion_rate_mb / per_stream_rate_limit (loki/loki-config.yml)'
  return 'the agent cannot reach Loki: see the "loki ready" row, and the agent\'s log for the push errors'
}

/** One row per loki sink; `nowS` is the doctor's clock (the same host's as the agent's). */
export function pushResults(samples: readonly Sample[], nowS: number): CheckResult[] {
  const sinks = [...new Set(samples.filter((s) => s.name === 'threadline_queue_depth_lines').map((s) => s.labels.sink!))].sort()
  if (sinks.length === 0) return [warn('agent push', 'the agent has no loki sink: lines stay in its store', 'add a loki sink (sinks.loki.endpoint) or start the agent with --loki-url / LOKI_URL')]
  return sinks.map((sink) => {
    const of = (name: string) => samples.filter((s) => s.name === name && s.labels.sink === sink)
    const value = (name: string) => of(name)[0]?.value ?? 0
    const last = value('threadline_loki_last_success_timestamp_seconds')
    const waiting = value('threadline_queue_depth_lines')
    const lag = value('threadline_lag_seconds')
    const failures = Object.fromEntries(of('threadline_loki_push_results_total').filter((s) => !/^2\d\d$/.test(s.labels.status ?? '') && s.value > 0).map((s) => [s.labels.status!, s.value]))
    const name = sinks.length > 1 ? `agent push (${sink})` : 'agent push'
    const failed = Object.entries(failures).map(([status, count]) => `${status} ×${count}`).join(', ')
    const saw = `last success ${last > 0 ? ago(nowS - last) : 'never'}, ${waiting.toLocaleString('en-US')} lines waiting, lag ${lag.toFixed(1)} s${failed ? `; failed pushes: ${failed}` : ''}`
    if (waiting > 0 && (last === 0 || nowS - last > STALE_PUSH_S)) return fail(name, saw, pushFix(failures))
    if (lag > LAG_WARN_S) return warn(name, saw, 'the agent is behind Loki: runbooks/pipeline.md#lokipushfailing')
    return pass(name, saw)
  })
}

export async function checkAgent({ agent, timeoutMs }: DoctorSettings, nowS = Date.now() / 1000): Promise<CheckResult[]> {
  const [ready, metrics] = await Promise.all([get(agent, '/ready', timeoutMs), get(agent, '/metrics', timeoutMs)])
  const unreachable = `start the agent (systemctl start threadline-agent), or point --agent-url / --config at its listen address (now ${agent.url})`
  const readyResult = ready.ok
    ? pass('agent ready', `${agent.url}/ready answered ${ready.status}`)
    : fail('agent ready', `${agent.url}/ready: ${ready.error}`, ready.status === 503 ? 'the agent is starting or stopping: wait, then read its log' : unreachable)
  if (!metrics.ok) return [readyResult, fail('agent push', `${agent.url}/metrics: ${metrics.error}`, unreachable)]
  return [readyResult, ...pushResults(parseSamples(metrics.body, NAMES), nowS)]
}
