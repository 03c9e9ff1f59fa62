import { execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { createLokiClient, parseRetryAfter, type LokiClientOptions } from '../../../transports/loki/push.js'
import type { LokiStream } from '../../../transports/loki/types.js'
import { startLokiDouble, type LokiDoubleOptions } from '../../support/loki-double.js'

const streams = (line = 'hello'): LokiStream[] => [{ labels: '{service="api"}', entries: [{ tsMs: Date.now(), tsNanos: 1, line }] }]

async function setup(t: Test, doubleOptions: LokiDoubleOptions = {}, clientOptions: Partial<LokiClientOptions> = {}) {
  const double = await startLokiDouble(doubleOptions)
  const client = createLokiClient({ endpoint: double.pushUrl, ...clientOptions })
  t.teardown(async () => {
    client.close()
    await double.stop()
  })
  return { double, client }
}

/** A server answering every request with `status`, `body` and `headers`. */
async function answering(t: Test, status: number, body: string, headers: Record<string, string> = {}) {
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(status, headers).end(body))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  const client = createLokiClient({ endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}/loki/api/v1/push` })
  t.teardown(() => client.close())
  return client
}

t.test('pushes protobuf with tenant and basic auth, reusing one connection', async (t) => {
  const auth = { username: 'u', password: 's3cret' }
  const { double, client } = await setup(t, { requireTenant: 'team', basicAuth: auth }, { tenantId: 'team', basicAuth: auth })
  for (const line of ['one', 'two', 'three']) t.same(await client.push(streams(line)), { ok: true, status: 204 })
  t.same(double.lines(), ['one', 'two', 'three'])
  t.equal(double.requests.connections, 1, 'keep-alive')
  t.equal(double.requests.lastHeaders?.['content-type'], 'application/x-protobuf')
  t.equal(double.requests.lastHeaders?.['x-scope-orgid'], 'team')
})

t.test('pushes gzipped JSON, and with a bearer token', async (t) => {
  const { double, client } = await setup(t, { bearerToken: 'tok' }, { encoding: 'json', gzip: true, bearerToken: 'tok' })
  t.same(await client.push(streams('json')), { ok: true, status: 204 })
  t.equal(double.requests.lastHeaders?.['content-type'], 'application/json')
  t.equal(double.requests.lastHeaders?.['content-encoding'], 'gzip')
  t.same(double.lines(), ['json'])
})

t.test('a 400 is final and carries Loki\'s reason, truncated', async (t) => {
  const { client } = await setup(t)
  const result = await client.push(streams('x'.repeat(300 * 1024)))
  t.match(result, { ok: false, retryable: false, status: 400, error: /Max entry size '262144' bytes exceeded/ })
  const long = await answering(t, 400, 'e'.repeat(5000))
  const truncated = await long.push(streams())
  t.equal(!truncated.ok && truncated.error.length, 1024)
})

t.test('statuses are classified: outages and throttling retry, bad data does not', async (t) => {
  const cases: [number, boolean][] = [[429, true], [500, true], [502, true], [503, true], [504, true], [401, true], [403, true], [404, true], [408, true], [400, false], [413, false], [422, false]]
  for (const [status, retryable] of cases) {
    const client = await answering(t, status, `status ${status}`)
    t.match(await client.push(streams()), { ok: false, status, retryable, error: `status ${status}` }, String(status))
  }
})

t.test('Retry-After is read as seconds or as an HTTP date', async (t) => {
  const seconds = await answering(t, 429, 'slow down', { 'Retry-After': '7' })
  t.match(await seconds.push(streams()), { status: 429, retryAfterMs: 7000 })
  const date = await answering(t, 503, 'later', { 'Retry-After': new Date(Date.now() + 60_000).toUTCString() })
  const result = await date.push(streams())
  t.ok(!result.ok && result.retryAfterMs! > 55_000 && result.retryAfterMs! <= 60_000, 'about a minute')
  t.equal(parseRetryAfter('12'), 12_000)
  t.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')), 60_000)
  t.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 08:00:00 GMT')), 0, 'a past date means now')
  t.equal(parseRetryAfter('soon'), undefined)
  t.equal(parseRetryAfter(undefined), undefined)
})

t.test('refused connections, timeouts and aborts are retryable results, never throws', async (t) => {
  const { double, client } = await setup(t, {}, { timeoutMs: 200 })
  await double.close()
  t.match(await client.push(streams()), { ok: false, retryable: true, status: 'network', error: 'ECONNREFUSED' })
  await double.reopen()
  double.setLatency(1000)
  t.match(await client.push(streams()), { ok: false, retryable: true, status: 'timeout', error: 'no answer within 200 ms' })
  const abort = new AbortController()
  const pending = client.push(streams(), { signal: abort.signal })
  abort.abort()
  t.match(await pending, { ok: false, retryable: true, status: 'network' })
})

t.test('a JSON push with a malformed selector is an invalid result, not an exception', async (t) => {
  const { double, client } = await setup(t, {}, { encoding: 'json' })
  t.match(await client.push([{ labels: 'oops', entries: [] }]), { ok: false, retryable: false, status: 'invalid' })
  t.equal(double.requests.count, 0)
})

t.test('bad options throw at construction, naming what was expected', async (t) => {
  t.throws(() => createLokiClient({ endpoint: 'ftp://loki/push' }), /endpoint must be an http\(s\) URL, received protocol "ftp:"/)
  t.throws(() => createLokiClient({ endpoint: 'http://loki', basicAuth: { username: 'u', password: 'p' }, bearerToken: 't' }), /exclusive/)
  t.throws(() => createLokiClient({ endpoint: 'http://loki', timeoutMs: 0 }), /timeoutMs must be a positive number, received 0/)
  t.throws(() => createLokiClient({ endpoint: 'https://loki', tls: { caFile: '/nonexistent/ca.pem' } }), /ENOENT/)
})

t.test('https: trusts a given CA, refuses an unknown one, or skips verification when told', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'loki-tls-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const key = join(dir, 'key.pem')
  const cert = join(dir, 'cert.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
  const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(204).end())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  const endpoint = `https://127.0.0.1:${(server.address() as { port: number }).port}/loki/api/v1/push`
  for (const [what, tls, ok] of [
    ['with the CA', { caFile: cert }, true],
    ['unknown CA', {}, false],
    ['skip verification', { insecureSkipVerify: true }, true],
  ] as const) {
    const client = createLokiClient({ endpoint, tls })
    const result = await client.push(streams())
    client.close()
    t.equal(result.ok, ok, what)
    if (!ok) t.match(result, { retryable: true, status: 'network', error: /SELF_SIGNED|CERT/ })
  }
})
