/**
 * The running agent loads neither zod nor yaml: the config is validated in a
 * child process (agent/config/load-in-child.ts), and the two libraries with
 * every schema cost the agent about 6 MB of RSS for its whole life (README,
 * "Performance"). Walks the static imports of the built modules `threadline
 * agent` runs, as node would load them.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const DIST = fileURLToPath(new URL('../../../dist/', import.meta.url))
const IMPORT = /^(?:import|export)\s[^'"]*?\sfrom\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm

/** Every package the modules reachable from `roots` import, each with the chain of files that reaches it; and the modules (relative to dist). */
function reachedFrom(roots: string[]): { packages: Map<string, string[]>; modules: Set<string> } {
  const packages = new Map<string, string[]>()
  const seen = new Set<string>()
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return
    seen.add(file)
    const here = [...chain, relative(DIST, file)]
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2])!
      if (specifier.startsWith('.')) walk(resolve(dirname(file), specifier), here)
      else if (!specifier.startsWith('node:')) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!
        if (!packages.has(name)) packages.set(name, here)
      }
    }
  }
  for (const root of roots) walk(resolve(DIST, root), [])
  return { packages, modules: new Set([...seen].map((file) => relative(DIST, file))) }
}

const packagesReachedFrom = (roots: string[]) => reachedFrom(roots).packages

t.test('threadline agent, its log pipeline and its plugins import neither zod nor yaml', async (t) => {
  const packages = packagesReachedFrom(['agent/cli/threadline.js', 'agent/main.js', 'agent/agent.js', 'agent/plugins-agent.js'])
  t.ok(packages.has('better-sqlite3') && packages.has('pino'), 'the walk reaches the packages the agent does use')
  for (const name of ['zod', 'yaml']) t.notOk(packages.get(name), `${name} is not imported (imported through: ${packages.get(name)?.join(' → ')})`)
})

t.test('the config child does load them', async (t) => {
  const packages = packagesReachedFrom(['agent/config/load-child.js'])
  t.ok(packages.has('zod') && packages.has('yaml'))
})

t.test('source and plugin types are loaded when a config names them, not with the agent', async (t) => {
  const { modules } = reachedFrom(['agent/cli/threadline.js', 'agent/main.js', 'agent/agent.js', 'agent/plugins-agent.js'])
  t.ok(modules.has('agent/sources/index.js') && modules.has('agent/plugins/index.js'), 'the registries are reached')
  for (const module of ['agent/sources/file/source.js', 'agent/sources/stdin.js', 'agent/sources/docker/source.js', 'agent/sources/journald/source.js', 'agent/plugins/harvest/plugin.js', 'agent/plugins/safety-telemetry/plugin.js']) {
    t.notOk(modules.has(module), `${module} is not imported statically`)
  }
})
