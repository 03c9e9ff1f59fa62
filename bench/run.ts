/**
 * `npm run bench`: runs each benchmark in turn (never in parallel: they would
 * share the two cores) and prints ratios measured within this one run.
 */
import type { Benchmark, BenchResult } from './result.js'

const modules: Record<string, () => Promise<{ run: Benchmark }>> = {
  sdk: () => import('./sdk.js'),
  transforms: () => import('./transforms.js'),
  metrics: () => import('./metrics.js'),
  agent: () => import('./agent.js'),
  plugins: () => import('./plugins.js'),
  transport: () => import('./transport.js'),
}

const only = process.argv.slice(2)
const results: BenchResult[] = []
for (const [name, load] of Object.entries(modules)) {
  if (only.length > 0 && !only.includes(name)) continue
  const { run } = await load()
  for (const result of await run()) {
    results.push(result)
    const verdict = result.met ? 'met' : 'MISSED'
    console.log(`${result.name}: ${result.ratio.toFixed(3)} (target ${result.target}, ${verdict})  ${result.details}`)
  }
}
process.exitCode = results.every((r) => r.met) ? 0 : 1
