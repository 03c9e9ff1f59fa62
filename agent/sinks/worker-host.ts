/**
 * Runs a sink in its own worker thread (see worker.ts) and speaks for it on
 * the main thread: tells it of new lines, fetches its metrics, stops it
 * within a deadline, and restarts it if it ever dies (an out-of-memory limit,
 * a bug): a sink's failure is logged and retried, never the agent's end.
 */
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { SinkWorkerData } from './worker.js'
import type { FromSinkWorker, ToSinkWorker } from './worker-messages.js'

export interface HostedSink {
  start(): Promise<void>
  stop(deadlineMs: number): Promise<void>
  notifyAppended(lastId: number): void
  /** The worker's metrics as `registry.getMetricsAsJSON()` gives them; empty if it does not answer in time. */
  metricsJson(): Promise<object[]>
}

const WORKER_URL = new URL('./worker.js', import.meta.url)
const RESTART_DELAY_MS = 1_000
const METRICS_TIMEOUT_MS = 2_000
/** A sink holds one batch (1 MiB by default) and its encoding: a bounded heap keeps the agent's footprint small. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 }

export function hostSinkInWorker(data: SinkWorkerData, log: Logger): HostedSink {
  let worker: Worker | undefined
  let stopping = false
  let nextRequestId = 0
  const pendingMetrics = new Map<number, (json: object[]) => void>()
  const send = (message: ToSinkWorker) => worker?.postMessage(message)

  async function spawn(): Promise<void> {
    const started = new Worker(WORKER_URL, { workerData: data, resourceLimits: RESOURCE_LIMITS })
    started.on('message', (message: FromSinkWorker) => {
      if (message.type === 'metrics') pendingMetrics.get(message.requestId)?.(message.json)
    })
    started.on('error', (err) => log.error({ err, sink: data.id }, 'sink worker failed'))
    started.on('exit', (code) => {
      if (worker !== started) return
      worker = undefined
      if (stopping) return
      log.error({ sink: data.id, exit_code: code, retry_in_ms: RESTART_DELAY_MS }, 'sink worker exited; restarting it from its cursor')
      setTimeout(() => void (stopping ? undefined : spawn().catch(() => undefined)), RESTART_DELAY_MS).unref()
    })
    worker = started
    const [message] = (await Promise.race([once(started, 'message'), once(started, 'exit')])) as [FromSinkWorker | number]
    if (typeof message === 'number' || message.type !== 'started') throw new Error(`sink ${data.id}: the worker exited before starting`)
  }

  return {
    start: spawn,
    async stop(deadlineMs) {
      stopping = true
      const stopped = worker
      if (!stopped) return
      const exited = once(stopped, 'exit')
      send({ type: 'stop', deadlineMs })
      const timer = setTimeout(() => void stopped.terminate(), deadlineMs + 1_000)
      await exited
      clearTimeout(timer)
    },
    notifyAppended(lastId) {
      send({ type: 'appended', lastId })
    },
    metricsJson() {
      if (!worker) return Promise.resolve([])
      const requestId = nextRequestId++
      return new Promise((resolve) => {
        const timer = setTimeout(() => finish([]), METRICS_TIMEOUT_MS)
        const finish = (json: object[]) => {
          clearTimeout(timer)
          pendingMetrics.delete(requestId)
          resolve(json)
        }
        pendingMetrics.set(requestId, finish)
        send({ type: 'metrics', requestId })
      })
    },
  }
}
