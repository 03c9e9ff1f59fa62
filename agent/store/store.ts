/**
 * The embedded store: every line with its entry time, stream labels, service,
 * level, event and correlation id, in one SQLite file. It is the durable buffer
 * between sources and sinks: a batch of lines and the source positions reached
 * after them commit in one transaction, and each sink reads on through its own
 * cursor, so a crash anywhere re-reads or re-sends but never loses a line.
 */
import { EventEmitter, once } from 'node:events'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Checkpoint, LineFeed, LogEvent, StoredLine } from '../core/types.js'
import { formatLabels } from '../../transports/loki/labels.js'
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
const RECENT_LINE_CHARS = 2 * 1024 * 1024

export class Store implements LineFeed {
  readonly db: Database.Database
  private readonly streamIds = new Map<string, number>()
  private readonly labelsByStreamId = new Map<number, string>()
  private readonly streamIdByLabels = new WeakMap<object, number>()
  private readonly appended = new EventEmitter()
  private readonly recent = new RecentLines(RECENT_LINE_CHARS)
  private newestId: number
  private readonly statements
  private readonly appendInTransaction: (
    events: readonly LogEvent[],
    checkpoints: readonly Checkpoint[],
    alsoInTransaction?: () => void,
  ) => StoredLine[]

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    migrate(this.db)
    this.db.pragma(`cache_size = -${PAGE_CACHE_KIB}`)
    this.db.pragma('wal_autocheckpoint = 0')
    this.statements = {
      insertLines: new BulkInsert(this.db, `INSERT INTO lines (id, ts_ms, ts_nanos, read_at_ms, stream_id, line) VALUES`, 6),
      insertCorrelations: new BulkInsert(this.db, `INSERT OR IGNORE INTO correlations (segment, correlation_id, line_id) VALUES`, 3),
      saveLastId: this.db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('last_line_id', ?)`),
      savedLastId: this.db.prepare(`SELECT value FROM meta WHERE key = 'last_line_id'`).pluck(),
      deleteLinesThrough: this.db.prepare(`DELETE FROM lines WHERE id <= ?`),
      deleteSegmentsBefore: this.db.prepare(`DELETE FROM correlations WHERE segment < ?`),
      insertStream: this.db
        .prepare(
          `INSERT INTO streams (labels, service, level, event) VALUES (?, ?, ?, ?)
           ON CONFLICT (labels) DO UPDATE SET labels = labels RETURNING id`,
        )
        .pluck(),
      upsertCheckpoint: this.db.prepare(`INSERT OR REPLACE INTO checkpoints (key, value) VALUES (?, ?)`),
      getCheckpoint: this.db.prepare(`SELECT value FROM checkpoints WHERE key = ?`).pluck(),
      // No join: the hot read maps stream ids to labels from memory. raw() rows are arrays, cheaper than objects.
      readAfter: this.db.prepare(`SELECT id, ts_ms, ts_nanos, stream_id, line, read_at_ms FROM lines WHERE id > ? ORDER BY id LIMIT ?`).raw(),
      lastId: this.db.prepare(`SELECT max(id) FROM lines`).pluck(),
      firstId: this.db.prepare(`SELECT min(id) FROM lines`).pluck(),
      firstAtOrAfter: this.db.prepare(`SELECT id, read_at_ms AS readAtMs FROM lines WHERE id >= ? ORDER BY id LIMIT 1`),
      readAtOf: this.db.prepare(`SELECT read_at_ms FROM lines WHERE id = ?`).pluck(),
      streamLabels: this.db.prepare(`SELECT labels FROM streams WHERE id = ?`).pluck(),
      // One probe per segment, the segments enumerated by the CTE (a range over `segment` alone would scan it).
      byCorrelation: this.db.prepare(
        `WITH RECURSIVE probe(segment) AS (SELECT :first UNION ALL SELECT segment + 1 FROM probe WHERE segment < :last)
         SELECT lines.id, ts_ms AS tsMs, ts_nanos AS tsNanos, service, level, event, correlation_id AS correlationId, line
         FROM probe
         JOIN correlations ON correlations.segment = probe.segment AND correlations.correlation_id = :correlationId
         JOIN lines ON lines.id = correlations.line_id
         JOIN streams ON streams.id = lines.stream_id
         ORDER BY ts_ms, ts_nanos, lines.id LIMIT :limit`,
      ),
      newestCorrelationOf: this.db
        .prepare(
          `SELECT correlation_id FROM correlations
           JOIN lines ON lines.id = correlations.line_id JOIN streams ON streams.id = lines.stream_id
           WHERE correlations.segment >= ? AND event = ? ORDER BY line_id DESC LIMIT 1`,
        )
        .pluck(),
    }
    this.appendInTransaction = this.db.transaction((events, checkpoints, alsoInTransaction) => {
      const readAtMs = Date.now()
      // Ids are given, not left to SQLite, which restarts at 1 once retention has emptied the table: a sink's cursor would skip the new lines.
      let lastId = this.newestId
      const stored: StoredLine[] = []
      const { insertLines, insertCorrelations } = this.statements
      // A batch that failed half-way (disk full) left rows queued: they are retried with it, not before it.
      insertLines.discard()
      insertCorrelations.discard()
      for (const event of events) {
        lastId++
        const streamId = this.streamId(event)
        insertLines.add(lastId, event.tsMs, event.tsNanos, readAtMs, streamId, event.line)
        if (event.correlationId !== null) insertCorrelations.add(segmentOf(lastId), event.correlationId, lastId)
        stored.push({ id: lastId, tsMs: event.tsMs, tsNanos: event.tsNanos, labels: this.labelsByStreamId.get(streamId)!, line: event.line, readAtMs })
      }
      insertLines.flush()
      insertCorrelations.flush()
      if (events.length > 0) this.statements.saveLastId.run(String(lastId))
      for (const { key, value } of checkpoints) this.statements.upsertCheckpoint.run(key, value)
      alsoInTransaction?.()
      return stored
    })
    for (const row of this.db.prepare(`SELECT id, labels FROM streams`).all() as { id: number; labels: string }[]) {
      this.streamIds.set(row.labels, row.id)
      this.labelsByStreamId.set(row.id, row.labels)
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
    const stored = this.appendInTransaction(events, checkpoints, alsoInTransaction)
    if (stored.length > 0) {
      this.newestId = stored.at(-1)!.id
      this.recent.add(stored)
      this.appended.emit('lines')
    }
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

  private streamId({ labels, service, level, event }: LogEvent): number {
    const known = this.streamIdByLabels.get(labels)
    if (known !== undefined) return known
    const text = formatLabels(labels)
    let id = this.streamIds.get(text)
    if (id === undefined) {
      id = this.statements.insertStream.get(text, service, level, event) as number
      this.streamIds.set(text, id)
      this.labelsByStreamId.set(id, text)
    }
    // Transforms share one frozen labels object per label set: identity is a cheap cache key.
    if (Object.isFrozen(labels)) this.streamIdByLabels.set(labels, id)
    return id
  }

  checkpoint(key: string): string | undefined {
    return (this.statements.getCheckpoint.get(key) as string | undefined) ?? undefined
  }

  /** From memory while the lines are among the newest committed (a sink keeping up), else from SQLite. */
  readAfter(afterId: number, limit: number): StoredLine[] {
    return this.recent.after(afterId, limit) ?? this.readStoredAfter(afterId, limit)
  }

  private readStoredAfter(afterId: number, limit: number): StoredLine[] {
    const rows = this.statements.readAfter.all(afterId, limit) as [number, number, number, number, string, number][]
    return rows.map(([id, tsMs, tsNanos, streamId, line, readAtMs]) => ({
      id,
      tsMs,
      tsNanos,
      labels: this.labelsByStreamId.get(streamId) ?? this.loadStreamLabels(streamId),
      line,
      readAtMs,
    }))
  }

  /** A stream another connection created after this one loaded them. */
  private loadStreamLabels(streamId: number): string {
    const labels = this.statements.streamLabels.get(streamId) as string
    this.labelsByStreamId.set(streamId, labels)
    return labels
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
    return (this.statements.readAtOf.get(id) as number | undefined) ?? undefined
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

  /** Every stored line of one request, across services, in entry-time order. */
  linesByCorrelationId(correlationId: string, limit = 10_000): QueriedLine[] {
    const first = this.firstId()
    if (first === undefined) return []
    return this.statements.byCorrelation.all({
      first: segmentOf(first),
      last: segmentOf(this.newestId),
      correlationId,
      limit,
    }) as QueriedLine[]
  }

  /** The correlation id of the newest line with this event among the newest two segments' lines, if any. */
  newestCorrelationId(event: string): string | undefined {
    return (this.statements.newestCorrelationOf.get(Math.max(0, segmentOf(this.newestId) - 1), event) as string | undefined) ?? undefined
  }

  /** Deletes the lines up to and including `id`, and the correlation segments wholly within them; returns how many lines went. */
  deleteThrough(id: number): number {
    const deleted = this.db.transaction(() => {
      this.statements.deleteSegmentsBefore.run(segmentOf(id + 1))
      return this.statements.deleteLinesThrough.run(id).changes
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

  /**
   * The newest line read before `cutoffMs`, found by binary search over ids
   * (read times grow with ids, as lines are appended as they are read) in
   * about 20 index lookups, instead of scanning an unindexed column.
   */
  lastIdReadBefore(cutoffMs: number): number | undefined {
    let low = this.firstId()
    if (low === undefined || this.readAtMs(low)! >= cutoffMs) return undefined
    let high = this.newestId
    while (low < high) {
      const mid = Math.ceil((low + high) / 2)
      const row = this.statements.firstAtOrAfter.get(mid) as { id: number; readAtMs: number } | undefined
      if (row !== undefined && row.readAtMs < cutoffMs) low = row.id
      else high = mid - 1
    }
    return low
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
