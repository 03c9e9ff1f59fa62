import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import t from 'tap'
import { AgentMetrics } from '../../../agent/metrics/internal.js'
import { LokiSinkConfig, createLokiSink, resolveLokiSinkOptions } from '../../../agent/sinks/loki.js'
import { formatLabels } from '../../../transports/loki/labels.js'
import type { LogEvent } from '../../../agent/core/types.js'
import { Store } from '../../../agent/store/store.js'
import { MemoryFeed } from '../../support/memory-feed.js'
import { assertExactlyOnce, metricValue, startSinkRun, waitFor, writeLines } from '../../support/loki-sink-harness.js'

const base = { type: 'loki', endpoint: 'http://loki:3100' }

t.test('config: defaults, endpoint forms, and every refusal named by its path', async (t) => {
  const defaults = LokiSinkConfig.parse(base)
  t.same(defaults, {
    type: 'loki',
    endpoint: 'http://loki:3100/loki/api/v1/push',
    encoding: 'protobuf',
    gzip: false,
    batch: { max_bytes: 1024 * 1024, max_wait: 1000 },
    retry: { min_backoff: 500, max_backoff: 300_000 },
    timeout: 10_000,
  })
  const endpoints: [string, string][] = [
    ['http://loki:3100/', 'http://loki:3100/loki/api/v1/push'],
    ['https://gw.example/loki/api/v1/push', 'https://gw.example/loki/api/v1/push'],
    ['https://gw.example/tenant-a/', 'https://gw.example/tenant-a/loki/api/v1/push'],
  ]
  for (const [given, expected] of endpoints) t.equal(LokiSinkConfig.parse({ ...base, endpoint: given }).endpoint, expected, given)
  t.match(LokiSinkConfig.parse({ ...base, batch: { max_bytes: '256KiB', max_wait: '2s' }, retry: { max_backoff: '1m' }, timeout: '3s' }), {
    batch: { max_bytes: 262_144, max_wait: 2000 },
    retry: { min_backoff: 500, max_backoff: 60_000 },
    timeout: 3000,
  })

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['typo at the top', { ...base, endpiont: 'x' }, /Unrecognized key: "endpiont"/],
    ['typo in batch', { ...base, batch: { max_byte: 10 } }, /batch: Unrecognized key: "max_byte"/],
    ['not a URL', { ...base, endpoint: '3100' }, /endpoint: expected an http\(s\) URL/],
    ['wrong scheme', { ...base, endpoint: 'ftp://loki' }, /endpoint: expected an http:\/\/ or https:\/\/ URL, received protocol "ftp:"/],
    ['bad duration', { ...base, timeout: 'soon' }, /expected a duration/],
    ['gzip with protobuf', { ...base, gzip: true }, /gzip applies to encoding: json/],
    ['auth and bearer', { ...base, auth: { username: 'u' }, bearer_token_file: '/t' }, /exclusive/],
    ['backoff upside down', { ...base, retry: { min_backoff: '10s', max_backoff: '1s' } }, /no longer than max_backoff/],
    ['tls on http', { ...base, tls: { insecure_skip_verify: true } }, /https/],
    ['unknown encoding', { ...base, encoding: 'avro' }, /encoding/],
  ]
  for (const [what, config, message] of refusals) {
    const result = LokiSinkConfig.safeParse(config)
    t.notOk(result.success, what)
    t.match(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'), message, what)
  }
  const secretUrl = LokiSinkConfig.safeParse({ ...base, endpoint: 'https://user:hunter2@loki' })
  t.notOk(secretUrl.success)
  t.notMatch(JSON.stringify(secretUrl.error?.issues.map((i) => i.message)), /hunter2/, 'the refusal does not echo the secret')
})

