/**
 * A real Alertmanager (Debian's `prometheus-alertmanager`) on a free
 * loopback port, clustering off, for routing/inhibition and doctor tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './prometheus.js'
import { spawnUntilReady } from './spawn-ready.js'

export interface AlertmanagerProcess {
  readonly url: string
  /** The directory holding its config; secret files can be written here. */
  readonly dir: string
  /** POST /api/v2/alerts. */
  post(alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[]): Promise<void>
  /** GET /api/v2/alerts: labels and inhibiting fingerprints of each alert. */
  alerts(): Promise<{ labels: Record<string, string>; fingerprint: string; status: { inhibitedBy: string[]; state: string } }[]>
  stop(): Promise<void>
}

/** `config` is the YAML text; `secrets` are written into the directory first (name → content). */
export async function startAlertmanager(config: (dir: string) => string, secrets: Record<string, string> = {}): Promise<AlertmanagerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-alertmanager-'))
  for (const [name, content] of Object.entries(secrets)) writeFileSync(join(dir, name), content, { mode: 0o600 })
  writeFileSync(join(dir, 'alertmanager.yml'), config(dir))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const server = await spawnUntilReady(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    `${url}/-/ready`,
  )
  return {
    url,
    dir,
    async post(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) })
      if (!response.ok) throw new Error(`POST /api/v2/alerts: ${response.status} ${await response.text()}`)
    },
    async alerts() {
      return (await (await fetch(`${url}/api/v2/alerts`)).json()) as Awaited<ReturnType<AlertmanagerProcess['alerts']>>
    },
    async stop() {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
