/**
 * What this build is: the package version, and the git commit and deployment
 * that `npm run build` recorded in dist/build-info.json (scripts/build-info.mjs).
 * Each is "unknown" when the build could not tell, never a guess.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface BuildInfo {
  version: string
  git: string
  deployment: string
}

let cached: BuildInfo | undefined

export function buildInfo(): BuildInfo {
  cached ??= readBuildInfo()
  return cached
}

function readBuildInfo(): BuildInfo {
  const root = packageRoot(dirname(fileURLToPath(import.meta.url)))
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }
  const recorded = join(root, 'dist', 'build-info.json')
  const built = existsSync(recorded) ? (JSON.parse(readFileSync(recorded, 'utf8')) as Partial<BuildInfo>) : {}
  return { version: pkg.version ?? 'unknown', git: built.git ?? 'unknown', deployment: built.deployment ?? 'unknown' }
}

/** The nearest folder above `from` holding threadline's package.json: the same from agent/core and dist/agent/core. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json')
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'threadline') return dir
    if (dirname(dir) === dir) throw new Error(`threadline's package.json not found above ${from}`)
  }
}
