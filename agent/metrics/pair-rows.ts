/**
 * How a row of the pair-state log (./pair-state.ts) holds its changes. The
 * journal writes each change into the row's bytes as it happens
 * (`RowWriter`), so a batch's changes cost no object each, no map to
 * coalesce them and no pass to encode them (README, "Performance"):
 *
 * - byte 0: the format, 3;
 * - then records: a group (`G`, its rule and label values, as UTF-8 with a
 *   u32 length, a u16 count before the values), numbered from 0 in the row
 *   the first time a change of it is written there; a change (its state as
 *   one letter, the u32 number of its group, its sequence number and time as
 *   float64, then its key: as UTF-8 with a u32 length, or, when the key is a
 *   lower-case UUID and the letter has its high bit set, as the UUID's 16
 *   bytes); or a forgetting (`F`, its sequence number and the number of the
 *   change it forgets, as float64).
 *
 * A start completed in the batch that opened it is written once, its record
 * restated in place (`restate`); any other later change of a key follows its
 * earlier one, and the log is folded by sequence number when it loads. A
 * forgetting names the change it forgets by number, not by key: the change a
 * memory drops is always its key's newest when it was made, so a later
 * change of the key outlives it. Rows of formats 2 and 1 (forgettings by
 * key) and of the JSON formats before them, written by earlier versions,
 * still load.
 */
import type { PairState } from './rules/pair-journal.js'

export const FORGOTTEN = 'forgotten'
export type StoredState = PairState | typeof FORGOTTEN

/**
 * One change as the log is folded: [seq, rule, key, state, atMs, labels]; also
 * how the first JSON rows held each change. A `forgotten` change, written by
 * earlier versions, forgets its key's changes numbered up to its atMs.
 */
export type StoredChange = [seq: number, rule: string, key: string, state: StoredState, atMs: number, labels: readonly string[]]

/** A forgetting of format 3: [seq, the number of the change it forgets]. */
export type StoredForgetting = [seq: number, forgets: number]

export const isForgetting = (record: StoredChange | StoredForgetting): record is StoredForgetting => record.length === 2

const FORMAT = 3
const KEYED_FORGETTING_FORMAT = 2
const GROUPED_FORMAT = 1
const GROUP = 0x47 // 'G'
const FORGETTING = 0x46 // 'F'
/** Set on a change's state letter when its key is written as a UUID's 16 bytes. */
const UUID_KEY = 0x80
/** A state's letter: one byte in the blob formats, one character in the grouped JSON format. */
const STATE_LETTERS: Record<StoredState, string> = { pending: 'p', expired: 'e', completed: 'c', [FORGOTTEN]: 'f' }
const STATE_CODES = Object.fromEntries(Object.entries(STATE_LETTERS).map(([state, letter]) => [state, letter.charCodeAt(0)])) as Record<StoredState, number>
const STATES_BY_CODE = Object.fromEntries(Object.entries(STATE_CODES).map(([state, code]) => [code, state])) as Record<number, StoredState | undefined>
/** State, group, seq and atMs, the key's length prefix: what a change takes besides its key. */
const CHANGE_BYTES = 1 + 4 + 8 + 8 + 4
const FORGETTING_BYTES = 1 + 8 + 8
const UUID_LENGTH = 36
const UUID_HYPHENS = [8, 13, 18, 23]
/** Where each of a UUID's 16 bytes starts in its text: two hex digits, skipping the hyphens. */
const UUID_HEX_PAIRS = Uint8Array.from([0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34])
/** A lower-case hex digit's value by its character code; -1 for any other character. */
const HEX_VALUES = Int8Array.from({ length: 128 }, (_, code) => '0123456789abcdef'.indexOf(String.fromCharCode(code)))
const INITIAL_BYTES = 16 * 1024

/**
 * A rule and its label values, as the changes of one series are written
 * under them; its holder keeps it (a pair series holds its own), so a change
 * costs no lookup. `row` is the number of the row it was last defined in,
 * `index` its number there.
 */
export class RowGroup {
  row = 0
  index = 0
  constructor(
    readonly rule: string,
    readonly labels: readonly string[],
  ) {}
}

/** Rows begun in this process: a row's number is unique across writers, so a group defined by another writer is never taken as defined in this one's row. */
let rowsBegun = 0

