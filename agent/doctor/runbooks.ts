/**
 * Where an alert's runbook_url points inside the shipped `runbooks/` folder,
 * and which anchors a runbook page has. Used by `threadline doctor` ("a
 * runbook exists for every loaded alert") and by the test that every rule's
 * runbook_url resolves, so both agree on what "resolves" means.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The base every shipped runbook_url starts with. Teams that host the
 * runbooks elsewhere replace it in the rule files; doctor then matches on the
 * `runbooks/<page>.md#anchor` tail, which stays the same.
 */
export const RUNBOOK_BASE = 'https://github.com/threadline/threadline/blob/main/runbooks/'

export interface RunbookTarget {
  /** The page inside runbooks/, e.g. `safety.md`. */
  page: string
  anchor: string
}

/** The page and anchor of a runbook_url, or undefined when it does not point into a runbooks/ folder. */
export function runbookTarget(url: string): RunbookTarget | undefined {
  const match = /(?:^|\/)runbooks\/([\w.-]+\.md)#([\w-]+)$/.exec(url)
  return match ? { page: match[1]!, anchor: match[2]! } : undefined
}

/**
 * GitHub's anchor of a Markdown heading: lower case, punctuation other than
 * `-` and `_` removed, spaces to `-` (github-slugger).
 */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** Every heading anchor of a Markdown page (fenced code skipped). */
export function pageAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced
    const heading = fenced ? undefined : /^#{1,6}\s+(.*)$/.exec(line)
    if (heading) anchors.add(headingAnchor(heading[1]!))
  }
  return anchors
}

/** Why a runbook_url does not resolve in `dir`, or undefined when it does. */
export function runbookProblem(dir: string, url: string | undefined): string | undefined {
  if (!url) return 'no runbook_url annotation'
  const target = runbookTarget(url)
  if (!target) return `runbook_url ${url} does not point to runbooks/<page>.md#<anchor>`
  const file = join(dir, target.page)
  if (!existsSync(file)) return `no page ${target.page} in ${dir}`
  if (!pageAnchors(readFileSync(file, 'utf8')).has(target.anchor)) return `${target.page} has no section #${target.anchor}`
  return undefined
}

/**
 * The runbooks/ folder shipped with this package (package.json's "files"):
 * found by walking up from this module, which sits at agent/doctor/ in the
 * sources and dist/agent/doctor/ once built.
 */
export function shippedRunbooksDir(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'runbooks'))) return join(dir, 'runbooks')
    if (dirname(dir) === dir) return undefined
  }
}
