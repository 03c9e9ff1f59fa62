/** The running agent checkpoints its store's WAL itself (SQLite's automatic checkpoint is off), so later commits start the WAL over. */
import t from 'tap'
import Database from 'better-sqlite3'
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startAgentProcess, tailingAgentYaml, waitFor } from '../support/agent-process.js'

t.test('a tailing agent checkpoints its WAL: the next commit starts it over', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-wal-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const log = join(dir, 'app.log')
  const lines = 40_000
  const filler = 'x'.repeat(400)
  writeFileSync(log, Array.from({ length: lines }, (_, i) => `{"level":"info","msg":"line ${i} ${filler}"}\n`).join(''))
  const agent = await startAgentProcess(dir, tailingAgentYaml({ dir, include: log }))
  t.teardown(() => agent.kill())
  const stored = () => agent.metric('threadline_lines_read_total{source="app"}')
  await waitFor('every line stored', async () => (await stored()) === lines)
  // Once the WAL has been checkpointed, the next commit starts it over: then it holds only that commit's pages.
  await sleep(2_500)
  appendFileSync(log, '{"level":"info","msg":"one more"}\n')
  await waitFor('the new line stored', async () => (await stored()) === lines + 1)
  const db = new Database(join(dir, 'data', 'store.db'))
  const [{ log: framesInWal }] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[]
  db.close()
  t.ok(framesInWal < 100, `${framesInWal} pages in the WAL, after ${lines} lines of 400 bytes (about 4,500 pages) and one more`)
  t.equal(await agent.stop(), 0)
})