/** Writes changes into one row's bytes; `take()` hands the row over and starts the next. */
export class RowWriter {
  private bytes = Buffer.allocUnsafe(INITIAL_BYTES)
  private view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength)
  private at = 0
  private row = ++rowsBegun
  private groupsInRow = 0
  private newest = 0

  /** The number of the row being written; it changes with every `take()`. */
  get rowNumber(): number {
    return this.row
  }

  /** Appends a change of `group`. Returns where it starts in the row, for `restate`. */
  change(group: RowGroup, state: PairState, seq: number, atMs: number, key: string): number {
    if (group.row !== this.row) this.define(group)
    // UTF-8 takes at most 3 bytes a UTF-16 unit: the bound is exact enough to write in one pass.
    this.room(CHANGE_BYTES + 3 * key.length)
    const view = this.view
    const at = this.at
    view.setUint32(at + 1, group.index, true)
    view.setFloat64(at + 5, seq, true)
    view.setFloat64(at + 13, atMs, true)
    this.at = at + 21
    let code = STATE_CODES[state]
    if (this.uuid(key)) code |= UUID_KEY
    else this.text(key)
    this.bytes[at] = code
    if (seq > this.newest) this.newest = seq
    return at
  }

  /** Appends the forgetting of the change numbered `forgets`. */
  forgetting(seq: number, forgets: number): void {
    this.room(FORGETTING_BYTES)
    const at = this.at
    this.bytes[at] = FORGETTING
    this.view.setFloat64(at + 1, seq, true)
    this.view.setFloat64(at + 9, forgets, true)
    this.at = at + FORGETTING_BYTES
    if (seq > this.newest) this.newest = seq
  }

  /** Gives the change written at `at` in this row a new state, sequence number and time: the same key's later change, in its place. */
  restate(at: number, state: PairState, seq: number, atMs: number): void {
    this.bytes[at] = STATE_CODES[state] | (this.bytes[at]! & UUID_KEY)
    this.view.setFloat64(at + 5, seq, true)
    this.view.setFloat64(at + 13, atMs, true)
    if (seq > this.newest) this.newest = seq
  }

  /** The row written since the last call (a copy), with its newest sequence number; undefined when no change was written. */
  take(): { row: Buffer; newestSeq: number } | undefined {
    if (this.at === 0) return undefined
    const row = Buffer.allocUnsafe(this.at)
    row.set(this.written())
    const taken = { row, newestSeq: this.newest }
    this.at = 0
    this.row = ++rowsBegun
    this.groupsInRow = 0
    this.newest = 0
    return taken
  }

  /** Writes a group's record into this row. */
  private define(group: RowGroup): void {
    let bound = 1 + 4 + 3 * group.rule.length + 2
    for (const label of group.labels) bound += 4 + 3 * label.length
    this.room(bound)
    this.bytes[this.at++] = GROUP
    this.text(group.rule)
    this.view.setUint16(this.at, group.labels.length, true)
    this.at += 2
    for (const label of group.labels) this.text(label)
    group.row = this.row
    group.index = this.groupsInRow++
  }

  /**
   * Writes `key` as its 16 bytes when it is a lower-case UUID, as the SDK's
   * correlation ids are: a change then takes 37 bytes, not 61 (README,
   * "Performance"). False, having written nothing that counts, for any other key.
   */
  private uuid(key: string): boolean {
    if (key.length !== UUID_LENGTH) return false
    for (const at of UUID_HYPHENS) if (key.charCodeAt(at) !== 0x2d) return false
    const { bytes } = this
    for (let i = 0; i < UUID_HEX_PAIRS.length; i++) {
      const at = UUID_HEX_PAIRS[i]!
      const high = HEX_VALUES[key.charCodeAt(at)] ?? -1
      const low = HEX_VALUES[key.charCodeAt(at + 1)] ?? -1
      if (high < 0 || low < 0) return false
      bytes[this.at + i] = (high << 4) | low
    }
    this.at += UUID_HEX_PAIRS.length
    return true
  }

  /**
   * A length-prefixed UTF-8 string. ASCII, which pairing keys nearly always
   * are (UUIDs), is copied by a loop: Buffer#write is a call into C++, and its
   * crossing cost more than the copy (5 % of the engine's time, `perf`).
   */
  private text(value: string): void {
    const { bytes } = this
    const from = this.at + 4
    let written = value.length
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i)
      if (code >= 0x80) {
        written = bytes.write(value, from, 'utf8')
        break
      }
      bytes[from + i] = code
    }
    this.view.setUint32(this.at, written, true)
    this.at = from + written
  }

  /**
   * The bytes written so far, as a view for TypedArray#set: a copy by V8's
   * built-ins. Buffer#copy here gave V8 the journal's Buffers and SQLite's
   * (another map) at one site, and it compiled Buffer#copy again for both.
   */
  private written(): Uint8Array {
    return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.at)
  }

  /** Room for a record of at most `bytes`, after the format byte when it is the row's first. */
  private room(bytes: number): void {
    if (this.at + bytes + 1 > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.at + bytes + 1))
      grown.set(this.written())
      this.bytes = grown
      this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength)
    }
    if (this.at === 0) this.bytes[this.at++] = FORMAT
  }
}

