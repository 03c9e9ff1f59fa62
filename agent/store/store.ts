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
import { migrate } from './schema.js'

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

export class Store implements LineFeed {
  readonly db: Database.Database
  private readonly streamIds = new Map<string, number>()
  private readonly streamIdByLabels = new WeakMap<object, number>()
  private readonly appended = new EventEmitter()
  private newestId: number
  private readonly statements
  private readonly appendInTransaction: (
    events: readonly LogEvent[],
    checkpoints: readonly Checkpoint[],
    alsoInTransaction?: () => void,
  ) => void

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path)
    migrate(this.db)
    this.statements = {
      insertLine: this.db.prepare(
        `INSERT INTO lines (ts_ms, ts_nanos, read_at_ms, stream_id, service, level, event, correlation_id, line)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertStream: this.db.prepare(`INSERT INTO streams (labels) VALUES (?) ON CONFLICT (labels) DO UPDATE SET labels = labels RETURNING id`).pluck(),
      upsertCheckpoint: this.db.prepare(`INSERT OR REPLACE INTO checkpoints (key, value) VALUES (?, ?)`),
      getCheckpoint: this.db.prepare(`SELECT value FROM checkpoints WHERE key = ?`).pluck(),
      readAfter: this.db.prepare(
        `SELECT lines.id, ts_ms AS tsMs, ts_nanos AS tsNanos, streams.labels, line, read_at_ms AS readAtMs
         FROM lines JOIN streams ON streams.id = lines.stream_id
         WHERE lines.id > ? ORDER BY lines.id LIMIT ?`,
      ),
      lastId: this.db.prepare(`SELECT max(id) FROM lines`).pluck(),
      readAtOf: this.db.prepare(`SELECT read_at_ms FROM lines WHERE id = ?`).pluck(),
      byCorrelation: this.db.prepare(
        `SELECT id, ts_ms AS tsMs, ts_nanos AS tsNanos, service, level, event, correlation_id AS correlationId, line
         FROM lines WHERE correlation_id = ? ORDER BY ts_ms, ts_nanos, id LIMIT ?`,
      ),
    }
    this.appendInTransaction = this.db.transaction((events, checkpoints, alsoInTransaction) => {
      const readAtMs = Date.now()
      for (const event of events) {
        this.statements.insertLine.run(
          event.tsMs,
          event.tsNanos,
          readAtMs,
          this.streamId(event.labels),
          event.service,
          event.level,
          event.event,
          event.correlationId,
          event.line,
        )
      }
      for (const { key, value } of checkpoints) this.statements.upsertCheckpoint.run(key, value)
      alsoInTransaction?.()
    })
    for (const row of this.db.prepare(`SELECT id, labels FROM streams`).all() as { id: number; labels: string }[]) {
      this.streamIds.set(row.labels, row.id)
    }
    this.newestId = (this.statements.lastId.get() as number | null) ?? 0
    this.appended.setMaxListeners(0)
  }

  /**
   * Stores events and source checkpoints in one transaction. `alsoInTransaction`
   * runs inside it too (the metrics engine persists its pending pairs there),
   * so lines, positions and derived state can never disagree after a crash.
   */
  append(events: readonly LogEvent[], checkpoints: readonly Checkpoint[] = [], alsoInTransaction?: () => void): void {
    this.appendInTransaction(events, checkpoints, alsoInTransaction)
    if (events.length > 0) {
      this.newestId = (this.statements.lastId.get() as number | null) ?? this.newestId
      this.appended.emit('lines')
    }
  }

  private streamId(labels: Readonly<Record<string, string>>): number {
    const known = this.streamIdByLabels.get(labels)
    if (known !== undefined) return known
    const text = formatLabels(labels)
    let id = this.streamIds.get(text)
    if (id === undefined) {
      id = this.statements.insertStream.get(text) as number
      this.streamIds.set(text, id)
    }
    // Transforms share one frozen labels object per label set: identity is a cheap cache key.
    if (Object.isFrozen(labels)) this.streamIdByLabels.set(labels, id)
    return id
  }

  checkpoint(key: string): string | undefined {
    return (this.statements.getCheckpoint.get(key) as string | undefined) ?? undefined
  }

  readAfter(afterId: number, limit: number): StoredLine[] {
    return this.statements.readAfter.all(afterId, limit) as StoredLine[]
  }

  cursor(name: string): number {
    return Number(this.checkpoint(CURSOR_PREFIX + name) ?? 0)
  }

  commitCursor(name: string, id: number): void {
    this.statements.upsertCheckpoint.run(CURSOR_PREFIX + name, String(id))
  }

  /** Every reader's committed cursor, by reader name. */
  cursors(): Map<string, number> {
    const rows = this.db.prepare(`SELECT key, value FROM checkpoints WHERE key LIKE 'cursor:%'`).all() as { key: string; value: string }[]
    return new Map(rows.map((row) => [row.key.slice(CURSOR_PREFIX.length), Number(row.value)]))
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
    return this.statements.byCorrelation.all(correlationId, limit) as QueriedLine[]
  }

  /** Pages in use (freed pages excluded), in bytes. */
  sizeBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number
    const pages = this.db.pragma('page_count', { simple: true }) as number
    const free = this.db.pragma('freelist_count', { simple: true }) as number
    return (pages - free) * pageSize
  }

  lineCount(): number {
    return this.db.prepare(`SELECT count(*) FROM lines`).pluck().get() as number
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
