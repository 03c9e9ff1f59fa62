/**
 * The embedded store: every line with its entry time, stream labels, service,
 * level, event and correlation id, in one SQLite file, a row per committed
 * batch of lines (./batch-rows.ts) and a row per correlated line in the index. It is the durable buffer
 * between sources and sinks: a batch of lines and the source positions reached
 * after them commit in one transaction, and each sink reads on through its own
 * cursor, so a crash anywhere re-reads or re-sends but never loses a line.
 */
import { EventEmitter, once } from 'node:events'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { labelSetNumber, type Checkpoint, type LineFeed, type LogEvent, type MeasuredLines, type StoredLine } from '../core/types.js'
import { formatLabels } from '../../transports/loki/labels.js'
import { decodeBatch, batchAfter, eachLine, encodeBatch, measureBatch, type BatchRow, type BatchSpan } from './batch-rows.js'
import { RowLine } from './row-line.js'
import { BulkInsert } from './bulk-insert.js'
import { RecentLines } from './recent-lines.js'
import { migrate, segmentOf } from './schema.js'

/** A line as local queries (`threadline trace`) see it. */
export interface QueriedLine {
  id: number
  tsMs: number
  tsNanos: number
  service: string
  level: string
  event: string
  correlationId: string | null
  line: string
}

interface StreamRow {
  labels: string
  service: string
  level: string
  event: string
}

const CURSOR_PREFIX = 'cursor:'
/**
 * SQLite's own default page cache, per connection; better-sqlite3 raises it
 * to 16 MiB. Appends and cursor reads touch the newest pages only: measured,
 * the agent runs as fast with 2 MiB and its RSS is 15 MB lower.
 */
const PAGE_CACHE_KIB = 2000
/**
 * How often the WAL is copied into the database (`checkpointWal`). SQLite's
 * automatic checkpoint, which is turned off, runs in the committing
 * transaction, with an fsync, on every commit once the WAL passes 1,000
 * pages; and a sink reading all along keeps the WAL from restarting, so past
 * that mark every commit paid it. Once a second instead measured +15 % lines/s.
 */
export const WAL_CHECKPOINT_INTERVAL_MS = 1_000
/**
 * Line text kept in memory for the sinks (agent/store/recent-lines.ts): two
 * of Loki's default 1 MiB batches, so a sink keeping up reads SQLite rarely
 * while a push is in flight and the source goes on storing. Measured on the
 * 500k bench, 256 KiB, 1 MiB and 4 MiB all gave the same CPU per line
 * (within this machine's noise); more only holds lines longer.
 */
const RECENT_LINE_BYTES = 2 * 1024 * 1024

/** How far back `newestCorrelationId` looks, in lines: it scans the index's newest entries, not one segment a probe. */
const NEWEST_CORRELATION_REACH = 2 ** 15

