/**
 * A sink's own thread. Shipping (store reads, encoding, compression, HTTP)
 * runs here, beside the main thread's reading, parsing and storing, so the
 * agent uses both cores: measured on the 500,000-line bench, in-process
 * shipping took about a fifth of the single thread's time.
 *
 * The worker opens its own connection to the store (SQLite in WAL mode lets
 * it read while the main thread writes) and learns of new lines from the
 * main thread's messages. Its metrics are sent back as JSON on request, and
 * the main thread aggregates them into /metrics.
 */
import { parentPort, workerData } from 'node:worker_threads'
import pino from 'pino'
import { AgentMetrics } from '../metrics/internal.js'
import { Store } from '../store/store.js'
import { createSink, type ResolvedSink } from './create.js'
import type { FromSinkWorker, ToSinkWorker } from './worker-messages.js'

export interface SinkWorkerData {
  id: string
  storePath: string
  resolved: ResolvedSink
}

const { id, storePath, resolved } = workerData as SinkWorkerData
const port = parentPort!
const post = (message: FromSinkWorker) => port.postMessage(message)

const log = pino({ name: 'threadline-agent', base: { pid: process.pid, sink: id } }, pino.destination({ fd: 2, sync: true }))
const metrics = new AgentMetrics({ processMetrics: false })
const store = new Store(storePath)
const sink = createSink(resolved, { id, feed: store, metrics, log })

port.on('message', (message: ToSinkWorker) => {
  switch (message.type) {
    case 'appended':
      store.noteAppendedElsewhere(message.lastId)
      break
    case 'metrics':
      metrics.registry.getMetricsAsJSON().then((json) => post({ type: 'metrics', requestId: message.requestId, json }))
      break
    case 'stop':
      sink
        .stop(message.deadlineMs)
        .finally(() => {
          store.close()
          post({ type: 'stopped' })
          port.close()
        })
      break
  }
})

await sink.start()
post({ type: 'started' })
