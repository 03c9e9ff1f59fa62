/**
 * `createLogger`: pino writing the trading services' line shape,
 * `{"level":"info","ts":"…","service":"…","event":"LOG","correlation_id":"…",…,"msg":"…"}`.
 *
 * The correlation id is a static binding of a child logger created once per
 * correlation context (cached in the context store), not a `mixin` run on
 * every line: bench/sdk.ts measures the difference. The wrapper filters
 * levels itself so the cached children never go stale when the level changes.
 */
import pino from 'pino'
import { currentStore } from './context.js'
import type { CorrelationStore } from './context.js'
import { flushDestination, openDestination } from './destination.js'
import type { DestinationStream, OwnedDestination } from './destination.js'
import { trackForExit } from './exit-flush.js'
import { createFieldPreparer } from './redact.js'
import type { FieldPreparer, RedactOptions } from './redact.js'

/** The level labels, lowest first. */
export const LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const
/** A level label as written in the `level` field. */
export type LevelName = (typeof LEVEL_NAMES)[number]
const LEVEL_VALUES: Record<LevelName, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 }

/** The event name of a line that does not set `event`. */
export const DEFAULT_EVENT = 'LOG'

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** The `service` field of every line, e.g. `auto_executor`. */
  service: string
  /** Lowest level written. Default: `LOG_LEVEL` from the environment, else `info`. */
  level?: LevelName
  /** A file descriptor, a file path, or a stream. Default: stdout (fd 1). */
  destination?: number | string | DestinationStream
  /** Secret redaction; see `RedactOptions`. `false` turns it off. Default: `DEFAULT_REDACT_KEYS`. */
  redact?: RedactOptions | false
}

/** A log method: a message, or fields (an Error counts as `{ err }`) and an optional message. */
export interface LogFn {
  (msg: string): void
  (fields: object, msg?: string): void
}

/** A Threadline logger. Lines carry the current correlation id when there is one. */
export interface Logger {
  readonly service: string
  /** Lowest level written; may be changed at run time. */
  level: LevelName
  trace: LogFn
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
  fatal: LogFn
  isLevelEnabled(level: LevelName): boolean
  /** A logger adding `bindings` to every line, sharing this logger's destination. */
  child(bindings: Record<string, unknown>): Logger
  /** Resolves once every line logged so far is written. */
  flush(): Promise<void>
  /** Flushes, then closes a destination this logger opened (never a stream it was given). */
  close(): Promise<void>
}

/** Flushing and closing the destination behind a logger. */
interface DestinationControl {
  flush(): Promise<void>
  close(): Promise<void>
}

/** The two pino loggers a Threadline logger writes through in one context. */
interface Writers {
  /** Adds `"event":"LOG"`: for lines whose fields do not set `event`. */
  withDefaultEvent?: pino.Logger
  /** For lines that set `event` themselves (a second `event` key would duplicate it). */
  plain?: pino.Logger
}