t.test('options: secrets from files or LOKI_* variables, never required in YAML', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'loki-secrets-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const passwordFile = join(dir, 'password')
  const tokenFile = join(dir, 'token')
  writeFileSync(passwordFile, 'from-file\n')
  writeFileSync(tokenFile, 'tok-123\n')

  const fromFile = resolveLokiSinkOptions(LokiSinkConfig.parse({ ...base, tenant_id: 'a', auth: { username: 'u', password_file: passwordFile } }), {})
  t.match(fromFile, { tenantId: 'a', basicAuth: { username: 'u', password: 'from-file' }, batch: { maxBytes: 1 << 20, maxWaitMs: 1000 }, retry: { minBackoffMs: 500, maxBackoffMs: 300_000 }, timeoutMs: 10_000 })
  const fromEnv = resolveLokiSinkOptions(LokiSinkConfig.parse(base), { LOKI_USERNAME: 'eu', LOKI_PASSWORD: 'env-pass', LOKI_TENANT_ID: 'env-tenant' })
  t.match(fromEnv, { tenantId: 'env-tenant', basicAuth: { username: 'eu', password: 'env-pass' } })
  const fromEnvFile = resolveLokiSinkOptions(LokiSinkConfig.parse(base), { LOKI_USERNAME: 'eu', LOKI_PASSWORD_FILE: passwordFile })
  t.match(fromEnvFile, { basicAuth: { password: 'from-file' } })
  t.match(resolveLokiSinkOptions(LokiSinkConfig.parse({ ...base, bearer_token_file: tokenFile }), { LOKI_USERNAME: 'ignored' }), { bearerToken: 'tok-123', basicAuth: undefined })
  t.equal(resolveLokiSinkOptions(LokiSinkConfig.parse(base), {}).basicAuth, undefined)

  t.throws(() => resolveLokiSinkOptions(LokiSinkConfig.parse(base), { LOKI_USERNAME: 'u' }), /no password/)
  t.throws(() => resolveLokiSinkOptions(LokiSinkConfig.parse({ ...base, auth: { password_file: passwordFile } }), {}), /no username/)
  t.throws(() => resolveLokiSinkOptions(LokiSinkConfig.parse({ ...base, bearer_token_file: join(dir, 'missing') }), {}), /cannot read the bearer token file .*missing: ENOENT/)
})

t.test('ships every line once, in order per stream, and commits its cursor', async (t) => {
  const run = await startSinkRun(t)
  const lines = writeLines(run.feed, 1000)
  t.ok(await waitFor(() => run.feed.cursor('loki:main') === lines.at(-1)!.id, 10_000), 'cursor reaches the last line')
  assertExactlyOnce(t, run.double, lines)
  t.equal(await metricValue(run.metrics, 'threadline_lines_shipped_total', { sink: 'main' }), 1000)
  t.equal(await metricValue(run.metrics, 'threadline_shipped_bytes_total', { sink: 'main' }), lines.reduce((n, l) => n + Buffer.byteLength(l.line), 0))
  t.ok((await metricValue(run.metrics, 'threadline_loki_push_results_total', { sink: 'main', status: '204' })) >= 1)
  t.ok((await metricValue(run.metrics, 'threadline_loki_push_duration_seconds_count', { sink: 'main' })) >= 1)
  t.ok((await metricValue(run.metrics, 'threadline_loki_last_success_timestamp_seconds', { sink: 'main' })) > Date.now() / 1000 - 60)
  t.equal(await metricValue(run.metrics, 'threadline_queue_depth_lines', { sink: 'main' }), 0)
})

t.test('batches by size and by time', async (t) => {
  const bySize = await startSinkRun(t, { config: { batch: { max_bytes: '8KiB', max_wait: '1h' } } })
  const lines = writeLines(bySize.feed, 1000)
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l.line), 0)
  const fullBatches = Math.floor(bytes / 8192)
  t.ok(await waitFor(() => bySize.double.requests.count >= fullBatches, 10_000), 'full batches go without waiting for max_wait')
  t.ok(bySize.double.lines().length < 1000, 'the last, partial batch waits for max_wait…')
  await bySize.sink.stop()
  assertExactlyOnce(t, bySize.double, lines)
  t.equal(bySize.double.requests.count, fullBatches + 1, `…and goes at stop: ${bytes} bytes in ${fullBatches + 1} pushes of at most 8 KiB`)

  const byTime = await startSinkRun(t, { config: { batch: { max_wait: '300ms' } } })
  for (let i = 0; i < 5; i++) writeLines(byTime.feed, 1, { prefix: `burst ${i}` })
  t.ok(await waitFor(() => byTime.double.lines().length === 5, 5000))
  t.equal(byTime.double.requests.count, 1, 'lines arriving within max_wait share one push')
})

