/**
 * A demo trading service built on the SDK: an HTTP server (node:http
 * middleware) and a loop simulating the flow every `intervalMs`:
 * INTENT_RECEIVED in ai_engine, then ORDER_SUBMIT and ORDER_RESPONSE in
 * auto_executor under the same correlation id. Now and then an order fails
 * (an error line) or gets no response (a submit without its response), which
 * is what the agent's rules and dashboards look for.
 *
 * Run: `node dist/examples/demo-service.js` (DEMO_PORT, DEMO_LOG_FILE), or
 * `startDemo()` in-process. Stops cleanly on SIGTERM.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import {
  correlationId,
  createLogger,
  logIntentReceived,
  logOrderResponse,
  logOrderSubmit,
  newCorrelationId,
  openDestination,
  withCorrelation,
  withHttpCorrelation,
} from '../sdk/index.js'
import type { OrderSide } from '../sdk/index.js'

/** Options of `startDemo`. */
export interface DemoOptions {
  /** Where both services log; default stdout. */
  logFile?: string
  /** Milliseconds between simulated intents; default 200. */
  intervalMs?: number
  /** HTTP port on 127.0.0.1; default 0 (a random free port). */
  port?: number
}

/** A running demo. */
export interface Demo {
  /** The HTTP server's port. */
  port: number
  /** Stops the loop and the server, then flushes and closes the log. Safe twice. */
  stop(): Promise<void>
}

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']

/** Starts the demo service; resolves once the HTTP server listens. */
export async function startDemo({ logFile, intervalMs = 200, port = 0 }: DemoOptions = {}): Promise<Demo> {
  // One destination shared by both services keeps their lines in order.
  const destination = openDestination(logFile ?? 1)
  const ai = createLogger({ service: 'ai_engine', destination })
  const executor = createLogger({ service: 'auto_executor', destination })
  let sequence = 0

  async function simulateTrade(): Promise<void> {
    const n = ++sequence
    const symbol = SYMBOLS[n % SYMBOLS.length]!
    const side: OrderSide = n % 2 === 0 ? 'BUY' : 'SELL'
    const intentId = `intent_${n}`
    const orderId = `ord_${n}`
    logIntentReceived(ai, { symbol, intent_id: intentId, side, confidence: Number((0.5 + (n % 50) / 100).toFixed(2)) })
    await new Promise((resolve) => setTimeout(resolve, 5))
    const qty = 0.01 * (1 + (n % 3))
    const price = 40_000 + (n % 100)
    logOrderSubmit(executor, { symbol, intent_id: intentId, order_id: orderId, side, qty, price })
    if (n % 17 === 0) {
      executor.error({ event: 'ORDER_ERROR', symbol, order_id: orderId, err: new Error('exchange timeout') }, `Order ${orderId} failed`)
      return
    }
    // Every 13th order never gets an answer: a submit without a response.
    if (n % 13 === 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
    logOrderResponse(executor, { symbol, intent_id: intentId, order_id: orderId, status: 'FILLED', qty, price })
  }

  const inFlight = new Set<Promise<void>>()
  const timer = setInterval(() => {
    const trade = withCorrelation(newCorrelationId(), simulateTrade)
    inFlight.add(trade)
    void trade.finally(() => inFlight.delete(trade))
  }, intervalMs)

  const server = createServer(
    withHttpCorrelation((req, res) => {
      executor.info({ event: 'HTTP_REQUEST', method: req.method, path: req.url }, `${req.method} ${req.url}`)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ ok: true, correlation_id: correlationId() }))
    }),
  )
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))

  let stopped: Promise<void> | undefined
  return {
    port: (server.address() as AddressInfo).port,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer)
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        await Promise.allSettled([...inFlight])
        await executor.flush()
        if (logFile !== undefined) await closeDestination(destination)
      })()
      return stopped
    },
  }
}

function closeDestination(destination: ReturnType<typeof openDestination>): Promise<void> {
  return new Promise((resolve) => {
    destination.once('close', () => resolve())
    destination.end()
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const demo = await startDemo({ logFile: process.env.DEMO_LOG_FILE, port: Number(process.env.DEMO_PORT ?? 0) })
  process.stderr.write(`demo service listening on 127.0.0.1:${demo.port}\n`)
  process.once('SIGTERM', () => {
    void demo.stop().then(() => process.exit(0))
  })
}
