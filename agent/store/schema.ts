/**
 * The embedded store's tables. One SQLite file in the data directory is both
 * the local query index and the durable buffer the sinks read from.
 */
import type Database from 'better-sqlite3'
import { encodeBatchLines, type BatchLine } from './batch-rows.js'

/**
 * 4: batch rows hold their text as UTF-8 bytes, lengths in bytes; rows a version 3 store wrote stay as they are, and legible (./batch-rows.ts).
 * 5: correlation ids indexed per segment of 2^10 line ids instead of 2^14; a version 3 or 4 store's index is moved to them.
 */
export const SCHEMA_VERSION = 5

/**
 * Correlation ids are indexed per segment of 2^10 line ids. One index over
 * all of them takes each insert to a random page of a tree larger than the
 * page cache once ids are random UUIDs (as the SDK makes them): measured
 * 48 µs a line, against 7 µs when inserts stay inside the newest segment.
 * Within a segment the ids are random too, so every batch rewrote each page
 * of its segment: with segments of 2^14 lines (about 57 pages of ids on the
 * benchmark's traffic) the index was 78 of the 270 MB the agent wrote for
 * 500,000 lines, and 13 % of its CPU; 2^10 lines (about 4 pages) took the
 * writes to 218 MB and CPU per line −4.5 % (README, "Performance"). A lookup
 * probes each segment once, about 1,000 probes a million lines.
 */
export const SEGMENT_BITS = 10

/** The segment a line id belongs to; division, not `>>`, which would wrap past 2^31 ids. */
export const segmentOf = (lineId: number): number => Math.floor(lineId / 2 ** SEGMENT_BITS)

const CORRELATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS correlations (
    segment INTEGER NOT NULL,
    correlation_id TEXT NOT NULL,
    line_id INTEGER NOT NULL,
    stream_id INTEGER NOT NULL,
    PRIMARY KEY (segment, correlation_id, line_id)
  ) WITHOUT ROWID;`

export function migrate(db: Database.Database): void {
  // Must come first, before WAL mode writes the file header: lets retention hand freed pages back to the OS.
  db.pragma('auto_vacuum = INCREMENTAL')
  // WAL + synchronous=NORMAL: a commit survives SIGKILL of the agent (the WAL is
  // in the OS page cache); only a power loss can take the last commits back.
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`)
  const found = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get() as string | undefined
  const version = found === undefined ? SCHEMA_VERSION : Number(found)
  if (version > SCHEMA_VERSION) {
    throw new Error(`store schema version ${version} is newer than this agent understands (${SCHEMA_VERSION})`)
  }
  db.transaction(() => {
    const rowPerLine = version < 3 && db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'lines'`).pluck().get() !== 0
    // Version 2's index has no stream column: set aside, and carried over into the new one below.
    if (rowPerLine && version === 2) db.exec(`ALTER TABLE correlations RENAME TO correlations_v2`)
    db.exec(`
      -- A stream is one label set; service, level and event are three of its
      -- labels, kept as columns here (not per line) so local queries can filter.
      CREATE TABLE IF NOT EXISTS streams (
        id INTEGER PRIMARY KEY,
        labels TEXT NOT NULL UNIQUE,
        service TEXT NOT NULL,
        level TEXT NOT NULL,
        event TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      -- One row per committed batch of lines (./batch-rows.ts); the small columns first, so a
      -- lookup by id or read time never reads the text.
      CREATE TABLE IF NOT EXISTS batches (
        first_id INTEGER PRIMARY KEY,
        count INTEGER NOT NULL,
        read_at_ms INTEGER NOT NULL,
        meta BLOB NOT NULL,
        text BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS batches_by_read_at ON batches (read_at_ms);
      ${CORRELATIONS_TABLE}
    `)
    if (rowPerLine) upgradeLinesToBatches(db, version)
    else if (version === 3 || version === 4) resegmentCorrelations(db)
    db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION))
  })()
}

/** Versions 3 and 4 indexed correlation ids per segment of 2^14 line ids: the same entries, numbered by the segments of now. */
function resegmentCorrelations(db: Database.Database): void {
  db.exec(`
    ALTER TABLE correlations RENAME TO correlations_v4;
    ${CORRELATIONS_TABLE}
    INSERT INTO correlations SELECT line_id / ${2 ** SEGMENT_BITS}, correlation_id, line_id, stream_id FROM correlations_v4 ORDER BY line_id / ${2 ** SEGMENT_BITS}, correlation_id, line_id;
    DROP TABLE correlations_v4;
  `)
}

/** Lines a version 1 or 2 store kept one row each, at most this many to a batch row when upgraded. */
const UPGRADE_BATCH_LINES = 1_000

/**
 * Versions 1 and 2 kept a row per line (version 1 with its correlation id in
 * it, under one index; version 2 in the segmented index, without its stream).
 * Lines read in one commit, contiguous ids with one read time, become one
 * batch row, so retention by age keeps deleting exactly what it did.
 */
function upgradeLinesToBatches(db: Database.Database, version: number): void {
  db.exec(
    version === 1
      ? `INSERT OR IGNORE INTO correlations SELECT id / ${2 ** SEGMENT_BITS}, correlation_id, id, stream_id FROM lines WHERE correlation_id IS NOT NULL;`
      : `INSERT OR IGNORE INTO correlations SELECT line_id / ${2 ** SEGMENT_BITS}, correlation_id, line_id, stream_id FROM correlations_v2 JOIN lines ON lines.id = line_id;
         DROP TABLE correlations_v2;`,
  )
  const insert = db.prepare(`INSERT INTO batches (first_id, count, read_at_ms, meta, text) VALUES (?, ?, ?, ?, ?)`)
  let batch: Omit<BatchLine, 'bytes'>[] = []
  let firstId = 0
  let readAtMs = 0
  const flush = () => {
    if (batch.length === 0) return
    const { meta, text } = encodeBatchLines(batch)
    insert.run(firstId, batch.length, readAtMs, meta, text)
    batch = []
  }
  // Read in pages, not iterated: better-sqlite3 allows no writes on a connection while one of its queries is open.
  const page = db.prepare(`SELECT id, ts_ms, ts_nanos, read_at_ms, stream_id, line FROM lines WHERE id > ? ORDER BY id LIMIT ${UPGRADE_BATCH_LINES}`).raw()
  for (let after = -Infinity; ; ) {
    const rows = page.all(after) as [number, number, number, number, number, string][]
    if (rows.length === 0) break
    for (const [id, tsMs, tsNanos, readAt, streamId, line] of rows) {
      if (batch.length === UPGRADE_BATCH_LINES || (batch.length > 0 && (id !== firstId + batch.length || readAt !== readAtMs))) flush()
      if (batch.length === 0) {
        firstId = id
        readAtMs = readAt
      }
      batch.push({ tsMs, tsNanos, streamId, line })
      after = id
    }
  }
  flush()
  db.exec(`DROP TABLE lines`)
}
