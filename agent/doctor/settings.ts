/**
 * Resolves what the doctor talks to from the same sources the agent uses:
 * `--config` (the agent's YAML: its loki sink, data_dir, listen), `--loki-url`
 * / LOKI_URL, LOKI_USERNAME, LOKI_PASSWORD(_FILE) and LOKI_TENANT_ID through
 * the agent's own config loader, so a doctor run and an agent run cannot
 * disagree about the endpoint or the credentials. Prometheus, Alertmanager
 * and Grafana have their own flags and environment, with loopback defaults.
 * Credentials in a URL are moved into an Authorization header (fetch refuses
 * them in the URL, and the URL is printed).
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { AgentFlags } from '../cli/agent-args.js'
import { ConfigError } from '../config/errors.js'
import { loadAgentConfig, type LoadedConfig } from '../config/load.js'
import { parseListen } from '../http/server.js'
import { authorization } from '../../transports/loki/push.js'
import { shippedRunbooksDir } from './runbooks.js'
import { fail, pass, type CheckResult, type DoctorSettings, type Endpoint } from './types.js'

export const DEFAULTS = {
  loki: 'http://127.0.0.1:3100',
  prometheus: 'http://127.0.0.1:9090',
  alertmanager: 'http://127.0.0.1:9093',
  grafanaProvisioning: '/etc/grafana/provisioning/datasources/threadline.yml',
  timeoutMs: 5_000,
} as const

export interface DoctorFlags {
  config?: string
  lokiUrl?: string
  agentUrl?: string
  dataDir?: string
  prometheusUrl?: string
  alertmanagerUrl?: string
  grafanaUrl?: string
  grafanaProvisioning?: string
  runbooks?: string
  timeoutMs?: number
}

const agentFlags = (flags: DoctorFlags, lokiUrl?: string): AgentFlags => ({
  config: flags.config,
  tail: [],
  stdin: false,
  labels: {},
  checkConfig: false,
  dataDir: flags.dataDir,
  lokiUrl,
})

/** The agent's config, with a Loki sink at the default URL when it names none (so LOKI_* credentials still apply). */
function loadConfig(flags: DoctorFlags, env: NodeJS.ProcessEnv): { loaded?: LoadedConfig; result: CheckResult } {
  try {
    const asGiven = loadAgentConfig(agentFlags(flags, flags.lokiUrl), env)
    const hasLoki = Object.values(asGiven.sinks).some((sink) => sink.type === 'loki')
    const loaded = hasLoki ? asGiven : loadAgentConfig(agentFlags(flags, DEFAULTS.loki), env)
    const where = flags.config ? `${flags.config}: ` : 'no --config, flags and environment: '
    const counts = `${Object.keys(asGiven.config.sources).length} sources, ${Object.keys(asGiven.config.sinks).length} sinks${hasLoki ? '' : ` (no loki sink: Loki checked at ${DEFAULTS.loki})`}`
    return { loaded, result: pass('agent config', `${where}${counts}`) }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    // The loader's messages name keys and files, never a secret's content.
    const result = fail('agent config', error.message.replace(/\n\s*/g, ' '), `threadline agent ${flags.config ? `--config ${flags.config} ` : ''}--check-config lists every problem with its path`)
    return { result }
  }
}

/** Moves user:password out of a URL into a basic Authorization header. */
export function endpoint(url: string, headers: Record<string, string> = {}): Endpoint {
  const parsed = new URL(url)
  if (!parsed.username && !parsed.password) return { url: url.replace(/\/+$/, ''), headers }
  const basic = authorization({ basicAuth: { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } })!
  parsed.username = ''
  parsed.password = ''
  return { url: parsed.toString().replace(/\/+$/, ''), headers: { ...headers, Authorization: basic } }
}

/** The agent's listen address as a URL this host can reach (a wildcard bind is reached on loopback). */
export function agentUrlFromListen(listen: string): string {
  const target = parseListen(listen)
  if (!target) return 'http://127.0.0.1:9480'
  const host = ['0.0.0.0', '::', ''].includes(target.host) ? '127.0.0.1' : target.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${target.port}`
}

function grafanaToken(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GRAFANA_TOKEN_FILE) return readFileSync(env.GRAFANA_TOKEN_FILE, 'utf8').trim()
  return env.GRAFANA_TOKEN || undefined
}

export function resolveSettings(flags: DoctorFlags, env: NodeJS.ProcessEnv = process.env): DoctorSettings {
  const { loaded, result } = loadConfig(flags, env)
  const loki = loaded ? Object.values(loaded.sinks).find((sink) => sink.type === 'loki')?.options : undefined
  const lokiHeaders: Record<string, string> = {}
  if (loki?.tenantId) lokiHeaders['X-Scope-OrgID'] = loki.tenantId
  const lokiAuth = loki ? authorization(loki) : undefined
  if (lokiAuth) lokiHeaders.Authorization = lokiAuth
  const lokiBase = (loki?.endpoint ?? flags.lokiUrl ?? env.LOKI_URL ?? DEFAULTS.loki).replace(/\/loki\/api\/v1\/push\/?$/, '')
  const grafana = flags.grafanaUrl ?? (env.GRAFANA_URL || undefined)
  const token = grafanaToken(env)
  const runbooksDir = flags.runbooks ?? shippedRunbooksDir()
  return {
    config: result,
    loki: { url: lokiBase, headers: lokiHeaders },
    agent: endpoint(flags.agentUrl ?? agentUrlFromListen(loaded?.config.listen ?? '127.0.0.1:9480')),
    dataDir: resolve(loaded?.config.data_dir ?? flags.dataDir ?? './.threadline'),
    prometheus: endpoint(flags.prometheusUrl ?? (env.PROMETHEUS_URL || DEFAULTS.prometheus)),
    alertmanager: endpoint(flags.alertmanagerUrl ?? (env.ALERTMANAGER_URL || DEFAULTS.alertmanager)),
    ...(grafana ? { grafana: endpoint(grafana, token ? { Authorization: `Bearer ${token}` } : {}) } : {}),
    grafanaProvisioning: flags.grafanaProvisioning ?? DEFAULTS.grafanaProvisioning,
    ...(runbooksDir && existsSync(runbooksDir) ? { runbooksDir } : {}),
    timeoutMs: flags.timeoutMs ?? DEFAULTS.timeoutMs,
  }
}
