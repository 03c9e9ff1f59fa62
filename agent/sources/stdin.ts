/**
 * The `stdin` source: `service | threadline agent --stdin`. Reads lines until
 * the input ends, then reports it through `ended` so the agent can flush and
 * exit. Standard input cannot be re-read, so it keeps no checkpoint.
 */
import type { EndingLifecycle, RawLine, SourceContext, SourceDefinition } from '../core/types.js'
import { LineSplitter } from './line-splitter.js'
import type { StdinSourceConfig } from './stdin-config.js'

const BATCH_LINES = 1000

/** The stdin definition: its lifecycle also has `ended`. */
export type StdinSourceDefinition = Omit<SourceDefinition<StdinSourceConfig>, 'create'> & {
  create(config: StdinSourceConfig, ctx: SourceContext): EndingLifecycle
}

/** The stdin source reading from `input` instead of `process.stdin` (tests, or piping from a child process). */
export function stdinSource(input: NodeJS.ReadableStream): StdinSourceDefinition {
  return {
    type: 'stdin',
    description: 'Read lines from standard input until it ends.',
    create: (config, ctx) => readLines(input, config, ctx),
  } satisfies SourceDefinition<StdinSourceConfig> & StdinSourceDefinition
}

function readLines(input: NodeJS.ReadableStream, config: StdinSourceConfig, ctx: SourceContext): EndingLifecycle {
  const splitter = new LineSplitter(config.max_line_bytes)
  const origin = config.service === undefined ? undefined : Object.freeze({ service: config.service })
  let stopping = false
  let started = false
  let inFlight: Promise<void> | undefined
  let markEnded!: () => void
  const ended = new Promise<void>((resolve) => (markEnded = resolve))

  const emit = async (lines: RawLine[], truncated: number) => {
    if (truncated > 0) ctx.metrics.linesTruncated.inc({ source: ctx.id }, truncated)
    for (let from = 0; from < lines.length; from += BATCH_LINES) {
      const batch = lines.slice(from, from + BATCH_LINES)
      await ctx.emit({ lines: batch })
      ctx.metrics.linesRead.inc({ source: ctx.id }, batch.length)
    }
  }

  const split = (push: (collect: (text: string, end: number, truncated: boolean) => void) => void) => {
    const lines: RawLine[] = []
    let truncated = 0
    const readAtMs = Date.now()
    push((text, _end, cut) => {
      if (cut) truncated++
      lines.push(origin === undefined ? { text, readAtMs } : { text, readAtMs, origin })
    })
    return emit(lines, truncated)
  }

  async function run(): Promise<void> {
    try {
      // Async iteration pauses the stream while a batch is being committed: that is the backpressure.
      for await (const chunk of input) {
        if (stopping) return
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
        ctx.metrics.bytesRead.inc({ source: ctx.id }, bytes.length)
        await (inFlight = split((collect) => splitter.push(bytes, collect)))
      }
      if (stopping) return
      await (inFlight = split((collect) => splitter.flush(collect)))
      ctx.log.info('stdin source: input ended')
    } catch (error) {
      ctx.metrics.sourceErrors.inc({ source: ctx.id, error_type: 'read_error' })
      ctx.log.error({ err: error }, 'stdin source: reading failed; no more input will be read')
    } finally {
      markEnded()
    }
  }

  return {
    ended,
    async start() {
      if (started || stopping) return
      started = true
      void run()
    },
    /** Finishes the batch being committed; input not read yet stays unread (the pipe is not drained). */
    async stop() {
      stopping = true
      await inFlight?.catch(() => undefined)
      markEnded()
    },
  }
}

export default stdinSource(process.stdin)
