/**
 * Prints the doctor's findings: a table a person reads at a glance (status,
 * check, what it saw; the fix under each warning and failure; colour only on
 * a terminal and never with NO_COLOR), or one JSON document for machines.
 */
import type { CheckResult, Status } from './types.js'

const COLOUR: Record<Status, string> = { pass: '\x1b[32m', warn: '\x1b[33m', fail: '\x1b[31m' }
const LABEL: Record<Status, string> = { pass: 'ok', warn: 'WARN', fail: 'FAIL' }
const RESET = '\x1b[0m'
const DIM = '\x1b[2m'

export function summary(results: readonly CheckResult[]): Record<Status, number> {
  const counts: Record<Status, number> = { pass: 0, warn: 0, fail: 0 }
  for (const result of results) counts[result.status]++
  return counts
}

export function renderTable(results: readonly CheckResult[], { colour }: { colour: boolean }): string {
  const paint = (code: string, text: string) => (colour ? `${code}${text}${RESET}` : text)
  const width = Math.max(...results.map((r) => r.name.length))
  const rows = results.map((r) => {
    const status = paint(COLOUR[r.status], LABEL[r.status].padEnd(4))
    const row = `${status}  ${r.name.padEnd(width)}  ${r.saw}`
    return r.fix ? `${row}\n${' '.repeat(width + 8)}${paint(DIM, `fix: ${r.fix}`)}` : row
  })
  const { pass, warn, fail } = summary(results)
  const total = `${pass} ok, ${warn} ${warn === 1 ? 'warning' : 'warnings'}, ${fail} failed`
  return `${rows.join('\n')}\n\n${paint(fail > 0 ? COLOUR.fail : warn > 0 ? COLOUR.warn : COLOUR.pass, total)}\n`
}

export function renderJson(results: readonly CheckResult[]): string {
  return `${JSON.stringify({ ok: summary(results).fail === 0, summary: summary(results), checks: results })}\n`
}

/** 0 when nothing failed (warnings included), 1 otherwise. */
export const exitStatus = (results: readonly CheckResult[]) => (summary(results).fail > 0 ? 1 : 0)
