/**
 * Loki refusing connections for 30 s in the middle of a run, while lines keep
 * arriving: nothing is lost, nothing is doubled, and the sink holds one batch
 * in memory instead of reading the backlog it cannot ship.
 */
import t from 'tap'
import type { StoredLine } from '../../../agent/core/types.js'
import { assertExactlyOnce, metricValue, startSinkRun, waitFor, writeLines } from '../../support/loki-sink-harness.js'

const N = 5000
const OUTAGE_MS = 30_000
const sink = { sink: 'main' }

t.test('30 s of refused connections mid-run loses nothing', async (t) => {
  // A small backoff cap so recovery after the outage is quick; the outage itself is real time.
  const run = await startSinkRun(t, { config: { batch: { max_bytes: '16KiB' }, retry: { min_backoff: '100ms', max_backoff: '2s' } } })
  const lines: StoredLine[] = []
  const perTick = 50
  const writer = setInterval(() => {
    if (lines.length < N) lines.push(...writeLines(run.feed, perTick, { prefix: `tick${lines.length / perTick}` }))
  }, 350)
  t.teardown(() => clearInterval(writer))

  t.ok(await waitFor(() => run.double.lines().length >= 500, 10_000), 'shipping before the outage')
  await run.double.close()
  const outageStart = Date.now()
  const handedOutAtStart = run.feed.linesHandedOut
  const writtenAtStart = lines.length
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS))

  const writtenDuringOutage = lines.length - writtenAtStart
  const readDuringOutage = run.feed.linesHandedOut - handedOutAtStart
  t.ok(writtenDuringOutage >= 3000, `${writtenDuringOutage} lines arrived during the outage`)
  t.ok(readDuringOutage < writtenDuringOutage / 5, `memory stays bounded: ${readDuringOutage} lines read while ${writtenDuringOutage} waited`)
  t.ok((await metricValue(run.metrics, 'threadline_queue_depth_lines', sink)) >= writtenDuringOutage / 2, 'queue depth shows the backlog')
  t.ok((await metricValue(run.metrics, 'threadline_lag_seconds', sink)) > 5, 'lag grows')
  t.ok((await metricValue(run.metrics, 'threadline_loki_last_success_timestamp_seconds', sink)) <= outageStart / 1000 + 1, 'no success during the outage')
  t.ok((await metricValue(run.metrics, 'threadline_loki_push_results_total', { ...sink, status: 'network' })) >= 10, 'refused pushes counted')

  await run.double.reopen()
  t.ok(await waitFor(() => lines.length >= N, 20_000), 'the writer finished')
  t.ok(await waitFor(() => run.feed.cursor('loki:main') === lines.at(-1)!.id, 30_000), 'the sink caught up')
  assertExactlyOnce(t, run.double, lines)
  t.equal(lines.length, N)
  t.ok((await metricValue(run.metrics, 'threadline_loki_batches_retried_total', sink)) >= 10)
  t.equal(await metricValue(run.metrics, 'threadline_queue_depth_lines', sink), 0)
  t.equal(await metricValue(run.metrics, 'threadline_lag_seconds', sink), 0)
})
