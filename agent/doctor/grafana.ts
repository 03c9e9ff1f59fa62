/**
 * The Grafana Loki datasource has the derived fields that turn
 * correlation_id and order_id into links: asked of Grafana's API when a URL
 * is given (GET /api/datasources, a service account token in GRAFANA_TOKEN),
 * otherwise read from the provisioning file.
 */
import { existsSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { getJson } from './http.js'
import { fail, pass, warn, type CheckResult, type DoctorSettings } from './types.js'

const NAME = 'grafana derived fields'
const SHIPPED = 'grafana/provisioning/datasources/threadline.yml'

interface Datasource {
  name?: string
  type: string
  jsonData?: { derivedFields?: { name?: string; matcherRegex?: string; url?: string }[] }
}

/** Judges the Loki datasources of a list (from the API or the file). */
export function judgeDatasources(datasources: readonly Datasource[], where: string): CheckResult {
  const lokis = datasources.filter((d) => d.type === 'loki')
  if (lokis.length === 0) return fail(NAME, `${where}: no Loki datasource`, `provision ${SHIPPED}`)
  const fields = lokis.flatMap((d) => d.jsonData?.derivedFields ?? [])
  const matches = (field: string) => fields.some((f) => (f.matcherRegex ?? '').includes(field) || f.name === field)
  const missing = ['correlation_id', 'order_id'].filter((field) => !matches(field))
  const names = lokis.map((d) => d.name ?? '(unnamed)').join(', ')
  if (missing.length > 0) return fail(NAME, `${where}: Loki datasource ${names} has no derived field for ${missing.join(' or ')}`, `add the derivedFields of ${SHIPPED}`)
  if (!fields.some((f) => (f.url ?? '').includes('/trace/'))) {
    return warn(NAME, `${where}: correlation_id and order_id are links, but none to the agent's /trace/<id> page`, `add the "trace" derived field of ${SHIPPED}`)
  }
  return pass(NAME, `${where}: ${names} links correlation_id (query and /trace page) and order_id`)
}

export async function checkGrafana({ grafana, grafanaProvisioning, timeoutMs }: DoctorSettings): Promise<CheckResult> {
  if (grafana) {
    const answer = await getJson<Datasource[]>(grafana, '/api/datasources', timeoutMs)
    if (answer.ok) return judgeDatasources(answer.value, `${grafana.url}/api/datasources`)
    const fix = answer.status === 401 || answer.status === 403 ? 'set GRAFANA_TOKEN (or GRAFANA_TOKEN_FILE) to a service account token that may read datasources' : `check --grafana-url (now ${grafana.url})`
    return fail(NAME, `${grafana.url}/api/datasources: ${answer.error}`, fix)
  }
  if (!existsSync(grafanaProvisioning)) {
    return warn(NAME, `no --grafana-url, and no provisioning file at ${grafanaProvisioning}`, `install ${SHIPPED} there, or pass --grafana-url with GRAFANA_TOKEN`)
  }
  try {
    const file = parse(readFileSync(grafanaProvisioning, 'utf8')) as { datasources?: Datasource[] } | null
    return judgeDatasources(file?.datasources ?? [], grafanaProvisioning)
  } catch (error) {
    return fail(NAME, `${grafanaProvisioning}: ${(error as Error).message.split('\n')[0]}`, 'fix the YAML (Grafana refuses to start on it too)')
  }
}
