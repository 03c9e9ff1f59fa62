/**
 * Dashboards as code: builds every dashboard with Grafana's Foundation SDK
 * and writes grafana/dashboards/<uid>.json. The committed JSON is what
 * Grafana provisions; test/grafana/dashboards.test.ts fails when it differs
 * from what this code builds. Run after a change: `npm run dashboards`.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { harvestFreshness } from './src/harvest-freshness.js'
import { logAggregation } from './src/log-aggregation.js'
import { safetyTelemetry } from './src/safety-telemetry.js'

/** Every dashboard: its file name in grafana/dashboards/ and its JSON text. */
export function dashboards(): { file: string; json: string }[] {
  return [safetyTelemetry(), logAggregation(), harvestFreshness()].map((builder) => {
    const dashboard = builder.build()
    return { file: `${dashboard.uid}.json`, json: `${JSON.stringify(dashboard, null, 2)}\n` }
  })
}

// Run as dist/grafana/generate.js [DIR] (npm run dashboards): writes into DIR, by default the sources' grafana/dashboards/.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? fileURLToPath(new URL('../../grafana/dashboards/', import.meta.url))
  for (const { file, json } of dashboards()) {
    writeFileSync(join(dir, file), json)
    process.stdout.write(`wrote ${join(dir, file)}\n`)
  }
}
