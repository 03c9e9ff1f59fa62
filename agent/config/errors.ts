/**
 * Config errors as people read them: one line per problem, each starting with
 * the path of the field at fault (`sinks.loki.endpiont: unknown key, did you
 * mean "endpoint"?`), all of them at once rather than the first.
 */
import type { z } from 'zod'
import { closest } from '../core/closest.js'

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
