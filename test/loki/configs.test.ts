/**
 * loki/ and promtail/: the configs parse, say what the issue asks (Loki 3.x:
 * tsdb, schema v13, 30-day retention by the compactor, 50 MB/s; 2.x keys in
 * the 2.x file), and Loki's limits fit the agent's own defaults so nothing
 * it sends gets a 400. Loki and promtail are not installable here, so this
 * is a structural check, not a start-up.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AgentConfig } from '../../agent/config/schema.js'
import { readYaml, ROOT } from '../support/ops-files.js'

type Loki = {
  schema_config: { configs: { store: string; schema: string; object_store: string }[] }
  limits_config: Record<string, string | number | boolean>
  compactor: Record<string, string | boolean>
  ruler: { storage: { local: { directory: string } }; alertmanager_url: string }
  storage_config?: { tsdb_shipper?: { shared_store?: string } }
  server: { http_listen_address: string }
}

/** Loki's ByteSize: KB/MB are binary (flagext.ByteSize uses humanize.ParseBytes-like KiB). */
const bytes = (size: string | number) => {
  const match = /^(\d+)\s*(KB|MB|GB)?$/i.exec(String(size))!
  return Number(match[1]) * ({ KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[match[2]?.toUpperCase() as 'KB'] ?? 1)
}
const hours = (duration: string) => Number(/^(\d+)h$/.exec(duration)![1])

const v3 = readYaml<Loki>('loki/loki-config.yml')
const v2 = readYaml<Loki>('loki/loki-2.x-config.yml')

t.test('Loki 3.x: tsdb, schema v13, 30 days through the compactor, 50 MB/s', async (t) => {
  t.match(v3.schema_config.configs.at(-1), { store: 'tsdb', schema: 'v13' })
  t.equal(hours(v3.limits_config.retention_period as string), 30 * 24)
  t.match(v3.compactor, { retention_enabled: true, delete_request_store: 'filesystem' })
  t.notOk('shared_store' in v3.compactor, 'shared_store was removed in 3.0')
  t.equal(v3.limits_config.ingestion_rate_mb, 50)
  t.equal(v3.server.http_listen_address, '127.0.0.1')
})

t.test('Loki 2.x: the same intent in 2.x keys', async (t) => {
  t.match(v2.schema_config.configs.at(-1), { store: 'tsdb' })
  t.equal(v2.compactor.shared_store, 'filesystem')
  t.equal(v2.storage_config?.tsdb_shipper?.shared_store, 'filesystem')
  for (const key of ['retention_period', 'ingestion_rate_mb', 'max_line_size', 'reject_old_samples_max_age', 'per_stream_rate_limit']) {
    t.equal(v2.limits_config[key], v3.limits_config[key], `${key} as in 3.x`)
  }
})

t.test("Loki's limits fit the agent's defaults", async (t) => {
  const agent = AgentConfig.parse({})
  for (const loki of [v3, v2]) {
    t.ok(bytes(loki.limits_config.max_line_size as string) >= agent.transforms.max_line_bytes, 'max_line_size ≥ the agent\'s max_line_bytes')
    t.ok(hours(loki.limits_config.reject_old_samples_max_age as string) * 3_600_000 >= agent.transforms.max_entry_age, 'reject_old_samples_max_age ≥ max_entry_age')
    t.equal(loki.limits_config.creation_grace_period, '10m', 'the 10 minutes the agent allows into the future')
    t.ok(Number(loki.limits_config.max_label_names_per_series) >= 15, 'service, level, event and 12 static labels')
    t.ok(Number(loki.limits_config.ingestion_burst_size_mb) >= 4, 'a full 4 MiB push fits the burst')
  }
})

t.test('the ruler loads rules/loki and alerts through the same Alertmanager', async (t) => {
  for (const loki of [v3, v2]) {
    t.equal(loki.ruler.storage.local.directory, '/etc/loki/rules')
    t.equal(loki.ruler.alertmanager_url, readYaml<{ ruler: { alertmanager_url: string } }>('loki/loki-config.yml').ruler.alertmanager_url)
  }
  t.match(readFileSync(join(ROOT, 'rules/loki/threadline.rules.yml'), 'utf8'), /\/etc\/loki\/rules|ruler\.storage\.local\.directory/)
})

t.test('promtail and Alloy: quantum_* containers, JSON, labels level/service/event, correlation_id in the line', async (t) => {
  type Stage = Record<string, unknown>
  const promtail = readYaml<{ scrape_configs: { docker_sd_configs: { filters: { values: string[] }[] }[]; pipeline_stages: Stage[] }[] }>('promtail/promtail-config.yml')
  const job = promtail.scrape_configs[0]!
  t.strictSame(job.docker_sd_configs[0]!.filters[0]!.values, ['quantum_*'])
  t.ok(job.pipeline_stages.some((s) => 'json' in s))
  const labels = job.pipeline_stages.find((s) => 'labels' in s)!.labels as Record<string, null>
  t.strictSame(Object.keys(labels).sort(), ['event', 'level', 'service'])
  const promtailText = readFileSync(join(ROOT, 'promtail/promtail-config.yml'), 'utf8')
  t.match(promtailText, /end of life in 2026-03/i)
  const alloy = readFileSync(join(ROOT, 'promtail/config.alloy'), 'utf8')
  t.match(alloy, /values = \["quantum_\*"\]/)
  t.match(alloy, /stage\.json/)
  t.match(alloy, /stage\.labels \{\s*values = \{ level = "", service = "", event = "" \}/)
  t.notMatch(alloy + promtailText, /correlation_id\s*[:=]\s*""|correlation_id:\s*$/m, 'correlation_id is never a label')
  // Braces balance (outside strings): a cheap syntax check of the River/Alloy file.
  const depth = [...alloy.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\/.*$/gm, '')].reduce((d, c) => d + (c === '{' ? 1 : c === '}' ? -1 : 0), 0)
  t.equal(depth, 0)
})
