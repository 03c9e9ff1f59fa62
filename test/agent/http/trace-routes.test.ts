/** GET /api/trace/<id>, /trace/<id> and /trace?id= on the agent's HTTP server, over a real store. */
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHttpServer } from '../../../agent/http/server.js'
import { traceRoutes } from '../../../agent/http/trace-routes.js'
import { Store } from '../../../agent/store/store.js'
import { eventsFromStore } from '../../../agent/trace/store-lookup.js'
import { buildTimeline, type Timeline } from '../../../agent/trace/timeline.js'
import { escapeHtml } from '../../../agent/trace/render-page.js'
import { buildScenario, fillStore } from '../../support/trace-scenario.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-trace-http-'))
const store = new Store(join(dir, 'store.db'))
t.teardown(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})
const scenario = buildScenario(Date.now() - 60_000)
const hostile = '<script>alert(1)</script> & "quotes" \'too\''
fillStore(store, [
  ...scenario.lines,
  {
    correlationId: scenario.answered,
    service: 'auto_executor',
    level: 'warn',
    event: 'NOTE',
    tsMs: Date.now() - 59_000,
    line: JSON.stringify({ service: 'auto_executor', correlation_id: scenario.answered, event: 'NOTE', msg: hostile, symbol: '<b>x</b>' }),
  },
])
const server = createHttpServer({
  listen: '127.0.0.1:0',
  renderMetrics: async () => '',
  isReady: () => true,
  routes: [traceRoutes((id) => buildTimeline(id, eventsFromStore(store, id, 100)))],
})
t.teardown(() => server.stop())
await server.start()
const base = `http://127.0.0.1:${server.address().port}`

t.test('GET /api/trace/<id>: the timeline as JSON; 404 when nothing is found; 400 for an invalid id', async (t) => {
  const found = await fetch(`${base}/api/trace/${scenario.answered}`)
  t.equal(found.status, 200)
  t.match(found.headers.get('content-type'), /^application\/json/)
  const timeline = (await found.json()) as Timeline
  t.equal(timeline.correlationId, scenario.answered)
  t.same(timeline.rows.map((r) => r.event), ['INTENT_RECEIVED', 'ORDER_SUBMIT', 'ORDER_RESPONSE', 'NOTE'])
  t.same(timeline.lanes, ['ai_engine', 'auto_executor'])
  t.equal(timeline.submits[0]!.gapMs, 12)
  const none = await fetch(`${base}/api/trace/${scenario.absent}`)
  t.equal(none.status, 404)
  t.same(await none.json(), { error: `nothing found for correlation id ${scenario.absent}`, correlation_id: scenario.absent })
  for (const bad of ['has%20space', '%E0%A4%A', 'x'.repeat(129), '']) {
    const answer = await fetch(`${base}/api/trace/${bad}`)
    t.equal(answer.status, 400, bad)
    t.match(await answer.json(), { error: /invalid correlation id/ })
  }
})

t.test('GET /trace/<id>: one self-contained page that runs no script and escapes what it shows', async (t) => {
  const page = await fetch(`${base}/trace/${scenario.answered}`)
  t.equal(page.status, 200)
  t.match(page.headers.get('content-type'), /^text\/html; charset=utf-8/)
  t.match(page.headers.get('content-security-policy'), /default-src 'none'/)
  const html = await page.text()
  t.notMatch(html, /<script/i, 'no script element at all: the hostile line is text')
  t.ok(html.includes(escapeHtml(hostile)), 'the hostile message, escaped')
  t.ok(html.includes('&lt;b&gt;x&lt;/b&gt;'))
  t.notMatch(html, /\b(src|href)=/, 'no external asset, no link out')
  t.equal((html.match(/data-row /g) ?? []).length, 4)
  t.match(html, /ord_0: response 12 ms after submit/)
  const failed = await (await fetch(`${base}/trace/${scenario.failed}`)).text()
  t.match(failed, /ord_1 never got a response/)
  t.match(failed, /class="cell error"/)
  const none = await fetch(`${base}/trace/${scenario.absent}`)
  t.equal(none.status, 404)
  t.match(await none.text(), /Nothing found for this correlation id/)
  const bad = await fetch(`${base}/trace/%3Cscript%3E`)
  t.equal(bad.status, 400)
  t.notMatch(await bad.text(), /<script/)
})

t.test('the search box: /trace?id= redirects to /trace/<id>; blank or invalid stays on the form', async (t) => {
  const redirected = await fetch(`${base}/trace?id=${scenario.answered}`, { redirect: 'manual' })
  t.equal(redirected.status, 302)
  t.equal(redirected.headers.get('location'), `/trace/${scenario.answered}`)
  const blank = await fetch(`${base}/trace`)
  t.equal(blank.status, 200)
  t.match(await blank.text(), /<form action="\/trace" method="get"/)
  const invalid = await fetch(`${base}/trace?id=${encodeURIComponent('"><img>')}`)
  t.equal(invalid.status, 400)
  t.notMatch(await invalid.text(), /<img>/)
  t.equal((await fetch(`${base}/elsewhere`)).status, 404, 'other paths still fall through to 404')
})
