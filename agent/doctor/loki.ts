/**
 * Loki: ready (GET /ready), and ingesting: lines of the last 5 minutes
 * through the query API, the question the team's script answered with a
 * `curl | jq` of the push endpoint's metrics.
 */
import { get, getJson, type HttpAnswer } from './http.js'
import { fail, pass, type CheckResult, type DoctorSettings } from './types.js'

/** Every stream the agent (or promtail) ships has a service label. */
export const INGEST_QUERY = 'sum(count_over_time({service=~".+"}[5m]))'

/** What to do about an answer that is not 2xx, by what went wrong. */
export function lokiFix(answer: Exclude<HttpAnswer, { ok: true }>, url: string): string {
  if (answer.status === 401 || answer.status === 403) return 'Loki refused the credentials: set LOKI_USERNAME with LOKI_PASSWORD_FILE (or LOKI_PASSWORD) and LOKI_TENANT_ID as the agent uses them, or the sink\'s auth/tenant_id in --config'
  if (answer.status === 503) return 'Loki is starting or its ingester is unhealthy: wait a minute, then read its log (journalctl -u loki)'
  if (answer.status === 404) return `${url} is not Loki's base URL: point --loki-url or LOKI_URL at it`
  return `start Loki (systemctl start loki), or point --loki-url / LOKI_URL at the right address (now ${url})`
}

export async function checkLoki({ loki, timeoutMs }: DoctorSettings): Promise<CheckResult[]> {
  const [ready, ingest] = await Promise.all([
    get(loki, '/ready', timeoutMs),
    getJson<{ data?: { result?: { value: [number, string] }[] } }>(loki, `/loki/api/v1/query?query=${encodeURIComponent(INGEST_QUERY)}`, timeoutMs),
  ])
  const readyResult = ready.ok
    ? pass('loki ready', `${loki.url}/ready answered ${ready.status}`)
    : fail('loki ready', `${loki.url}/ready: ${ready.error}`, lokiFix(ready, loki.url))
  if (!ingest.ok) {
    return [readyResult, fail('loki ingesting', `query ${INGEST_QUERY}: ${ingest.error}`, lokiFix(ingest, loki.url))]
  }
  const lines = Number(ingest.value.data?.result?.[0]?.value[1] ?? 0)
  const ingestResult =
    lines > 0
      ? pass('loki ingesting', `${lines.toLocaleString('en-US')} lines in the last 5 minutes`)
      : fail('loki ingesting', 'no line in the last 5 minutes', 'nothing reaches Loki: see the "agent push" row; a quiet service logs nothing, so check it logs at all')
  return [readyResult, ingestResult]
}