t.test('JSON with gzip, tenant and basic auth reach a Loki that requires them', async (t) => {
  const auth = { username: 'agent', password: 'pw' }
  const run = await startSinkRun(t, {
    config: { encoding: 'json', gzip: true, tenant_id: 'team-a', auth: { username: 'agent' } },
    env: { LOKI_PASSWORD: 'pw' },
    double: { requireTenant: 'team-a', basicAuth: auth },
  })
  const lines = writeLines(run.feed, 200)
  t.ok(await waitFor(() => run.double.lines().length === 200, 10_000))
  assertExactlyOnce(t, run.double, lines)
  t.equal(run.double.requests.lastHeaders?.['content-encoding'], 'gzip')
})

t.test('a restarted sink resumes from its cursor', async (t) => {
  const feed = new MemoryFeed()
  const first = await startSinkRun(t, { feed })
  const before = writeLines(feed, 100, { prefix: 'before' })
  t.ok(await waitFor(() => feed.cursor('loki:main') === before.at(-1)!.id, 10_000))
  await first.sink.stop()
  const after = writeLines(feed, 100, { prefix: 'after' })
  const second = await startSinkRun(t, { feed })
  t.ok(await waitFor(() => feed.cursor('loki:main') === after.at(-1)!.id, 10_000))
  assertExactlyOnce(t, second.double, after)
})

t.test('a 400 is never retried: the batch is dropped, counted with its reason, and the queue moves on', async (t) => {
  const run = await startSinkRun(t)
  const old = Date.now() - 8 * 86_400_000
  run.feed.append([{ tsMs: old, tsNanos: 0, labels: formatLabels({ service: 'api' }), line: 'eight days old' }])
  t.ok(await waitFor(() => run.feed.cursor('loki:main') === 1, 5000))
  const later = writeLines(run.feed, 50)
  t.ok(await waitFor(() => run.double.lines().length === 50, 5000))
  assertExactlyOnce(t, run.double, later)
  t.equal(await metricValue(run.metrics, 'threadline_loki_push_results_total', { sink: 'main', status: '400' }), 1)
  t.equal(await metricValue(run.metrics, 'threadline_loki_batches_retried_total', { sink: 'main' }), 0)
  t.equal(await metricValue(run.metrics, 'threadline_lines_dropped_total', { reason: 'loki_rejected' }), 1)
  t.match(run.logs.join(''), /timestamp too old/, 'Loki\'s reason is logged')
})

t.test('an entry too large for any push is dropped as too_large and does not block the queue', async (t) => {
  const run = await startSinkRun(t)
  const labels = formatLabels({ service: 'api' })
  const now = Date.now()
  const first = run.feed.append([{ tsMs: now, tsNanos: 0, labels, line: 'before' }])
  run.feed.append([{ tsMs: now, tsNanos: 1, labels, line: 'x'.repeat(5 * 1024 * 1024) }])
  const last = run.feed.append([{ tsMs: now, tsNanos: 2, labels, line: 'after' }])
  t.ok(await waitFor(() => run.feed.cursor('loki:main') === last[0]!.id, 10_000))
  assertExactlyOnce(t, run.double, [...first, ...last])
  t.equal(await metricValue(run.metrics, 'threadline_lines_dropped_total', { reason: 'too_large' }), 1)
})

t.test('a line with a malformed selector is dropped, not sent, and not fatal', async (t) => {
  const run = await startSinkRun(t, { config: { encoding: 'json' } })
  run.feed.append([{ tsMs: Date.now(), tsNanos: 0, labels: 'not a selector', line: 'lost' }])
  const good = writeLines(run.feed, 10)
  t.ok(await waitFor(() => run.feed.cursor('loki:main') === good.at(-1)!.id, 5000))
  assertExactlyOnce(t, run.double, good)
  t.equal(await metricValue(run.metrics, 'threadline_lines_dropped_total', { reason: 'loki_rejected' }), 1)
})

t.test('credentials never reach the log, even when Loki refuses them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'loki-secret-log-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const tokenFile = join(dir, 'token')
  writeFileSync(tokenFile, 'bearer-secret-xyz\n')
  const basic = await startSinkRun(t, { config: { auth: { username: 'agent' } }, env: { LOKI_PASSWORD: 'basic-secret-abc' }, double: { basicAuth: { username: 'agent', password: 'other' } } })
  const bearer = await startSinkRun(t, { config: { bearer_token_file: tokenFile }, double: { bearerToken: 'other' } })
  writeLines(basic.feed, 5)
  writeLines(bearer.feed, 5)
  t.ok(await waitFor(() => basic.double.requests.count >= 3 && bearer.double.requests.count >= 3, 5000), 'refused pushes are retried (401 needs an operator, not a drop)')
  const logs = [...basic.logs, ...bearer.logs].join('')
  t.match(logs, /loki push failed; will retry/)
  t.match(logs, /"status":401/)
  for (const secret of ['basic-secret-abc', Buffer.from('agent:basic-secret-abc').toString('base64'), 'bearer-secret-xyz', 'Authorization', 'authorization']) {
    t.notMatch(logs, secret, `no ${secret} in logs`)
  }
})

