/**
 * The agent's periodic jobs (retention, the metrics engine's tick, the WAL
 * checkpoint) run on timers, where a throw would crash the process: each is
 * wrapped so a failure is logged and the next run tries again.
 */
import type { Logger } from 'pino'

/** `job` that never throws: a failure is logged with `message`. */
export function guarded(log: Logger, message: string, job: () => void): () => void {
  return () => {
    try {
      job()
    } catch (error) {
      log.error({ err: error }, message)
    }
  }
}
