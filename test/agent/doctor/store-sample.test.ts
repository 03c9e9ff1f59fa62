/**
 * The "log format" check on real stores written by the agent's Store: all
 * JSON with correlation ids passes; a service writing plain text fails; a
 * mix or a service without any correlation_id warns; a missing, empty or
 * unreadable store is said so. Opened read-only: a store in use keeps working.
 */
import t from 'tap'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkLogFormat, sampleStore } from '../../../agent/doctor/store-sample.js'
import { Store } from '../../../agent/store/store.js'
import type { LogEvent } from '../../../agent/core/types.js'
import { logEvent } from '../metrics/fixtures/events.js'

const root = mkdtempSync(join(tmpdir(), 'threadline-doctor-store-'))
t.teardown(() => rmSync(root, { recursive: true, force: true }))

const event = (service: string, line: string): LogEvent =>
  logEvent(Date.now(), { line, service, event: 'LOG', labels: { service, level: 'info', event: 'LOG' }, fields: null, source: 'app' })
const json = (service: string, extra: object = {}) => event(service, JSON.stringify({ level: 'info', service, msg: 'hi', ...extra }))

function storeWith(name: string, events: LogEvent[]): string {
  const dir = join(root, name)
  const store = new Store(join(dir, 'store.db'))
  store.append(events)
  store.close()
  return dir
}

t.test('all JSON, ids present: pass, with the share of correlated lines', async (t) => {
  const dir = storeWith('good', [json('ai_engine', { correlation_id: 'c1' }), json('ai_engine'), json('auto_executor', { correlationId: 'c2' })])
  t.match(checkLogFormat({ dataDir: dir }), { status: 'pass', saw: 'newest 3 lines of 2 services: all JSON, 67 % with correlation_id' })
})

t.test('a service logging plain text fails, naming it', async (t) => {
  const dir = storeWith('text', [json('ai_engine', { correlation_id: 'c1' }), event('legacy', 'started on port 8080'), event('legacy', '[1, 2]')])
  t.match(checkLogFormat({ dataDir: dir }), { status: 'fail', saw: 'not JSON: legacy 2 of 2', fix: /one JSON object per line/ })
})

t.test('some plain lines, or no correlation_id at all, warn', async (t) => {
  const mixed = storeWith('mixed', [json('ai_engine', { correlation_id: 'c1' }), event('ai_engine', 'Traceback (most recent call last):'), event('ai_engine', '{"broken":')])
  t.match(checkLogFormat({ dataDir: mixed }), { status: 'warn', saw: 'some lines are not JSON: ai_engine 2 of 3' })
  const bare = storeWith('bare', [json('ai_engine', { correlation_id: 'c1' }), json('batch'), json('batch', { correlation_id: '' })])
  t.match(checkLogFormat({ dataDir: bare }), { status: 'warn', saw: 'no correlation_id in batch (newest 3 lines)', fix: /withCorrelation/ })
})

t.test('missing, empty and unreadable stores', async (t) => {
  t.match(checkLogFormat({ dataDir: join(root, 'nowhere') }), { status: 'warn', saw: /no agent store at/ })
  t.match(checkLogFormat({ dataDir: storeWith('empty', []) }), { status: 'warn', saw: /holds no lines yet/ })
  mkdirSync(join(root, 'dir-not-file', 'store.db'), { recursive: true })
  t.match(checkLogFormat({ dataDir: join(root, 'dir-not-file') }), { status: 'fail', saw: /cannot read/ })
})

t.test('only the newest lines are sampled, and a store in use keeps accepting writes', async (t) => {
  const dir = join(root, 'live')
  const store = new Store(join(dir, 'store.db'))
  t.teardown(() => store.close())
  store.append([event('old', 'plain text from long ago'), ...Array.from({ length: 5 }, () => json('new', { correlation_id: 'x' }))])
  const sample = sampleStore(join(dir, 'store.db'), 5)
  t.strictSame([...sample.keys()], ['new'], 'the oldest line is outside the sample')
  store.append([json('new')])
  t.equal(store.lineCount(), 7)
})
