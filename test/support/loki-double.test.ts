import { gzipSync } from 'node:zlib'
import { compressSync } from 'snappy'
import t, { type Test } from 'tap'
import { encodePushRequest } from '../../transports/loki/encode-protobuf.js'
import { startLokiDouble, type LokiDouble } from './loki-double.js'

type Entry = { tsMs: number; tsNanos: number; line: string }
const now = Date.now()
const at = (line: string, tsMs = now, tsNanos = 0): Entry => ({ tsMs, tsNanos, line })

async function push(double: LokiDouble, body: Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(double.pushUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/x-protobuf', ...headers } })
  return { status: response.status, text: await response.text(), retryAfter: response.headers.get('retry-after') }
}
const protobuf = (streams: { labels: string; entries: Entry[] }[]) => compressSync(encodePushRequest(streams))
const json = (streams: { stream: Record<string, string>; values: unknown[] }[]) => Buffer.from(JSON.stringify({ streams }))

async function double(t: Test, options?: Parameters<typeof startLokiDouble>[0]) {
  const d = await startLokiDouble(options)
  t.teardown(() => d.stop())
  return d
}

t.test('accepts protobuf+snappy and JSON (plain and gzip), keeping ns timestamps exact', async (t) => {
  const d = await double(t)
  t.equal((await push(d, protobuf([{ labels: '{service="api", level="info"}', entries: [at('p1', now, 123_456)] }]))).status, 204)
  const jsonTs = `${BigInt(now) * 1_000_000n + 456_789n}`
  const body = json([{ stream: { service: 'api', level: 'info' }, values: [[jsonTs, 'j1']] }])
  t.equal((await push(d, body, { 'Content-Type': 'application/json' })).status, 204)
  t.equal((await push(d, gzipSync(json([{ stream: { service: 'api' }, values: [[`${BigInt(now) * 1_000_000n}`, 'g1']] }])), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })).status, 204)
  t.same(d.lines(), ['p1', 'j1', 'g1'])
  const [p1, j1] = d.entries()
  t.equal(p1!.labels, '{level="info", service="api"}', 'labels as Loki prints them: sorted')
  t.equal(p1!.tsNs, `${BigInt(now) * 1_000_000n + 123_456n}`)
  t.equal(j1!.tsNs, jsonTs)
  t.same(d.requests.byStatus, { 204: 3 })
  t.equal(d.requests.count, 3)
  t.ok(d.requests.bodyBytes > 0)
})

t.test('refuses bodies Loki cannot decode with 400', async (t) => {
  const d = await double(t)
  const message = encodePushRequest([{ labels: '{a="b"}', entries: [at('x')] }])
  const framed = Buffer.concat([Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]), message])
  for (const [what, body, headers] of [
    ['framed snappy', framed, {}],
    ['uncompressed protobuf', message, {}],
    ['truncated protobuf', compressSync(message.subarray(0, message.length - 3)), {}],
    ['not JSON', Buffer.from('{"streams":'), { 'Content-Type': 'application/json' }],
    ['ts not a string', json([{ stream: { a: 'b' }, values: [[now * 1e6, 'x']] }]), { 'Content-Type': 'application/json' }],
    ['unknown Content-Encoding', compressSync(message), { 'Content-Encoding': 'br' }],
  ] as const) {
    t.equal((await push(d, body, headers)).status, 400, what)
  }
  t.same(d.lines(), [])
})

t.test('label rules: a bad stream is refused with Loki\'s message, good streams in the same push are kept', async (t) => {
  const d = await double(t)
  const sixteen = `{${Array.from({ length: 16 }, (_, i) => `l${i}="v"`).join(', ')}}`
  const fifteenAndService = `{${Array.from({ length: 15 }, (_, i) => `l${i}="v"`).join(', ')}, service_name="s"}`
  const cases: [string, RegExp][] = [
    ['{}', /at least one label pair is required per stream/],
    ['{a="x", a="y"}', /has duplicate label name: 'a'/],
    [sixteen, /has 16 label names; limit 15/],
    [`{${'n'.repeat(1025)}="v"}`, /has label name too long/],
    [`{a="${'v'.repeat(2049)}"}`, /has label value too long/],
    ['{a=x}', /Error parsing labels/],
  ]
  for (const [labels, message] of cases) {
    const res = await push(d, protobuf([{ labels, entries: [at(`bad ${labels.length}`)] }, { labels: '{ok="yes"}', entries: [at(`good ${labels.length}`)] }]))
    t.equal(res.status, 400, labels.slice(0, 40))
    t.match(res.text, message)
  }
  const jsonRes = await push(d, json([{ stream: { 'bad-name': 'x' }, values: [[`${BigInt(now) * 1_000_000n}`, 'bad json']] }]), { 'Content-Type': 'application/json' })
  t.equal(jsonRes.status, 400)
  t.match(jsonRes.text, /Error parsing labels/)
  t.equal((await push(d, protobuf([{ labels: fifteenAndService, entries: [at('service_name is not counted')] }]))).status, 204)
  t.equal((await push(d, protobuf([{ labels: `{a="${'v'.repeat(2048)}", ${'n'.repeat(1024)}="v"}`, entries: [at('at the limits')] }]))).status, 204)
  t.same(d.lines(), [...cases.map(([labels]) => `good ${labels.length}`), 'service_name is not counted', 'at the limits'])
})

