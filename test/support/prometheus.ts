/**
 * A real Prometheus (Debian's `prometheus`) for end-to-end tests: scrapes the
 * given targets every second from a throwaway TSDB, answers instant queries,
 * and optionally loads rule files (for `threadline doctor`'s tests).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnUntilReady } from './spawn-ready.js'

export interface PrometheusProcess {
  readonly url: string
  /** Instant query; returns each series' labels and value. */
  query(expr: string): Promise<{ labels: Record<string, string>; value: number }[]>
  stop(): Promise<void>
}

export interface PrometheusOptions {
  /** Scrape jobs: job name → `host:port` targets. */
  jobs?: Record<string, string[]>
  /** Absolute paths of rule files to load. */
  ruleFiles?: string[]
  /** Alertmanager `host:port` to send alerts to. */
  alertmanager?: string
}

export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

const list = (items: readonly string[]) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`

/** `targets` alone: one job named `threadline`, as the e2e tests use it. */
export async function startPrometheus(targets: string[] | PrometheusOptions): Promise<PrometheusProcess> {
  const { jobs = {}, ruleFiles = [], alertmanager } = Array.isArray(targets) ? { jobs: { threadline: targets } } : targets
  const dir = mkdtempSync(join(tmpdir(), 'threadline-prometheus-'))
  const port = await freePort()
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ${list(ruleFiles)}`,
      ...(alertmanager ? [`alerting: { alertmanagers: [{ static_configs: [{ targets: [${JSON.stringify(alertmanager)}] }] }] }`] : []),
      'scrape_configs:',
      ...Object.entries(jobs).map(([job, jobTargets]) => `  - { job_name: ${JSON.stringify(job)}, static_configs: [{ targets: ${list(jobTargets)} }] }`),
    ].join('\n'),
  )
  const url = `http://127.0.0.1:${port}`
  const server = await spawnUntilReady(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    `${url}/-/ready`,
  )
  return {
    url,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`)
      const body = (await response.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
      if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`)
      return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }))
    },
    async stop() {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
