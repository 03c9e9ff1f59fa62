/**
 * One logging process of the transport benchmark: logs LINES SDK-shaped
 * lines through pino.transport() to Loki, with threadline/loki or pino-loki,
 * as a burst (RATE=0) or paced at RATE lines/s, then ends by running out of
 * work, as a service exits. Prints `start <epoch ms>` when logging begins.
 */
import pino from 'pino'

const [kind, url] = process.argv.slice(2) as ['threadline' | 'pino-loki', string]
const lines = Number(process.env.LINES ?? 100_000)
const rate = Number(process.env.RATE ?? 0)

const transport =
  kind === 'threadline'
    ? pino.transport({ target: 'threadline/loki', options: { url } })
    : pino.transport({
        target: 'pino-loki',
        // Unbounded buffer and a 1 s interval (our batches wait at most 1 s too), so a burst is not lost to
        // its 10,000-line bound; service and event as labels like ours; its errors silenced (it prints them).
        options: { host: url, batching: { interval: 1, maxBufferSize: 0 }, propsToLabels: ['service', 'event'], silenceErrors: true },
      })
const logger = pino({ base: { service: 'auto_executor' } }, transport)
const logOne = (n: number) =>
  logger.info(
    { event: n % 3 === 0 ? 'ORDER_SUBMIT' : 'ORDER_RESPONSE', correlation_id: `9f${n.toString(16).padStart(6, '0')}-4b1c-4d2e-9a8f-6c2d1e0b7a55`, symbol: 'BTCUSDT', order_id: `ord_${n}`, status: 'FILLED' },
    `Order response: ord_${n} FILLED`,
  )

await new Promise((resolve) => transport.once('ready', resolve))
process.stdout.write(`start ${Date.now()}\n`)
if (rate === 0) {
  for (let n = 0; n < lines; n++) logOne(n)
} else {
  const started = Date.now()
  for (let n = 0; n < lines; ) {
    const due = Math.min(lines, Math.floor(((Date.now() - started) / 1000) * rate))
    for (; n < due; n++) logOne(n)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
