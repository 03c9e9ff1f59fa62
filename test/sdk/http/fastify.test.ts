import Fastify from 'fastify'
import t from 'tap'
import { correlationId, createLogger, fastifyCorrelation } from '../../../sdk/index.js'
import { capture } from '../capture.js'
import { assertCorrelated, INCOMING_CASES } from './cases.js'
import { rawRequest } from './server.js'

const out = capture()
const logger = createLogger({ service: 'api', destination: out.stream })
const app = Fastify()
await app.register(fastifyCorrelation)
const hookIds: Array<string | undefined> = []
app.addHook('preHandler', async () => {
  hookIds.push(correlationId())
})
app.post('/orders', async (request) => {
  await new Promise((resolve) => setTimeout(resolve, 2))
  logger.info({ body: request.body }, 'handled')
  return 'ok'
})
await app.listen({ port: 0, host: '127.0.0.1' })
const port = (app.server.address() as { port: number }).port
t.teardown(() => app.close())

for (const { name, headers, expected } of INCOMING_CASES) {
  t.test(name, async (t) => {
    const before = out.lines.length
    const response = await rawRequest(port, 'POST', '/orders', headers, JSON.stringify({ symbol: 'ETHUSDT' }))
    assertCorrelated(t, response, out.lines[before]?.correlation_id, expected)
    t.match(out.lines[before], { body: { symbol: 'ETHUSDT' } }, 'the id survives body parsing and an await')
    t.equal(hookIds.at(-1), response.headers['x-correlation-id'], 'hooks after body parsing see it too')
  })
}

t.test('concurrent requests keep their own ids', async (t) => {
  const before = out.lines.length
  const ids = Array.from({ length: 50 }, (_, i) => `req-${i}`)
  const responses = await Promise.all(ids.map((id) => rawRequest(port, 'POST', '/orders', [`x-correlation-id: ${id}`], '{"n":1}')))
  t.same(responses.map((r) => r.headers['x-correlation-id']), ids)
  t.same(out.lines.slice(before).map((l) => l.correlation_id).sort(), [...ids].sort())
})
