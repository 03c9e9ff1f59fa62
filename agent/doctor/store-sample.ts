/**
 * "Service logs are JSON and carry correlation_id": the newest lines in the
 * agent's store, per service, opened read-only (the running agent keeps
 * writing; a read-only WAL reader never blocks it). The agent stores every
 * line as read, so this sees exactly what the services wrote.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { decodeBatch, type BatchRow } from '../store/batch-rows.js'
import { fail, pass, warn, type CheckResult, type DoctorSettings } from './types.js'

export const SAMPLE_LINES = 500
const NAME = 'log format'
const FIX_JSON = 'log through the SDK (createLogger from "threadline"), or configure the service\'s logger to write one JSON object per line'
const FIX_CORRELATION = 'run request handlers inside withCorrelation / the SDK\'s HTTP middleware so lines carry correlation_id'

interface ServiceSample {
  lines: number
  json: number
  correlated: number
}

function classify(line: string): { json: boolean; correlated: boolean } {
  if (!line.trimStart().startsWith('{')) return { json: false, correlated: false }
  try {
    const value = JSON.parse(line) as unknown
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { json: false, correlated: false }
    const record = value as Record<string, unknown>
    const id = record.correlation_id ?? record.correlationId
    return { json: true, correlated: typeof id === 'string' && id.length > 0 }
  } catch {
    return { json: false, correlated: false }
  }
}

/** The newest `limit` lines of each service in the store at `path`. */
export function sampleStore(path: string, limit = SAMPLE_LINES): Map<string, ServiceSample> {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const services = new Map(db.prepare(`SELECT id, service FROM streams`).raw().all() as [number, string][])
    const rows: { service: string; line: string }[] = []
    const batches = db.prepare(`SELECT first_id AS firstId, count, read_at_ms AS readAtMs, meta, text FROM batches ORDER BY first_id DESC`)
    for (const batch of batches.iterate() as IterableIterator<BatchRow>) {
      const lines: { service: string; line: string }[] = []
      decodeBatch(batch, Math.max(0, batch.count - (limit - rows.length)), (_, { streamId, line }) => lines.push({ service: services.get(streamId)!, line }) > 0)
      rows.push(...lines.reverse())
      if (rows.length >= limit) break
    }
    const byService = new Map<string, ServiceSample>()
    for (const { service, line } of rows) {
      const sample = byService.get(service) ?? { lines: 0, json: 0, correlated: 0 }
      const { json, correlated } = classify(line)
      sample.lines++
      if (json) sample.json++
      if (correlated) sample.correlated++
      byService.set(service, sample)
    }
    return byService
  } finally {
    db.close()
  }
}

const share = (part: number, whole: number) => `${Math.round((100 * part) / whole)} %`

export function checkLogFormat({ dataDir }: Pick<DoctorSettings, 'dataDir'>): CheckResult {
  const path = join(dataDir, 'store.db')
  if (!existsSync(path)) return warn(NAME, `no agent store at ${path}`, 'pass the agent\'s --data-dir (or its --config) so the doctor can sample its lines')
  let samples: Map<string, ServiceSample>
  try {
    samples = sampleStore(path)
  } catch (error) {
    return fail(NAME, `cannot read ${path}: ${(error as Error).message}`, 'check the file\'s permissions (the doctor opens it read-only)')
  }
  if (samples.size === 0) return warn(NAME, `the store at ${path} holds no lines yet`, 'check the agent\'s sources: the "agent ready" row, and its --tail / sources')
  const entries = [...samples].sort(([a], [b]) => a.localeCompare(b))
  const notJson = entries.filter(([, s]) => s.json < s.lines)
  const uncorrelated = entries.filter(([, s]) => s.correlated === 0)
  const total = entries.reduce((sum, [, s]) => sum + s.lines, 0)
  const correlated = entries.reduce((sum, [, s]) => sum + s.correlated, 0)
  const describe = (list: typeof entries, what: (s: ServiceSample) => string) => list.map(([service, s]) => `${service} ${what(s)}`).join(', ')
  if (entries.some(([, s]) => s.json === 0)) {
    return fail(NAME, `not JSON: ${describe(notJson, (s) => `${s.lines - s.json} of ${s.lines}`)}`, FIX_JSON)
  }
  if (notJson.length > 0) return warn(NAME, `some lines are not JSON: ${describe(notJson, (s) => `${s.lines - s.json} of ${s.lines}`)}`, FIX_JSON)
  if (uncorrelated.length > 0) return warn(NAME, `no correlation_id in ${uncorrelated.map(([service]) => service).join(', ')} (newest ${total} lines)`, FIX_CORRELATION)
  return pass(NAME, `newest ${total} lines of ${entries.length} services: all JSON, ${share(correlated, total)} with correlation_id`)
}
