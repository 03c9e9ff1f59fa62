/**
 * The timeline page in a real browser: Debian's chromium, driven by
 * playwright-core (never a downloaded browser), against a running agent's
 * GET /trace/<id>. Leaves a screenshot in .tap/trace-page.png.
 */
import t from 'tap'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { chromium } from 'playwright-core'
import { createAgent } from '../../../agent/agent.js'
import { loadAgentConfig } from '../../../agent/config/load.js'
import { buildScenario, fillStore, type ScenarioLine } from '../../support/trace-scenario.js'

// The callbacks below run in the page; the project compiles without the DOM library, so these are declared here only.
declare const document: any
declare const window: any
declare function getComputedStyle(element: any): { borderLeftColor: string }

const CHROMIUM = '/usr/bin/chromium'
// The network is closed here: without these chromium waits on updates, sync and QUIC probes.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const SCREENSHOT = join(process.cwd(), '.tap', 'trace-page.png')

const dir = mkdtempSync(join(tmpdir(), 'threadline-trace-page-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const agent = await createAgent(
  loadAgentConfig({ dataDir: dir, listen: '127.0.0.1:0', tail: [], stdin: false, labels: {}, checkConfig: false }, {}),
  pino({ level: 'silent' }),
)
await agent.start()
t.teardown(() => agent.stop())

const startMs = Date.now() - 60_000
const scenario = buildScenario(startMs)
const id = scenario.answered
const third: ScenarioLine = {
  correlationId: id,
  service: 'risk_engine' as ScenarioLine['service'],
  level: 'error',
  event: 'RISK_CHECK_FAILED',
  tsMs: startMs + 3,
  line: JSON.stringify({ service: 'risk_engine', correlation_id: id, event: 'RISK_CHECK_FAILED', msg: 'limit <script>window.pwned=1</script> hit', level: 'error' }),
}
// This agent has sources, so it has its store (undefined only for a plugins-only agent).
fillStore(agent.store!, [...scenario.lines, third])

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
t.teardown(() => browser.close())
const { port } = agent.address()

t.test('rows in time order, each in its service\'s lane; errors red; hostile text stays text; fields expand', async (t) => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 700 } })
  const response = await page.goto(`http://127.0.0.1:${port}/trace/${id}`)
  t.equal(response?.status(), 200)
  const lanes = await page.$$eval('[data-lane-header]', (heads: any[]) => heads.map((h: any) => h.getAttribute('data-lane-header')))
  t.same(lanes, ['ai_engine', 'risk_engine', 'auto_executor'], 'one lane per service, in order of first event')

  const rows = await page.$$eval('[data-row]', (elements: any[]) =>
    elements.map((row: any) => {
      const cell = row.querySelector('.cell')!
      const head = document.querySelector(`[data-lane-header="${row.getAttribute('data-lane')}"]`)!
      const box = cell.getBoundingClientRect()
      const laneBox = head.getBoundingClientRect()
      return {
        lane: row.getAttribute('data-lane'),
        event: row.querySelector('.event')!.textContent,
        inLane: Math.abs(box.left - laneBox.left) < 2 && Math.abs(box.width - laneBox.width) < 2,
        top: box.top,
        timeTop: row.querySelector('.time')!.getBoundingClientRect().top,
        offsetTop: row.querySelector('.offset')!.getBoundingClientRect().top,
        red: getComputedStyle(cell).borderLeftColor,
      }
    }),
  )
  t.same(
    rows.map((r) => [r.lane, r.event]),
    [['ai_engine', 'INTENT_RECEIVED'], ['risk_engine', 'RISK_CHECK_FAILED'], ['auto_executor', 'ORDER_SUBMIT'], ['auto_executor', 'ORDER_RESPONSE']],
  )
  t.ok(rows.every((r) => r.inLane), 'every event sits under its lane\'s header')
  t.ok(rows.every((r, i) => i === 0 || r.top > rows[i - 1]!.top), 'top to bottom in time order')
  t.ok(rows.every((r) => r.timeTop === r.top && r.offsetTop === r.top), 'time, offset and event on one line')
  t.equal(rows[1]!.red, 'rgb(217, 45, 32)', 'the error row is red')
  t.not(rows[0]!.red, rows[1]!.red)

  t.equal(await page.locator('script').count(), 0, 'no script element')
  t.equal(await page.evaluate(() => window.pwned), undefined, 'nothing ran')
  t.match(await page.locator('[data-row][data-index="1"] .message').textContent(), 'limit <script>window.pwned=1</script> hit', 'shown as text')

  const fields = page.locator('[data-row][data-index="2"] pre.fields')
  t.notOk(await fields.isVisible(), 'fields start folded')
  await page.locator('[data-row][data-index="2"] summary').click()
  t.ok(await fields.isVisible(), 'a click unfolds them')
  t.match(await fields.textContent(), /"order_id": "ord_0"/)
  t.match(await page.locator('.callouts').textContent(), /ord_0: response 12 ms after submit/)
  mkdirSync(join(process.cwd(), '.tap'), { recursive: true })
  await page.screenshot({ path: SCREENSHOT, fullPage: true })
  await page.close()
})

t.test('the search box opens another id\'s timeline', async (t) => {
  const page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${port}/trace/${id}`)
  await page.fill('input[name="id"]', scenario.failed)
  await Promise.all([page.waitForURL(`**/trace/${scenario.failed}`), page.press('input[name="id"]', 'Enter')])
  t.match(await page.locator('.callouts').textContent(), /ord_1 never got a response/)
  t.equal(await page.locator('[data-row][data-error="true"]').count(), 1)
  await page.close()
})
