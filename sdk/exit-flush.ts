/**
 * No lost last lines: asynchronous destinations are flushed synchronously on
 * normal exit, on SIGTERM and on an uncaught exception.
 *
 * - `exit`: flush (no event loop left, so only synchronous writes land).
 * - SIGTERM: flush, then, unless the application has its own SIGTERM
 *   listener, re-raise the signal with the default action so the process still
 *   dies of SIGTERM (exit status 143 in a shell), as it would without us.
 * - uncaught exception: `uncaughtExceptionMonitor` (not `uncaughtException`,
 *   which would change the default crash behaviour): log it as fatal through
 *   the first registered logger, then flush; Node then exits with status 1.
 */

/** Something to flush at exit, or to report an uncaught exception through. */
export interface ExitParticipant {
  flushSync?(): void
  logUncaught?(error: unknown, origin: string): void
}

const participants = new Set<ExitParticipant>()
let installed = false

/** Registers `participant` for the exit handlers; returns its unregister function. */
export function trackForExit(participant: ExitParticipant): () => void {
  install()
  participants.add(participant)
  return () => {
    participants.delete(participant)
  }
}

function install(): void {
  if (installed) return
  installed = true
  process.on('exit', flushAll)
  process.on('SIGTERM', onSigterm)
  process.on('uncaughtExceptionMonitor', onUncaught)
}

function flushAll(): void {
  for (const participant of participants) {
    try {
      participant.flushSync?.()
    } catch {
      // A destination that cannot flush (closed, or still opening) must not
      // stop the others from flushing during shutdown.
    }
  }
}

function onSigterm(): void {
  flushAll()
  if (process.listenerCount('SIGTERM') > 1) return
  process.removeListener('SIGTERM', onSigterm)
  installed = false
  process.kill(process.pid, 'SIGTERM')
}

function onUncaught(error: unknown, origin: string): void {
  for (const participant of participants) {
    if (participant.logUncaught === undefined) continue
    try {
      participant.logUncaught(error, origin)
    } catch {
      // Logging the crash must never replace the crash.
    }
    break
  }
  flushAll()
}
