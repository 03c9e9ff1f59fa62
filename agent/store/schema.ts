/**
 * The embedded store's tables. One SQLite file in the data directory is both
 * the local query index and the durable buffer the sinks read from.
 */
import type Database from 'better-sqlite3'

export const SCHEMA_VERSION = 1

export function migrate(db: Database.Database): void {
  // Must come first, before WAL mode writes the file header: lets retention hand freed pages back to the OS.
  db.pragma('auto_vacuum = INCREMENTAL')
  // WAL + synchronous=NORMAL: a commit survives SIGKILL of the agent (the WAL is
  // in the OS page cache); only a power loss can take the last commits back.
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
      correlation_id TEXT,
      line TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS lines_by_correlation ON lines (correlation_id) WHERE correlation_id IS NOT NULL;
    CREATE TABLE IF NOT EXISTS checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `)
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined
  if (row && Number(row.value) > SCHEMA_VERSION) {
    throw new Error(`store schema version ${row.value} is newer than this agent understands (${SCHEMA_VERSION})`)
  }
  db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION))
}
