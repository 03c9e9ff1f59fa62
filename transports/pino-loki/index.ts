/**
 * `threadline/loki`: a pino transport straight to Loki, for services that
 * cannot run the agent next to them.
 *
 *   const transport = pino.transport({ target: 'threadline/loki', options: { url: 'http://loki:3100', labels: { env: 'prod' } } })
 *   transport.on('lokiReport', (report) => metrics.count(report))   // failures and drops, from pino's worker thread
 *   const logger = pino(transport)
 *
 * pino runs the target in a worker thread and, at process exit, waits (up
 * to 10 s) for the stream returned here to close: `final` flushes the
 * shipper first, so lines logged just before exit still arrive. In-process,
 * without a worker, `createLokiStream(options)` returns the same stream and
 * takes an `onReport` callback.
 */
import { Writable } from 'node:stream'
import { parentPort, workerData } from 'node:worker_threads'
import { createLokiShipper, type LokiShipper, type LokiShipperOptions, type ShipperReport } from './shipper.js'

export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_MAX_BUFFERED_LINES,
  createLokiShipper,
  type DropReason,
  type LokiShipper,
  type ShipperReport,
  type ShipperStats,
} from './shipper.js'

/** The transport's options: Loki's URL, static labels, and the agent sink's settings (see LokiShipperOptions). */
export type LokiTransportOptions = LokiShipperOptions

/** The event a report is emitted as, on this stream and on pino's transport stream in the main thread. */
export const REPORT_EVENT = 'lokiReport'

/** A stream of pino lines to Loki, with its shipper (for stats). */
export interface LokiStream extends Writable {
  readonly shipper: LokiShipper
  /** Resolves once everything written so far was delivered or given up. */
  flush(): Promise<void>
}

/** Inside pino's transport worker (thread-stream's workerData carries its shared buffers), reports go to the main thread. */
const inTransportWorker = parentPort !== null && typeof workerData === 'object' && workerData !== null && 'stateBuf' in workerData

export function createLokiStream(options: LokiTransportOptions): LokiStream {
  let stream: LokiStream
  const onReport = (report: ShipperReport) => {
    options.onReport?.(report)
    stream.emit(REPORT_EVENT, report)
    if (inTransportWorker) parentPort!.postMessage({ code: 'EVENT', name: REPORT_EVENT, args: [report] })
  }
  const shipper = createLokiShipper({ ...options, onReport })
  // pino writes whole lines, but thread-stream may hand one over in two chunks where its ring buffer wraps.
  let tail = ''
  stream = Object.assign(
    new Writable({
      decodeStrings: false,
      write(chunk: string | Buffer, _encoding, callback) {
        const lines = (tail + String(chunk)).split('\n')
        tail = lines.pop()!
        for (const line of lines) shipper.write(line)
        callback()
      },
      final(callback) {
        if (tail) shipper.write(tail)
        tail = ''
        shipper.close().then(() => callback(), callback)
      },
    }),
    { shipper, flush: () => shipper.flush() },
  )
  return stream
}

/** The pino target: `pino.transport({ target: 'threadline/loki', options })`. */
export default async function lokiTransport(options: LokiTransportOptions): Promise<LokiStream> {
  return createLokiStream(options)
}