export class Store implements LineFeed {
  readonly db: Database.Database
  private readonly streamIds = new Map<string, number>()
  private readonly streamsById = new Map<number, StreamRow>()
  /** Stream ids by the transforms' label set number (core/types.ts): an array index a line, not a hash lookup. */
  private readonly streamIdBySet: number[] = []
  private readonly appended = new EventEmitter()
  private readonly recent = new RecentLines(RECENT_LINE_BYTES)
  private newestId: number
  private readonly statements
  private readonly appendInTransaction: (
    events: readonly LogEvent[],
    checkpoints: readonly Checkpoint[],
    alsoInTransaction?: () => void,
  ) => BatchRow
  private readonly inTransaction: (work: () => void) => void

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    migrate(this.db)
    this.db.pragma(`cache_size = -${PAGE_CACHE_KIB}`)
    this.db.pragma('wal_autocheckpoint = 0')
    const spanColumns = `first_id AS firstId, count, read_at_ms AS readAtMs`
    const batchColumns = `${spanColumns}, meta, text`
    this.statements = {
      insertBatch: this.db.prepare(`INSERT INTO batches (first_id, count, read_at_ms, meta, text) VALUES (?, ?, ?, ?, ?)`),
      insertCorrelations: new BulkInsert(this.db, `INSERT OR IGNORE INTO correlations (segment, correlation_id, line_id, stream_id) VALUES`, 4),
      saveLastId: this.db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('last_line_id', ?)`),
      savedLastId: this.db.prepare(`SELECT value FROM meta WHERE key = 'last_line_id'`).pluck(),
      linesBefore: this.db.prepare(`SELECT coalesce(sum(count), 0) FROM batches WHERE first_id < ?`).pluck(),
      deleteBatchesBefore: this.db.prepare(`DELETE FROM batches WHERE first_id < ?`),
      deleteBatch: this.db.prepare(`DELETE FROM batches WHERE first_id = ?`),
      deleteSegmentsBefore: this.db.prepare(`DELETE FROM correlations WHERE segment < ?`),
      insertStream: this.db
        .prepare(
          `INSERT INTO streams (labels, service, level, event) VALUES (?, ?, ?, ?)
           ON CONFLICT (labels) DO UPDATE SET labels = labels RETURNING id`,
        )
        .pluck(),
      upsertCheckpoint: this.db.prepare(`INSERT OR REPLACE INTO checkpoints (key, value) VALUES (?, ?)`),
      getCheckpoint: this.db.prepare(`SELECT value FROM checkpoints WHERE key = ?`).pluck(),
      // The newest batch starting at or before a line id: the one holding it, when it reaches that far (see holding()).
      // Its span alone where the text is not needed: a batch's text is most of its row.
      spanAtOrBefore: this.db.prepare(`SELECT ${spanColumns} FROM batches WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1`),
      batchAtOrBefore: this.db.prepare(`SELECT ${batchColumns} FROM batches WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1`),
      batchesFrom: this.db.prepare(`SELECT ${batchColumns} FROM batches WHERE first_id >= ? ORDER BY first_id`),
      // The text only of schema 3's rows, whose lengths are not in UTF-8 bytes: typeof() reads no content.
      sizesFrom: this.db.prepare(
        `SELECT ${spanColumns}, meta, CASE WHEN typeof(text) = 'text' THEN text END AS text FROM batches WHERE first_id >= ? ORDER BY first_id`,
      ),
      lastId: this.db.prepare(`SELECT first_id + count - 1 FROM batches ORDER BY first_id DESC LIMIT 1`).pluck(),
      firstId: this.db.prepare(`SELECT min(first_id) FROM batches`).pluck(),
      lastIdReadBefore: this.db.prepare(`SELECT first_id + count - 1 FROM batches WHERE read_at_ms < ? ORDER BY read_at_ms DESC, first_id DESC LIMIT 1`).pluck(),
      streamRow: this.db.prepare(`SELECT labels, service, level, event FROM streams WHERE id = ?`),
      // One probe per segment, the segments enumerated by the CTE (a range over `segment` alone would scan it).
      byCorrelation: this.db
        .prepare(
          `WITH RECURSIVE probe(segment) AS (SELECT :first UNION ALL SELECT segment + 1 FROM probe WHERE segment < :last)
           SELECT line_id, stream_id FROM probe
           JOIN correlations ON correlations.segment = probe.segment AND correlations.correlation_id = :correlationId
           ORDER BY line_id LIMIT :limit`,
        )
        .raw(),
      newestCorrelationOf: this.db
        .prepare(
          `SELECT correlation_id FROM correlations JOIN streams ON streams.id = correlations.stream_id
           WHERE correlations.segment >= ? AND event = ? ORDER BY line_id DESC LIMIT 1`,
        )
        .pluck(),
    }
    this.appendInTransaction = this.db.transaction((events, checkpoints, alsoInTransaction) => {
      const readAtMs = Date.now()
      // Ids are given, not left to SQLite, which restarts at 1 once retention has emptied the table: a sink's cursor would skip the new lines.
      const firstId = this.newestId + 1
      const streamIds = this.indexLines(events, firstId)
      const row: BatchRow = { firstId, count: events.length, readAtMs, ...encodeBatch(events, streamIds) }
      if (row.count > 0) {
        this.statements.insertBatch.run(row.firstId, row.count, row.readAtMs, row.meta, row.text)
        this.statements.saveLastId.run(String(firstId + row.count - 1))
      }
      for (const { key, value } of checkpoints) this.statements.upsertCheckpoint.run(key, value)
      alsoInTransaction?.()
      return row
    })
    this.inTransaction = this.db.transaction((work: () => void) => work())
    for (const row of this.db.prepare(`SELECT id, labels, service, level, event FROM streams`).all() as ({ id: number } & StreamRow)[]) {
      this.streamIds.set(row.labels, row.id)
      this.streamsById.set(row.id, { labels: row.labels, service: row.service, level: row.level, event: row.event })
    }
    this.newestId = Math.max((this.statements.lastId.get() as number | null) ?? 0, Number(this.statements.savedLastId.get() ?? 0))
    this.appended.setMaxListeners(0)
  }

  /**
   * Stores events and source checkpoints in one transaction. `alsoInTransaction`
   * runs inside it too (the metrics engine persists its pending pairs there),
   * so lines, positions and derived state can never disagree after a crash.
   */
  append(events: readonly LogEvent[], checkpoints: readonly Checkpoint[] = [], alsoInTransaction?: () => void): void {
    // Taken from the inserts, once committed: a rolled-back batch leaves both alone.
    const row = this.appendInTransaction(events, checkpoints, alsoInTransaction)
    if (row.count > 0) {
      this.newestId = row.firstId + row.count - 1
      this.recent.add(row)
      this.appended.emit('lines')
    }
  }

  /**
   * Runs `work` in a transaction of its own: state committed with no lines,
   * such as pair timeouts found while the lines are quiet. Not through
   * append(): its empty arrays, of another shape than a source's batch,
   * made V8 throw away and compile again the batch path, one of the agent's
   * largest functions, in the first seconds of a catch-up.
   */
  commit(work: () => void): void {
    this.inTransaction(work)
  }

  /**
   * Copies the WAL's committed pages into the database file, so the next
   * commit can start the WAL over. PASSIVE: copies what no reader still needs
   * and never waits for one. The agent's main thread runs it every
   * WAL_CHECKPOINT_INTERVAL_MS; from a sink's thread instead it was no
   * faster and cost 4 MB more RSS.
   */
  checkpointWal(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)')
  }

  /**
   * Each line's stream id, with its correlation id indexed. The per-line loop
   * is kept out of the transaction's function: in it, V8 compiled that
   * function within the first batches, before the calls after the loop had
   * type feedback, and threw the code away at their first call
   * (bench/PERFORMANCE-LOG.md, 2026-12-06, tenth session).
   */
  private indexLines(events: readonly LogEvent[], firstId: number): number[] {
    const streamIds: number[] = new Array(events.length)
    const { insertCorrelations } = this.statements
    // A batch that failed half-way (disk full) left rows queued: they are retried with it, not before it.
    insertCorrelations.discard()
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!
      const streamId = this.streamId(event)
      streamIds[i] = streamId
      if (event.correlationId !== null) insertCorrelations.add(segmentOf(firstId + i), event.correlationId, firstId + i, streamId)
    }
    insertCorrelations.flush()
    return streamIds
  }

  private streamId({ labels, service, level, event }: LogEvent): number {
    const setNumber = labelSetNumber(labels)
    const known = setNumber === undefined ? undefined : this.streamIdBySet[setNumber]
    if (known !== undefined) return known
    const text = formatLabels(labels)
    let id = this.streamIds.get(text)
    if (id === undefined) {
      id = this.statements.insertStream.get(text, service, level, event) as number
      this.streamIds.set(text, id)
      this.streamsById.set(id, { labels: text, service, level, event })
    }
    if (setNumber !== undefined) this.streamIdBySet[setNumber] = id
    return id
  }

  checkpoint(key: string): string | undefined {
    return (this.statements.getCheckpoint.get(key) as string | undefined) ?? undefined
  }

  /** From memory while the lines are among the newest committed (a sink keeping up), else from SQLite. */
  readAfter(afterId: number, limit: number): StoredLine[] {
    const found: StoredLine[] = []
    for (const row of this.rowsAfter(afterId, this.statements.batchesFrom)) {
      const from = Math.max(0, afterId + 1 - row.firstId)
      const { text, readAtMs } = row
      if (typeof text === 'string') {
        decodeBatch(row, from, (id, { tsMs, tsNanos, streamId, line, bytes }) => {
          found.push({ id, tsMs, tsNanos, labels: this.stream(streamId).labels, line, bytes, readAtMs })
          return found.length < limit
        })
      } else {
        eachLine(row, from, (id, tsMs, tsNanos, streamId, at, bytes) => {
          found.push(new RowLine(id, tsMs, tsNanos, this.stream(streamId).labels, bytes, readAtMs, text, at))
          return found.length < limit
        })
      }
      if (found.length >= limit) break
    }
    return found
  }

  measureAfter(afterId: number, maxBytes: number): MeasuredLines {
    const measured: MeasuredLines = { count: 0, bytes: 0, lastId: afterId, full: false }
    for (const row of this.rowsAfter(afterId, this.statements.sizesFrom)) {
      measureBatch(row, Math.max(0, afterId + 1 - row.firstId), maxBytes, measured)
      if (measured.full) break
    }
    return measured
  }

  /** The rows holding lines with id > afterId, oldest first: the ones in memory, else `statement`'s from SQLite. */
  private rowsAfter(afterId: number, statement: Database.Statement): Iterable<BatchRow> {
    return (
      this.recent.rowsAfter(afterId) ??
      (statement.iterate(this.holding(this.statements.spanAtOrBefore, afterId + 1)?.firstId ?? afterId + 1) as IterableIterator<BatchRow>)
    )
  }

  /** The batch (span or whole row, as `statement` selects) holding line `id`, if it is stored. */
  private holding<Row extends BatchSpan>(statement: Database.Statement, id: number): Row | undefined {
    const row = statement.get(id) as Row | undefined
    return row !== undefined && row.firstId + row.count > id ? row : undefined
  }

  /** A stream, also one another connection created after this one loaded them. */
  private stream(streamId: number): StreamRow {
    let row = this.streamsById.get(streamId)
    if (row === undefined) {
      row = this.statements.streamRow.get(streamId) as StreamRow
      this.streamsById.set(streamId, row)
    }
    return row
  }

  cursor(name: string): number {
    return Number(this.checkpoint(CURSOR_PREFIX + name) ?? 0)
  }

  commitCursor(name: string, id: number): void {
    this.statements.upsertCheckpoint.run(CURSOR_PREFIX + name, String(id))
  }

  lastId(): number {
    return this.newestId
  }

  /** Read time of a stored line, for lag; undefined once retention removed it. */
  readAtMs(id: number): number | undefined {
    return this.holding(this.statements.spanAtOrBefore, id)?.readAtMs
  }

  async waitForLines(afterId: number, timeoutMs: number): Promise<void> {
    if (this.newestId > afterId) return
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), timeoutMs)
    try {
      await once(this.appended, 'lines', { signal: abort.signal })
    } catch {
      // Timed out: the caller decides whether to wait again.
    } finally {
      clearTimeout(timer)
    }
  }

  /** Every stored line of one request, across services, in entry-time order: the first `limit` of them by id. */
  linesByCorrelationId(correlationId: string, limit = 10_000): QueriedLine[] {
    const first = this.firstId()
    if (first === undefined) return []
    const matches = this.statements.byCorrelation.all({ first: segmentOf(first), last: segmentOf(this.newestId), correlationId, limit }) as [number, number][]
    const found: QueriedLine[] = []
    let batch: BatchRow | undefined
    for (const [lineId, streamId] of matches) {
      if (batch === undefined || lineId >= batch.firstId + batch.count) batch = this.holding<BatchRow>(this.statements.batchAtOrBefore, lineId)
      // Retention deletes the index by whole segments: entries of lines already gone match nothing.
      if (batch === undefined || lineId < batch.firstId) continue
      decodeBatch(batch, lineId - batch.firstId, (id, { tsMs, tsNanos, line }) => {
        const { service, level, event } = this.stream(streamId)
        found.push({ id, tsMs, tsNanos, service, level, event, correlationId, line })
        return false
      })
    }
    return found.sort((a, b) => a.tsMs - b.tsMs || a.tsNanos - b.tsNanos || a.id - b.id)
  }

  /** The correlation id of the newest line with this event among the newest 2^15 lines or so (whole segments), if any. */
  newestCorrelationId(event: string): string | undefined {
    return (this.statements.newestCorrelationOf.get(segmentOf(Math.max(0, this.newestId - NEWEST_CORRELATION_REACH)), event) as string | undefined) ?? undefined
  }

  /**
   * Deletes the lines up to and including `id`, and the correlation segments
   * wholly within them; returns how many lines went. Whole batch rows go at
   * once; the one batch that `id` falls inside is written again without its
   * deleted lines.
   */
  deleteThrough(id: number): number {
    const deleted = this.db.transaction(() => {
      this.statements.deleteSegmentsBefore.run(segmentOf(id + 1))
      const holding = this.holding(this.statements.spanAtOrBefore, id)
      const cut = holding !== undefined && holding.firstId + holding.count - 1 > id ? holding : undefined
      const keepFrom = cut?.firstId ?? id + 1
      let lines = this.statements.linesBefore.get(keepFrom) as number
      this.statements.deleteBatchesBefore.run(keepFrom)
      if (cut !== undefined) {
        const kept = batchAfter(this.holding<BatchRow>(this.statements.batchAtOrBefore, cut.firstId)!, id)
        this.statements.deleteBatch.run(cut.firstId)
        this.statements.insertBatch.run(kept.firstId, kept.count, kept.readAtMs, kept.meta, kept.text)
        lines += cut.count - kept.count
      }
      return lines
    })()
    this.recent.dropThrough(id)
    return deleted
  }

  /** Pages in use (freed pages excluded), in bytes. */
  sizeBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number
    const pages = this.db.pragma('page_count', { simple: true }) as number
    const free = this.db.pragma('freelist_count', { simple: true }) as number
    return (pages - free) * pageSize
  }

  /** Id of the oldest stored line, if any. */
  firstId(): number | undefined {
    return (this.statements.firstId.get() as number | null) ?? undefined
  }

  /**
   * Lines are only ever appended (ids grow) and deleted oldest first, so the
   * ids in the store are contiguous: the count is one subtraction, where
   * `count(*)` would scan every row.
   */
  lineCount(): number {
    const first = this.firstId()
    return first === undefined ? 0 : this.newestId - first + 1
  }

  /** How many stored lines have ids in (afterId, throughId]: ids in the store are contiguous (see lineCount). */
  lineCountBetween(afterId: number, throughId: number): number {
    const first = this.firstId()
    if (first === undefined) return 0
    return Math.max(0, Math.min(throughId, this.newestId) - Math.max(afterId, first - 1))
  }

  /** The last line of the newest batch read before `cutoffMs` (read times grow with ids), through the index on read time. */
  lastIdReadBefore(cutoffMs: number): number | undefined {
    return (this.statements.lastIdReadBefore.get(cutoffMs) as number | undefined) ?? undefined
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