t.test('entry rules: old, future and long entries are refused alone', async (t) => {
  const d = await double(t)
  const day = 86_400_000
  const res = await push(
    d,
    protobuf([
      {
        labels: '{service="api"}',
        entries: [at('ok 1'), at('too old', now - 8 * day), at('6 days old', now - 6 * day), at('too new', now + 11 * 60_000), at('5 min ahead', now + 5 * 60_000), at('x'.repeat(256 * 1024 + 1)), at('y'.repeat(256 * 1024))],
      },
    ]),
  )
  t.equal(res.status, 400)
  t.match(res.text, /entry for stream '\{service="api"\}' has timestamp too old: .*, oldest acceptable timestamp is: /)
  t.match(res.text, /entry for stream '\{service="api"\}' has timestamp too new: /)
  t.match(res.text, /Max entry size '262144' bytes exceeded for stream '\{service="api"\}' while adding an entry with length '262145' bytes/)
  t.same(d.lines(), ['ok 1', '6 days old', '5 min ahead', 'y'.repeat(256 * 1024)])
})

t.test('a push over the gRPC message limit is answered 500 and stores nothing', async (t) => {
  const d = await double(t, { maxBodyBytes: 1000 })
  const res = await push(d, protobuf([{ labels: '{a="b"}', entries: [at('z'.repeat(2000))] }]))
  t.equal(res.status, 500)
  t.match(res.text, /grpc: received message larger than max \(\d+ vs\. 1000\)/)
  t.same(d.lines(), [])
})

t.test('exact duplicates in a stream are dropped, as Loki does', async (t) => {
  const d = await double(t)
  const body = protobuf([
    { labels: '{a="b"}', entries: [at('same', now, 1), at('same', now, 1), at('same', now, 2), at('other', now, 1)] },
    { labels: '{a="c"}', entries: [at('same', now, 1)] },
  ])
  t.equal((await push(d, body)).status, 204)
  t.equal((await push(d, body)).status, 204, 'a resent push is accepted…')
  t.same(d.entries().map((e) => [e.labels, e.tsNs.slice(-1), e.line]), [
    ['{a="b"}', '1', 'same'],
    ['{a="b"}', '2', 'same'],
    ['{a="b"}', '1', 'other'],
    ['{a="c"}', '1', 'same'],
  ], '…and stores nothing twice')
})

t.test('tenant and credentials are enforced when asked', async (t) => {
  const body = protobuf([{ labels: '{a="b"}', entries: [at('x')] }])
  const tenant = await double(t, { requireTenant: 'team-a' })
  t.equal((await push(tenant, body)).status, 401)
  t.match((await push(tenant, body)).text, /no org id/)
  t.equal((await push(tenant, body, { 'X-Scope-OrgID': 'team-b' })).status, 401)
  t.equal((await push(tenant, body, { 'X-Scope-OrgID': 'team-a' })).status, 204)
  t.equal(tenant.entries()[0]!.tenant, 'team-a')

  const basic = await double(t, { basicAuth: { username: 'u', password: 'p' } })
  t.equal((await push(basic, body, { Authorization: `Basic ${Buffer.from('u:wrong').toString('base64')}` })).status, 401)
  t.equal((await push(basic, body, { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` })).status, 204)

  const bearer = await double(t, { bearerToken: 'tok' })
  t.equal((await push(bearer, body)).status, 401)
  t.equal((await push(bearer, body, { Authorization: 'Bearer tok' })).status, 204)
})

t.test('failNext answers as told, storing a fraction first for a 429', async (t) => {
  const d = await double(t)
  d.failNext(1, 429, { acceptFraction: 0.5, retryAfter: '3' })
  d.failNext(1, 503)
  const entries = Array.from({ length: 10 }, (_, i) => at(`l${i}`, now, i))
  const body = protobuf([{ labels: '{a="b"}', entries }, { labels: '{a="c"}', entries: entries.slice(0, 3) }])
  const limited = await push(d, body)
  t.equal(limited.status, 429)
  t.equal(limited.retryAfter, '3')
  t.match(limited.text, /Per stream rate limit exceeded/)
  t.same(d.lines(), ['l0', 'l1', 'l2', 'l3', 'l4', 'l0'], 'the first half of each stream')
  t.equal((await push(d, body)).status, 503)
  t.equal(d.lines().length, 6, 'a 5xx stores nothing')
  t.equal((await push(d, body)).status, 204)
  t.equal(d.lines().length, 13, 'the resend completes both streams without duplicates')
})

t.test('latency, refused connections and reopening on the same port', async (t) => {
  const d = await double(t)
  const body = protobuf([{ labels: '{a="b"}', entries: [at('x')] }])
  d.setLatency(300)
  const started = Date.now()
  t.equal((await push(d, body)).status, 204)
  t.ok(Date.now() - started >= 250, 'the answer waited')
  d.setLatency(0)
  await d.close()
  await t.rejects(push(d, body), 'connections are refused while closed')
  await d.reopen()
  t.equal((await push(d, body)).status, 204)
  t.equal((await fetch(`${d.url}/ready`)).status, 200)
  t.equal((await fetch(`${d.url}/loki/api/v1/query`)).status, 400, 'an empty query is refused, as Loki refuses it')
    t.equal((await fetch(`${d.url}/loki/api/v1/tail`)).status, 404)
})
