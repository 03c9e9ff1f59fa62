/**
 * The operations kit's files as data, for the tests of rules, runbooks and
 * dashboards: the repository root, every rule file and every alert in them.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** The folders the issue calls the operations folders. */
export const OPS_FOLDERS = ['rules', 'loki', 'promtail', 'grafana', 'runbooks'] as const

export interface Rule {
  file: string
  group: string
  alert?: string
  record?: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

/** Every file under `dir` (relative to the root), recursively, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name)
      if (entry.isDirectory()) walk(path)
      else out.push(relative(ROOT, path))
    }
  }
  walk(join(ROOT, dir))
  return out.sort()
}

export const readYaml = <T = unknown>(file: string): T => parse(readFileSync(join(ROOT, file), 'utf8')) as T

export const prometheusRuleFiles = () => filesUnder('rules/prometheus').filter((f) => f.endsWith('.rules.yml'))
export const prometheusTestFiles = () => filesUnder('rules/prometheus/tests').filter((f) => f.endsWith('.test.yml'))
export const lokiRuleFiles = () => filesUnder('rules/loki').filter((f) => f.endsWith('.rules.yml'))

/** Every rule of the given rule files, with its file and group. */
export function rulesOf(files: readonly string[]): Rule[] {
  return files.flatMap((file) =>
    readYaml<{ groups: { name: string; rules: Omit<Rule, 'file' | 'group'>[] }[] }>(file).groups.flatMap((group) =>
      group.rules.map((rule) => ({ ...rule, file, group: group.name })),
    ),
  )
}

export const alertsOf = (files: readonly string[]) => rulesOf(files).filter((rule) => rule.alert !== undefined)
