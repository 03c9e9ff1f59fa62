import { createServer, request } from 'node:http'
import t from 'tap'
import { correlationHeaders, correlationId, createLogger, withHttpCorrelation } from '../../../sdk/index.js'
import { capture } from '../capture.js'
import { assertCorrelated, INCOMING_CASES } from './cases.js'
import { listen, rawRequest } from './server.js'

const out = capture()
const logger = createLogger({ service: 'api', destination: out.stream })
const server = createServer(
  withHttpCorrelation(async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 2))
    logger.info({ path: req.url }, 'handled')
    res.end(correlationId())
  }),
)
const port = await listen(server)
t.teardown(() => server.close())

for (const { name, headers, expected } of INCOMING_CASES) {
  t.test(name, async (t) => {
    const before = out.lines.length
    const response = await rawRequest(port, 'GET', `/${encodeURIComponent(name)}`, headers)
    assertCorrelated(t, response, out.lines[before]?.correlation_id, expected)
    t.equal(response.body, response.headers['x-correlation-id'])
    t.notMatch(out.raw.slice(before).join(''), /"level":"fatal"|aaaaaaaaaa/, 'the raw value never reaches a line')
  })
}

t.test('correlationHeaders() carries the id to an outgoing call', async (t) => {
  const downstream = createServer(withHttpCorrelation((_req, res) => res.end(correlationId())))
  const downstreamPort = await listen(downstream)
  t.teardown(() => downstream.close())
  const upstream = createServer(
    withHttpCorrelation((_req, res) => {
      request({ host: '127.0.0.1', port: downstreamPort, headers: correlationHeaders() }, (reply) => {
        let body = ''
        reply.on('data', (chunk) => (body += chunk))
        reply.on('end', () => res.end(JSON.stringify({ mine: correlationId(), theirs: body })))
      }).end()
    }),
  )
  const upstreamPort = await listen(upstream)
  t.teardown(() => upstream.close())
  const response = await rawRequest(upstreamPort, 'GET', '/', ['x-correlation-id: chain-42'])
  t.same(JSON.parse(response.body), { mine: 'chain-42', theirs: 'chain-42' })
  t.same(correlationHeaders(), {}, 'outside a context there is nothing to propagate')
})
