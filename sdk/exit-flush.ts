/**
 * No lost last lines: asynchronous destinations are flushed synchronously on
 * normal exit, on SIGTERM and on an uncaught exception.
 *
 * - `exit`: flush (no event loop left, so only synchronous writes land).
 * - SIGTERM: unless something else listens for SIGTERM (the application's
 *   shutdown, signal-exit), let the asynchronous writes drain (up to
 *   SIGTERM_DRAIN_MS), flush, and re-raise the signal with the default action
 *   so the process still dies of SIGTERM (exit status 143 in a shell), as it
 *   would without us. Draining first matters: a SonicBoom retrying a write to
 *   a full pipe (EAGAIN) holds that chunk outside what `flushSync` writes, so
 *   a synchronous flush alone would lose it. Otherwise the process lives on:
 *   writes continue and `exit` flushes.
 * - uncaught exception: `uncaughtExceptionMonitor` (not `uncaughtException`,
 *   which would change the default crash behaviour): log it as fatal through
 *   the first registered logger, then flush; Node then exits with status 1.
 */

/** Something to flush at exit, or to report an uncaught exception through. */
export interface ExitParticipant {
  flushSync?(): void
  /** Resolves once asynchronous writes in flight have landed. */
  drain?(): Promise<void>
  logUncaught?(error: unknown, origin: string): void
}

const participants = new Set<ExitParticipant>()
/** Longest SIGTERM waits for writes to drain before flushing synchronously and dying. */
const SIGTERM_DRAIN_MS = 2_000
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

// Listeners run from a copy of the list, so removing ours here still lets
// the others run; they see a list without us. That matters for signal-exit
// (used by many tools), which re-raises the signal only when its own
// listeners are the only ones: were we still listed, neither of us would.
function onSigterm(): void {
  process.removeListener('SIGTERM', onSigterm)
  if (process.listenerCount('SIGTERM') === 0) {
    const drained = Promise.allSettled([...participants].map((participant) => participant.drain?.()))
    const deadline = new Promise((resolve) => setTimeout(resolve, SIGTERM_DRAIN_MS).unref())
    void Promise.race([drained, deadline]).then(() => {
      flushAll()
      process.kill(process.pid, 'SIGTERM')
    })
    return
  }
  // Someone else handles this signal and the process lives on, so pending
  // asynchronous writes complete by themselves (a synchronous flush now could
  // overtake a write in flight and reorder lines), and `exit` flushes the
  // rest. Be back for the next signal.
  setImmediate(() => process.on('SIGTERM', onSigterm))
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
