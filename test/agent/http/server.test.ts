import t from 'tap'
import { Counter, Registry } from 'prom-client'
import { createHttpServer, parseListen } from '../../../agent/http/server.js'

t.test('parseListen accepts host:port and [v6]:port only', async (t) => {
  t.same(parseListen('127.0.0.1:9480'), { host: '127.0.0.1', port: 9480 })
  t.same(parseListen('[::1]:0'), { host: '::1', port: 0 })
  t.same(parseListen('localhost:80'), { host: 'localhost', port: 80 })
  for (const bad of ['9480', '127.0.0.1', '127.0.0.1:99999', ':9480', 'a:b']) t.equal(parseListen(bad), undefined, bad)
  t.throws(() => createHttpServer({ listen: 'nope', renderMetrics: async () => '', isReady: () => true }), /HOST:PORT/)
})

t.test('serves /metrics as rendered, /ready and /healthz', async (t) => {
  const first = new Registry()
  const second = new Registry()
  new Counter({ name: 'first_total', help: 'first', registers: [first] }).inc(3)
  new Counter({ name: 'second_total', help: 'second', registers: [second] }).inc(5)
  let ready = false
  const server = createHttpServer({ listen: '127.0.0.1:0', renderMetrics: async () => (await first.metrics()) + (await second.metrics()), isReady: () => ready })
  t.teardown(() => server.stop())
  await server.start()
  await server.start()
  const { host, port } = server.address()
  t.equal(host, '127.0.0.1', 'binds loopback as told')
  const base = `http://127.0.0.1:${port}`

  const metrics = await fetch(`${base}/metrics`)
  t.equal(metrics.status, 200)
  t.match(metrics.headers.get('content-type'), /text\/plain/)
  const body = await metrics.text()
  t.match(body, /^first_total 3$/m)
  t.match(body, /^second_total 5$/m)

  t.equal((await fetch(`${base}/ready`)).status, 503)
  ready = true
  t.equal((await fetch(`${base}/ready`)).status, 200)
  t.equal((await fetch(`${base}/healthz`)).status, 200)
  t.equal((await fetch(`${base}/nope`)).status, 404)
  t.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405)
})

t.test('stop is safe before start and twice', async (t) => {
  const server = createHttpServer({ listen: '127.0.0.1:0', renderMetrics: async () => '', isReady: () => true })
  await server.stop()
  await server.start()
  await server.stop()
  await server.stop()
  t.throws(() => server.address(), /not started/)
})
