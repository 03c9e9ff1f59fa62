/**
 * How a row of the pair-state log (./pair-state.ts) holds its changes: a
 * blob of groups, each a rule and its label values followed by the changes
 * sharing them, each change its sequence number and time as float64, its
 * state as one letter, and its key as length-prefixed UTF-8. The JSON rows
 * this replaced cost 1.1 µs a change to stringify, more than SQLite took to
 * store them (bench/metrics.ts, README "Performance"); rows written in
 * either JSON format by earlier versions still load.
 */
import type { ForgottenKey, PairEntry, PairState } from './rules/pair-journal.js'

export const FORGOTTEN = 'forgotten'

/** One change as the log is folded: [seq, rule, key, state, atMs, labels]; also how the first JSON rows held each change. */
export type StoredChange = [seq: number, rule: string, key: string, state: PairState | typeof FORGOTTEN, atMs: number, labels: readonly string[]]

/** Changes of one rule whose entries share one labels array; a forgotten key has no labels. */
export interface ChangeGroup {
  rule: string
  labels: readonly string[]
  changes: Array<PairEntry | ForgottenKey>
}

const FORMAT = 1
const STATE_CODES = { pending: 'p', expired: 'e', completed: 'c', [FORGOTTEN]: 'f' } as const
const STATES_BY_CODE: Record<string, PairState | typeof FORGOTTEN> = { p: 'pending', e: 'expired', c: 'completed', f: FORGOTTEN }
/** Length prefix, seq and atMs, state: what a change takes besides its key. */
const CHANGE_BYTES = 4 + 8 + 8 + 1

/**
 * The second JSON format: groups of [rule, labels, then four values a change:
 * seq, key, state letter, atMs].
 */
interface GroupedJsonRow {
  groups: Array<[rule: string, labels: readonly string[], ...changes: Array<number | string>]>
}

/** The row for `groups`, which must hold at least one change. */
export function encodeRow(groups: readonly ChangeGroup[]): Buffer {
  // UTF-8 takes at most 3 bytes a UTF-16 unit: the bound is exact enough to write in one pass.
  let bound = 1
  for (const { rule, labels, changes } of groups) {
    bound += 4 + 3 * rule.length + 2 + 4
    for (const label of labels) bound += 4 + 3 * label.length
    for (const change of changes) bound += CHANGE_BYTES + 3 * change.key.length
  }
  const row = Buffer.allocUnsafe(bound)
  let at = 0
  const text = (value: string) => {
    const bytes = row.write(value, at + 4, 'utf8')
    row.writeUInt32LE(bytes, at)
    at += 4 + bytes
  }
  row[at++] = FORMAT
  for (const { rule, labels, changes } of groups) {
    text(rule)
    at = row.writeUInt16LE(labels.length, at)
    for (const label of labels) text(label)
    at = row.writeUInt32LE(changes.length, at)
    for (const change of changes) {
      const state = 'state' in change ? change : undefined
      at = row.writeDoubleLE(change.seq, at)
      at = row.writeDoubleLE(state?.atMs ?? 0, at)
      row[at++] = STATE_CODES[state?.state ?? FORGOTTEN].charCodeAt(0)
      text(change.key)
    }
  }
  return row.subarray(0, at)
}

/** The changes of a stored row: a blob, or JSON text from an earlier version. */
export function* changesOfRow(row: string | Buffer): Iterable<StoredChange> {
  if (typeof row === 'string') return yield* changesOfJson(row)
  if (row[0] !== FORMAT) throw new Error(`pair state row of unknown format ${row[0]}`)
  let at = 1
  const text = () => {
    const end = at + 4 + row.readUInt32LE(at)
    const value = row.toString('utf8', at + 4, end)
    at = end
    return value
  }
  while (at < row.length) {
    const rule = text()
    const labels = Array.from({ length: row.readUInt16LE(at) }, () => '')
    at += 2
    for (let i = 0; i < labels.length; i++) labels[i] = text()
    const count = row.readUInt32LE(at)
    at += 4
    for (let i = 0; i < count; i++) {
      const seq = row.readDoubleLE(at)
      const atMs = row.readDoubleLE(at + 8)
      const state = STATES_BY_CODE[String.fromCharCode(row[at + 16]!)]
      if (state === undefined) throw new Error(`pair state row holds an unknown state ${row[at + 16]}`)
      at += 17
      yield [seq, rule, text(), state, atMs, labels]
    }
  }
}

function* changesOfJson(text: string): Iterable<StoredChange> {
  const row = JSON.parse(text) as StoredChange[] | GroupedJsonRow
  if (Array.isArray(row)) return yield* row
  for (const [rule, labels, ...flat] of row.groups) {
    for (let i = 0; i < flat.length; i += 4) {
      yield [flat[i] as number, rule, flat[i + 1] as string, STATES_BY_CODE[flat[i + 2] as string]!, flat[i + 3] as number, labels]
    }
  }
}
