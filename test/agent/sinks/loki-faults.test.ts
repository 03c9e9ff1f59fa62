/**
 * Loki misbehaving in the ways a default Loki does; each test ends with the
 * double holding exactly the lines written, each once, in order per stream.
 */
import t from 'tap'
import { formatLabels } from '../../../transports/loki/labels.js'
import { assertExactlyOnce, metricValue, startSinkRun, waitFor, writeLines } from '../../support/loki-sink-harness.js'

const N = 5000
const sink = { sink: 'main' }

t.test('a 429 storm that stores part of each batch before refusing the rest', async (t) => {
  const run = await startSinkRun(t, { config: { batch: { max_bytes: '16KiB' }, retry: { min_backoff: '20ms', max_backoff: '1s' } } })
  run.double.failNext(1, 429, { acceptFraction: 0.5, retryAfter: '1' })
  run.double.failNext(9, 429, { acceptFraction: 0.3, retryAfter: '0' })
  const lines = writeLines(run.feed, N / 2, { prefix: 'first' })
  t.ok(await waitFor(() => run.double.requests.count >= 5, 10_000))
  lines.push(...writeLines(run.feed, N / 2, { prefix: 'second' }))
  t.ok(await waitFor(() => run.feed.cursor('loki:main') === lines.at(-1)!.id, 20_000), 'the sink catches up')
  assertExactlyOnce(t, run.double, lines)
  t.equal(await metricValue(run.metrics, 'threadline_loki_push_results_total', { ...sink, status: '429' }), 10)
  t.equal(await metricValue(run.metrics, 'threadline_loki_batches_retried_total', sink), 10, 'one retry per refusal')
  t.match(run.logs.join(''), /"status":429[^\n]*"retryInMs":1000/, 'Retry-After: 1 sets the first delay')
  t.equal(await metricValue(run.metrics, 'threadline_lines_dropped_total', { reason: 'loki_rejected' }), 0)
})

t.test('5xx answers are retried until Loki recovers', async (t) => {
  const run = await startSinkRun(t, { config: { batch: { max_bytes: '16KiB' } } })
  run.double.failNext(5, 500)
  run.double.failNext(5, 502)
  run.double.failNext(5, 503)
  const lines = writeLines(run.feed, N / 2, { prefix: 'first' })
  t.ok(await waitFor(() => run.double.requests.count >= 8, 10_000))
  run.double.failNext(5, 504)
  lines.push(...writeLines(run.feed, N / 2, { prefix: 'second' }))
  t.ok(await waitFor(() => run.feed.cursor('loki:main') === lines.at(-1)!.id, 20_000))
  assertExactlyOnce(t, run.double, lines)
  for (const status of ['500', '502', '503', '504']) {
    t.equal(await metricValue(run.metrics, 'threadline_loki_push_results_total', { ...sink, status }), 5, status)
  }
  t.equal(await metricValue(run.metrics, 'threadline_loki_batches_retried_total', sink), 20)
})

t.test('answers slower than the timeout: Loki stored the push, the resend is absorbed as duplicates', async (t) => {
  const run = await startSinkRun(t, { config: { batch: { max_bytes: '16KiB' }, timeout: '200ms' } })
  run.double.setLatency(500)
  const lines = writeLines(run.feed, N / 2, { prefix: 'first' })
  t.ok(await waitFor(() => run.double.requests.count >= 4, 10_000), 'the sink keeps resending')
  lines.push(...writeLines(run.feed, N / 2, { prefix: 'second' }))
  run.double.setLatency(0)
  t.ok(await waitFor(() => run.feed.cursor('loki:main') === lines.at(-1)!.id, 20_000))
  assertExactlyOnce(t, run.double, lines)
  t.ok((await metricValue(run.metrics, 'threadline_loki_push_results_total', { ...sink, status: 'timeout' })) >= 3)
  t.ok(run.double.requests.count > (await metricValue(run.metrics, 'threadline_loki_push_results_total', { ...sink, status: '204' })), 'more pushes reached Loki than were acknowledged')
})

t.test('a 500 for a push over Loki\'s message limit splits the batch; an entry that never fits is dropped, not retried forever', async (t) => {
  const run = await startSinkRun(t, { double: { maxBodyBytes: 64 * 1024 }, config: { batch: { max_bytes: '1MiB' } } })
  const labels = formatLabels({ service: 'big' })
  const now = Date.now()
  const big = run.feed.append(Array.from({ length: 600 }, (_, i) => ({ tsMs: now, tsNanos: i, labels, line: `${i} ${'b'.repeat(1000)}` })))
  run.feed.append([{ tsMs: now, tsNanos: 999_999, labels, line: 'h'.repeat(100 * 1024) }])
  const after = writeLines(run.feed, N)
  t.ok(await waitFor(() => run.feed.cursor('loki:main') === after.at(-1)!.id, 20_000))
  assertExactlyOnce(t, run.double, [...big, ...after])
  t.equal(await metricValue(run.metrics, 'threadline_lines_dropped_total', { reason: 'too_large' }), 1)
  t.ok((await metricValue(run.metrics, 'threadline_loki_push_results_total', { ...sink, status: '500' })) >= 2)
})