/** The records of a stored row: a blob of format 3, 2 or 1, or JSON text from an earlier version. */
export function* changesOfRow(row: string | Buffer): Iterable<StoredChange | StoredForgetting> {
  if (typeof row === 'string') return yield* changesOfJson(row)
  const reader = new RowReader(row)
  if (row[0] === FORMAT || row[0] === KEYED_FORGETTING_FORMAT) return yield* reader.records()
  if (row[0] === GROUPED_FORMAT) return yield* reader.groupedChanges()
  throw new Error(`pair state row of unknown format ${row[0]}`)
}

class RowReader {
  private at = 1

  constructor(private readonly row: Buffer) {}

  /** Formats 3 and 2: format 2 has no forgetting records and no UUID keys, so its rows read alike. */
  *records(): Iterable<StoredChange | StoredForgetting> {
    const groups: Array<{ rule: string; labels: string[] }> = []
    while (this.at < this.row.length) {
      const record = this.row[this.at]!
      if (record === GROUP) {
        this.at++
        groups.push({ rule: this.text(), labels: this.labels() })
        continue
      }
      if (record === FORGETTING) {
        const forgetting: StoredForgetting = [this.row.readDoubleLE(this.at + 1), this.row.readDoubleLE(this.at + 9)]
        this.at += FORGETTING_BYTES
        yield forgetting
        continue
      }
      const uuidKey = (record & UUID_KEY) !== 0
      const state = this.state(record & ~UUID_KEY)
      const index = this.row.readUInt32LE(this.at)
      const group = groups[index]
      if (group === undefined) throw new Error(`pair state row names group ${index} before defining it`)
      const seq = this.row.readDoubleLE(this.at + 4)
      const atMs = this.row.readDoubleLE(this.at + 12)
      this.at += 20
      yield [seq, group.rule, uuidKey ? this.uuid() : this.text(), state, atMs, group.labels]
    }
  }

  /** Format 1: groups, each its rule, labels and count, then its changes (seq, atMs, state, key). */
  *groupedChanges(): Iterable<StoredChange> {
    while (this.at < this.row.length) {
      const rule = this.text()
      const labels = this.labels()
      const count = this.row.readUInt32LE(this.at)
      this.at += 4
      for (let i = 0; i < count; i++) {
        const seq = this.row.readDoubleLE(this.at)
        const atMs = this.row.readDoubleLE(this.at + 8)
        this.at += 16
        const state = this.state(this.row[this.at]!)
        yield [seq, rule, this.text(), state, atMs, labels]
      }
    }
  }

  private state(code: number): StoredState {
    const state = STATES_BY_CODE[code]
    if (state === undefined) throw new Error(`pair state row holds an unknown state ${code}`)
    this.at++
    return state
  }

  private uuid(): string {
    const hex = this.row.toString('hex', this.at, this.at + 16)
    this.at += 16
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }

  private labels(): string[] {
    const labels = Array.from({ length: this.row.readUInt16LE(this.at) }, () => '')
    this.at += 2
    for (let i = 0; i < labels.length; i++) labels[i] = this.text()
    return labels
  }

  private text(): string {
    const end = this.at + 4 + this.row.readUInt32LE(this.at)
    const value = this.row.toString('utf8', this.at + 4, end)
    this.at = end
    return value
  }
}

/**
 * The second JSON format: groups of [rule, labels, then four values a change:
 * seq, key, state letter, atMs].
 */
interface GroupedJsonRow {
  groups: Array<[rule: string, labels: readonly string[], ...changes: Array<number | string>]>
}

function* changesOfJson(text: string): Iterable<StoredChange> {
  const row = JSON.parse(text) as StoredChange[] | GroupedJsonRow
  if (Array.isArray(row)) return yield* row
  for (const [rule, labels, ...flat] of row.groups) {
    for (let i = 0; i < flat.length; i += 4) {
      yield [flat[i] as number, rule, flat[i + 1] as string, STATES_BY_CODE[(flat[i + 2] as string).charCodeAt(0)]!, flat[i + 3] as number, labels]
    }
  }
}
