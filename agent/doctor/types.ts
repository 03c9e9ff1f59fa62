/**
 * What every doctor check returns, and what the checks are given: the
 * endpoints and credentials resolved once (./settings.ts) and an HTTP
 * client that never throws (./http.ts).
 */
export type Status = 'pass' | 'warn' | 'fail'

export interface CheckResult {
  /** Short and stable, e.g. `loki ready`; the JSON output's key. */
  name: string
  status: Status
  /** What the check saw, in one line. Never a secret. */
  saw: string
  /** For warn and fail: what to do about it. */
  fix?: string
}

/** A service the doctor talks to: base URL (no credentials, no trailing slash) and the headers it needs. */
export interface Endpoint {
  url: string
  headers: Record<string, string>
}

export interface DoctorSettings {
  /** Loki's base URL (push path removed), with X-Scope-OrgID and Authorization as the agent sends them. */
  loki: Endpoint
  /** The agent's HTTP address. */
  agent: Endpoint
  /** The agent's data directory (its store is `store.db` in it). */
  dataDir: string
  prometheus: Endpoint
  alertmanager: Endpoint
  /** Grafana's API (with a service account token); when unset the provisioning file is read instead. */
  grafana?: Endpoint
  grafanaProvisioning: string
  /** The runbooks folder to check runbook_url against. */
  runbooksDir?: string
  timeoutMs: number
  /** How the agent config loaded: a failure is reported as a check. */
  config: CheckResult
}

export const pass = (name: string, saw: string): CheckResult => ({ name, status: 'pass', saw })
export const warn = (name: string, saw: string, fix: string): CheckResult => ({ name, status: 'warn', saw, fix })
export const fail = (name: string, saw: string, fix: string): CheckResult => ({ name, status: 'fail', saw, fix })
