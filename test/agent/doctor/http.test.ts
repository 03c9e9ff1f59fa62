/**
 * The doctor's GET never throws: a silent server is "no answer within", a
 * body that is not JSON is said so, a long body is cut.
 */
import t from 'tap'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { brief, get, getJson } from '../../../agent/doctor/http.js'

const server = createServer((req, res) => {
  if (req.url === '/silent') return // never answers
  if (req.url === '/html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>')
  res.writeHead(500).end(`${'x'.repeat(300)}\nsecond line`)
})
server.listen(0, '127.0.0.1')
await once(server, 'listening')
t.teardown(() => {
  server.closeAllConnections()
  server.close()
})
const endpoint = { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, headers: {} }

t.test('a server that never answers', async (t) => {
  t.strictSame(await get(endpoint, '/silent', 200), { ok: false, error: 'no answer within 200 ms' })
})

t.test('a 2xx that is not JSON', async (t) => {
  t.strictSame(await getJson(endpoint, '/html', 2_000), { ok: false, status: 200, error: 'not JSON: <html>login</html>' })
})

t.test('a long error body is cut to its first line, 160 characters', async (t) => {
  const answer = await get(endpoint, '/error', 2_000)
  t.match(answer, { ok: false, status: 500, error: /^HTTP 500: x{157}\.\.\.$/ })
  t.equal(brief('  \n'), '')
})