/**
 * Creates a logger for `service`.
 *
 * @throws TypeError for a missing service, an unknown level or a bad destination.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { service, level = envLevel(), destination, redact } = options ?? ({} as LoggerOptions)
  if (typeof service !== 'string' || service.length === 0) {
    throw new TypeError(`createLogger: expected options.service to be a non-empty string, received ${JSON.stringify(service)}`)
  }
  assertLevel(level)
  const owned = destination === undefined || typeof destination === 'number' || typeof destination === 'string'
  const stream: DestinationStream = owned ? openDestination(destination) : destination
  const ownsFile = typeof destination === 'string'
  const prepare = createFieldPreparer(redact)
  const root = pino(
    {
      level: 'trace',
      base: { service },
      messageKey: 'msg',
      timestamp: isoTimestamp,
      formatters: { level: (label) => ({ level: label }), log: prepare },
      // Errors are serialized by `prepare` under any key; pino's own err
      // serializer would re-serialize that result as an "Object".
      serializers: { err: (value: unknown) => value },
    },
    stream,
  )
  const io: DestinationControl = {
    flush: () => flushDestination(stream),
    close: async () => {
      untrack()
      await flushDestination(stream)
      if (ownsFile) await endDestination(stream as OwnedDestination)
    },
  }
  const logger = new ThreadlineLogger(service, root, prepare, io, LEVEL_VALUES[level])
  const untrack = trackForExit({
    flushSync: owned ? undefined : stream.flushSync?.bind(stream),
    logUncaught: (error, origin) => logger.fatal({ event: 'UNCAUGHT_EXCEPTION', err: error, origin }, 'Uncaught exception'),
  })
  return logger
}

class ThreadlineLogger implements Logger {
  readonly #root: pino.Logger
  readonly #prepare: FieldPreparer
  readonly #io: DestinationControl
  readonly #outside: Writers = {}
  #lastStore: CorrelationStore | undefined
  #lastWriters: Writers = this.#outside
  #levelValue: number

  constructor(
    readonly service: string,
    root: pino.Logger,
    prepare: FieldPreparer,
    io: DestinationControl,
    levelValue: number,
  ) {
    this.#io = io
    this.#root = root
    this.#prepare = prepare
    this.#levelValue = levelValue
  }

  get level(): LevelName {
    return LEVEL_NAMES.find((name) => LEVEL_VALUES[name] === this.#levelValue)!
  }

  set level(level: LevelName) {
    assertLevel(level)
    this.#levelValue = LEVEL_VALUES[level]
  }

  isLevelEnabled(level: LevelName): boolean {
    return LEVEL_VALUES[level] >= this.#levelValue
  }

  trace(fields: object | string, msg?: string): void {
    if (this.#levelValue <= 10) this.#write('trace', fields, msg)
  }

  debug(fields: object | string, msg?: string): void {
    if (this.#levelValue <= 20) this.#write('debug', fields, msg)
  }

  info(fields: object | string, msg?: string): void {
    if (this.#levelValue <= 30) this.#write('info', fields, msg)
  }

  warn(fields: object | string, msg?: string): void {
    if (this.#levelValue <= 40) this.#write('warn', fields, msg)
  }

  error(fields: object | string, msg?: string): void {
    if (this.#levelValue <= 50) this.#write('error', fields, msg)
  }

  fatal(fields: object | string, msg?: string): void {
    if (this.#levelValue <= 60) this.#write('fatal', fields, msg)
  }

  child(bindings: Record<string, unknown>): Logger {
    // pino children skip the root's bindings formatter, so redact here.
    const root = this.#root.child(this.#prepare(bindings))
    // Closing a child must not close the destination its parent still uses.
    return new ThreadlineLogger(this.service, root, this.#prepare, { flush: this.#io.flush, close: this.#io.flush }, this.#levelValue)
  }

  flush(): Promise<void> {
    return this.#io.flush()
  }

  close(): Promise<void> {
    return this.#io.close()
  }

  #write(level: LevelName, fields: object | string, msg: string | undefined): void {
    const writers = this.#writers()
    if (typeof fields === 'string') {
      ;(writers.withDefaultEvent ??= this.#bind(true))[level](fields)
    } else if ((fields as { event?: unknown }).event === undefined) {
      ;(writers.withDefaultEvent ??= this.#bind(true))[level](fields, msg)
    } else {
      ;(writers.plain ??= this.#bind(false))[level](fields, msg)
    }
  }

  #writers(): Writers {
    const store = currentStore()
    if (store === undefined) return this.#outside
    // Consecutive lines mostly come from the same context: skip the Map.
    if (store === this.#lastStore) return this.#lastWriters
    let writers = store.loggers.get(this) as Writers | undefined
    if (writers === undefined) {
      writers = {}
      store.loggers.set(this, writers)
    }
    this.#lastStore = store
    this.#lastWriters = writers
    return writers
  }

  #bind(defaultEvent: boolean): pino.Logger {
    const id = currentStore()?.id
    const bindings: Record<string, string> = defaultEvent ? { event: DEFAULT_EVENT } : {}
    if (id !== undefined) bindings.correlation_id = id
    return this.#root.child(bindings)
  }
}

function isoTimestamp(): string {
  return ',"ts":"' + new Date().toISOString() + '"'
}

function envLevel(): LevelName {
  const fromEnv = process.env.LOG_LEVEL?.toLowerCase()
  return fromEnv !== undefined && fromEnv in LEVEL_VALUES ? (fromEnv as LevelName) : 'info'
}

function assertLevel(level: unknown): asserts level is LevelName {
  if (typeof level !== 'string' || !(level in LEVEL_VALUES)) {
    throw new TypeError(`createLogger: expected level to be one of ${LEVEL_NAMES.join(', ')}, received ${JSON.stringify(level)}`)
  }
}

function endDestination(destination: OwnedDestination): Promise<void> {
  return new Promise((resolve) => {
    destination.once('close', () => resolve())
    destination.end()
  })
}
