/**
 * Where log lines go: stdout, a file descriptor or a file path, through
 * pino's SonicBoom: synchronous writes to descriptors, asynchronous ones to
 * files, flushed synchronously at exit.
 */
import { mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import pino from 'pino'
import { trackForExit } from './exit-flush.js'

/** Any stream pino can write to; flushed at exit too when it has `flushSync`. */
export type DestinationStream = pino.DestinationStream & { flushSync?(): void }

/** A destination opened by Threadline: a SonicBoom with `flushSync`, `flush` and `end`. */
export type OwnedDestination = ReturnType<typeof pino.destination>

/**
 * One SonicBoom per inherited descriptor: several loggers on stdout in one
 * process share one buffer, so their lines reach it in the order logged.
 */
const sharedByFd = new Map<number, OwnedDestination>()

/**
 * Opens a destination: a file descriptor (1 = stdout, the default) or a file
 * path (parent directories created, appended to). Writes to a path are
 * asynchronous and flushed synchronously on exit, SIGTERM and uncaught
 * exceptions; writes to a descriptor are synchronous.
 * Descriptors are shared (one destination per fd); paths are opened anew.
 *
 * A path is opened synchronously here because SonicBoom opens paths
 * asynchronously, and a process that logs and exits before that open
 * completes cannot flush at all ("sonic boom is not ready yet").
 */
export function openDestination(target: string | number = 1): OwnedDestination {
  let fd: number
  if (typeof target === 'number') {
    if (!Number.isInteger(target) || target < 0) throw new TypeError(`openDestination: expected a file descriptor or a path, received ${target}`)
    const shared = sharedByFd.get(target)
    if (shared !== undefined) return shared
    fd = target
  } else if (typeof target === 'string' && target.length > 0) {
    mkdirSync(dirname(target), { recursive: true })
    fd = openSync(target, 'a')
  } else {
    throw new TypeError(`openDestination: expected a file descriptor or a path, received ${JSON.stringify(target)}`)
  }
  // Descriptors (stdout, pipes) are written synchronously, as pino's own
  // default does: a SonicBoom retrying a write to a full pipe (EAGAIN) holds
  // that chunk outside what its flushSync writes, so an asynchronous pipe
  // can lose lines at exit. Files never answer EAGAIN and stay asynchronous.
  const destination = pino.destination({ dest: fd, sync: typeof target === 'number' })
  const untrack = trackForExit({ flushSync: () => destination.flushSync(), drain: () => flushDestination(destination) })
  destination.on('close', () => {
    untrack()
    sharedByFd.delete(fd)
  })
  if (typeof target === 'number') sharedByFd.set(fd, destination)
  return destination
}

/**
 * Resolves once everything written to `destination` so far has reached the
 * operating system.
 *
 * SonicBoom's `flush(cb)` calls back at once when `minLength` is 0 (our
 * setting), before the in-flight write lands; so for a SonicBoom this waits
 * for its `drain`, emitted when an asynchronous write completes with nothing
 * left buffered. While it is not writing its buffer is already empty (with
 * `minLength` 0 every write starts at once). Other streams: their `flush(cb)`.
 */
export function flushDestination(destination: DestinationStream): Promise<void> {
  const stream = destination as DestinationStream & {
    _writing?: boolean
    once?: (event: string, listener: () => void) => unknown
    flush?: (cb: (err?: Error | null) => void) => void
  }
  if (typeof stream._writing === 'boolean' && typeof stream.once === 'function') {
    if (!stream._writing) return Promise.resolve()
    return new Promise((resolve) => stream.once!('drain', resolve))
  }
  const flush = stream.flush
  if (typeof flush !== 'function') return Promise.resolve()
  return new Promise((resolve, reject) => flush.call(stream, (err) => (err ? reject(err) : resolve())))
}