t.test('stop: safe before start and twice; flushes without waiting for max_wait; bounded by its deadline', async (t) => {
  const idle = await startSinkRun(t)
  await Promise.all([idle.sink.stop(), idle.sink.stop()])
  await idle.sink.stop()

  const flushing = await startSinkRun(t, { config: { batch: { max_wait: '1h' } } })
  const lines = writeLines(flushing.feed, 300)
  await new Promise((resolve) => setTimeout(resolve, 100))
  await flushing.sink.stop(5000)
  assertExactlyOnce(t, flushing.double, lines)
  t.equal(flushing.feed.cursor('loki:main'), lines.at(-1)!.id)

  const stuck = await startSinkRun(t, { config: { retry: { min_backoff: '10s', max_backoff: '1m' } } })
  await stuck.double.close()
  writeLines(stuck.feed, 10)
  t.ok(await waitFor(() => stuck.logs.some((l) => l.includes('will retry')), 5000))
  await stuck.sink.stop(200)
  t.equal(stuck.feed.cursor('loki:main'), 0, 'nothing committed that Loki did not take')
  t.equal(await metricValue(stuck.metrics, 'threadline_queue_depth_lines', { sink: 'main' }), 10)

  const neverStarted = createLokiSink(resolveLokiSinkOptions(LokiSinkConfig.parse(base), {}), {
    id: 'never',
    feed: new MemoryFeed(),
    metrics: new AgentMetrics({ processMetrics: false }),
    log: pino({ level: 'silent' }),
  })
  await neverStarted.stop()
  await neverStarted.stop()
  await neverStarted.start()
  t.pass('stop before start, twice, and a start after stop are no-ops')
})

t.test('lines from the real store ship byte for byte, non-ASCII included, with either encoding and across batches read from memory and from SQLite', async (t) => {
  for (const encoding of ['protobuf', 'json'] as const) {
    await t.test(encoding, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'threadline-sink-store-'))
      t.teardown(() => rmSync(dir, { recursive: true, force: true }))
      const path = join(dir, 'store.db')
      const writer = new Store(path)
      const now = Date.now() - 10_000
      const texts = ['plain ascii', 'ünïcödé ✓ "quoted"', '日本語のログ', '', 'emoji 🚀 at the end', 'x'.repeat(3000)]
      const event = (i: number): LogEvent => {
        const labels = Object.freeze({ service: `svc${i % 2}`, level: 'info', event: 'LOG' })
        return { tsMs: now + i, tsNanos: i, timeOrigin: 'own', line: `${i} ${texts[i % texts.length]}`, level: 'info', service: labels.service, event: 'LOG', correlationId: null, labels, fields: null, source: 't' }
      }
      // Stored by one connection and read by a new one: the first batches only from SQLite, the later ones from memory.
      writer.append(Array.from({ length: 300 }, (_, i) => event(i)))
      writer.close()
      const store = new Store(path)
      t.teardown(() => store.close())
      const run = await startSinkRun(t, { config: { encoding, batch: { max_bytes: 4096, max_wait: '20ms' } }, feed: store })
      store.append(Array.from({ length: 300 }, (_, i) => event(300 + i)))
      t.ok(await waitFor(() => run.double.count() >= 600, 10_000), 'all delivered')
      assertExactlyOnce(t, run.double, store.readAfter(0, 1000))
      // The double holds a push before the sink has read Loki's answer and counted it: stopped, the sink has settled every push.
      await run.sink.stop(1000)
      t.equal(await metricValue(run.metrics, 'threadline_shipped_bytes_total', { sink: 'main' }), store.readAfter(0, 1000).reduce((n, line) => n + Buffer.byteLength(line.line), 0), 'bytes counted in UTF-8')
    })
  }
})
