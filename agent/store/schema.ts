/**
 * The embedded store's tables. One SQLite file in the data directory is both
 * the local query index and the durable buffer the sinks read from.
 */
import type Database from 'better-sqlite3'

export const SCHEMA_VERSION = 2

/**
 * Correlation ids are indexed per segment of 2^14 line ids. One index over
 * all of them takes each insert to a random page of a tree larger than the
 * page cache once ids are random UUIDs (as the SDK makes them): measured
 * 48 µs a line, against 7 µs when inserts stay inside the newest segment.
 * A lookup probes each segment once: about 0.2 ms for 500,000 lines.
 */
export const SEGMENT_BITS = 14

/** The segment a line id belongs to; division, not `>>`, which would wrap past 2^31 ids. */
export const segmentOf = (lineId: number): number => Math.floor(lineId / 2 ** SEGMENT_BITS)

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
      CREATE TABLE IF NOT EXISTS lines (
        id INTEGER PRIMARY KEY,
        ts_ms INTEGER NOT NULL,
        ts_nanos INTEGER NOT NULL,
        read_at_ms INTEGER NOT NULL,
        stream_id INTEGER NOT NULL,
        line TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS correlations (
        segment INTEGER NOT NULL,
        correlation_id TEXT NOT NULL,
        line_id INTEGER NOT NULL,
        PRIMARY KEY (segment, correlation_id, line_id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `)
    if (version === 1) upgradeFromVersion1(db)
    db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION))
  })()
}

/** Version 1 kept the correlation id in every line row, under one index. */
function upgradeFromVersion1(db: Database.Database): void {
  db.exec(`
    INSERT OR IGNORE INTO correlations (segment, correlation_id, line_id)
      SELECT id >> ${SEGMENT_BITS}, correlation_id, id FROM lines WHERE correlation_id IS NOT NULL;
    DROP INDEX IF EXISTS lines_by_correlation;
    ALTER TABLE lines DROP COLUMN correlation_id;
  `)
}
