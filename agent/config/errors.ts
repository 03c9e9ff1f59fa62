/**
 * Config errors as people read them: one line per problem, each starting with
 * the path of the field at fault (`sinks.loki.endpiont: unknown key, did you
 * mean "endpoint"?`), all of them at once rather than the first.
 */
import type { z } from 'zod'

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid config (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('') || '(root)'
}

/** One readable line per zod issue, path first. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], knownKeys: (path: readonly PropertyKey[]) => string[] = () => []): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = [...issue.path, key]
        const suggestion = closest(key, knownKeys(issue.path))
        return `${formatPath(path)}: unknown key${suggestion ? `, did you mean "${suggestion}"?` : ''}`
      })
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // A discriminated union reports every branch; the branch matching `type` is the useful one.
      const best = issue.errors.reduce((a, b) => (a.length <= b.length ? a : b))
      return describeIssues(best, knownKeys)
    }
    return [`${formatPath(issue.path)}: ${issue.message}`]
  })
}

/** The known key within edit distance 2 of a typo, if any. */
function closest(typo: string, candidates: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined
  for (const key of candidates) {
    const distance = editDistance(typo.toLowerCase(), key.toLowerCase())
    if (distance <= 2 && (!best || distance < best.distance)) best = { key, distance }
  }
  return best?.key
}

function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      // Adjacent transposition counts as one edit: "endpiont" is one slip from "endpoint".
      const transposition =
        i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] ? beforePrevious[j - 2]! + 1 : Infinity
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution, transposition)
    }
    beforePrevious = previous
    previous = current
  }
  return previous[b.length]!
}
