import { createServer } from 'node:http'
import express from 'express'
import t from 'tap'
import { createLogger, expressCorrelation } from '../../../sdk/index.js'
import { capture } from '../capture.js'
import { assertCorrelated, INCOMING_CASES } from './cases.js'
import { listen, rawRequest } from './server.js'

const out = capture()
const logger = createLogger({ service: 'api', destination: out.stream })
const app = express()
app.use(expressCorrelation())
app.use(express.json())
app.all('/{*path}', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 2))
  logger.info({ path: req.path, body: req.body as unknown }, 'handled')
  res.send('ok')
})
const server = createServer(app)
const port = await listen(server)
t.teardown(() => server.close())

for (const { name, headers, expected } of INCOMING_CASES) {
  t.test(name, async (t) => {
    const before = out.lines.length
    const response = await rawRequest(port, 'POST', '/orders', headers, JSON.stringify({ symbol: 'BTCUSDT' }))
    assertCorrelated(t, response, out.lines[before]?.correlation_id, expected)
    t.match(out.lines[before], { body: { symbol: 'BTCUSDT' } }, 'the id survives body parsing and an await')
  })
}
