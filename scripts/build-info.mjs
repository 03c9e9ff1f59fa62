// Written by `npm run build`: what the build knows about itself, for
// `threadline --version` and the exporters' build_info. A build outside a git
// checkout (a tarball) says "unknown" rather than guessing.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'unknown'
  }
}

const info = {
  git: process.env.THREADLINE_GIT_COMMIT || gitCommit(),
  deployment: process.env.THREADLINE_DEPLOYMENT || 'unknown',
  built_at: new Date().toISOString(),
}
writeFileSync(new URL('../dist/build-info.json', import.meta.url), `${JSON.stringify(info)}\n`)
