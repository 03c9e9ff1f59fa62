/**
 * `threadline trace ID`: everything that happened to one request, as one
 * timeline, from the agent's store (default) or Loki, plus Redis stream
 * entries when asked. Exit 0 with the timeline, 1 when nothing was found,
 * 2 for bad flags, an invalid id or a backend that cannot be reached.
 */
import { CORRELATION_ID_RULE, isValidCorrelationId } from '../../sdk/correlation-id.js'
import { parseDuration } from '../config/units.js'
import { LokiSinkConfig, resolveLokiSinkOptions } from '../sinks/loki/config.js'
import { LOKI_ENV_HELP } from '../sinks/loki/env-help.js'
import { BackendUnreachableError } from '../trace/backend-error.js'
import type { LokiLookupOptions } from '../trace/loki-lookup.js'
import { lookUpTrace, type LineBackend } from '../trace/lookup.js'
import { DEFAULT_STREAMS } from '../trace/redis-lookup.js'
import { renderNdjson, renderText } from '../trace/render-text.js'
import { defineCommand, UsageError, type FlagSpec, type FlagValues } from './command.js'
import { SUMMARIES } from './commands.js'

const TRACE_FLAGS = {
  'data-dir': { type: 'string', value: 'DIR', description: "The agent's data directory, whose store is read.", default: './.threadline' },
  'loki-url': {
    type: 'string',
    value: 'URL',
    description: 'Read the lines from this Loki instead of the store, with the agent\'s auth and tenant settings (ignored when --data-dir is given).',
    env: 'LOKI_URL',
  },
  'redis-url': { type: 'string', value: 'URL', description: 'Also read the stream entries carrying the id from this Redis.' },
  stream: { type: 'string', multiple: true, value: 'NAME', description: 'A stream to read.', default: DEFAULT_STREAMS.join(', ') },
  since: { type: 'string', value: 'DURATION', description: 'How far back Loki and the streams are read, e.g. 30m, 6h, 7d.', default: '24h' },
  limit: { type: 'string', value: 'N', description: 'Most events taken from each backend.', default: '10000' },
  json: { type: 'boolean', description: 'Print NDJSON, one event per line, instead of the table.' },
} as const satisfies Record<string, FlagSpec>

interface TraceFlags {
  id: string
  lines: LineBackend
  redisUrl?: string
  streams: string[]
  sinceMs: number
  since: string
  limit: number
  json: boolean
}

/** The agent's own Loki settings (URL checks, LOKI_* auth and tenant, secret files), pointed at the query API. */
function lokiLookupOptions(url: string, env: NodeJS.ProcessEnv): LokiLookupOptions {
  const parsed = LokiSinkConfig.safeParse({ type: 'loki', endpoint: url })
  if (!parsed.success) throw new UsageError(`--loki-url: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`)
  let options
  try {
    options = resolveLokiSinkOptions(parsed.data, env)
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^loki sink: /, ''))
  }
  return {
    baseUrl: options.endpoint.replace(/\/loki\/api\/v1\/push$/, ''),
    access: { tenantId: options.tenantId, basicAuth: options.basicAuth, bearerToken: options.bearerToken },
    timeoutMs: options.timeoutMs,
  }
}

/** Flag values to a lookup; throws a UsageError naming the flag at fault. */
function toTraceFlags(values: FlagValues<typeof TRACE_FLAGS>, positionals: string[], env: NodeJS.ProcessEnv): TraceFlags {
  if (positionals.length !== 1) throw new UsageError(`expects one correlation id, received ${positionals.length}`)
  const id = positionals[0]!
  if (!isValidCorrelationId(id)) {
    throw new UsageError(`invalid correlation id ${JSON.stringify(String(id).slice(0, 200))}: expected ${CORRELATION_ID_RULE}`)
  }
  if (values['data-dir'] !== undefined && values['loki-url'] !== undefined) throw new UsageError('--data-dir and --loki-url are exclusive; give one')
  const since = values.since ?? '24h'
  const sinceMs = parseDuration(since)
  if (sinceMs === undefined || sinceMs <= 0) throw new UsageError(`--since expects a duration such as 30m or 24h, received ${JSON.stringify(since)}`)
  const limit = Number(values.limit ?? 10_000)
  if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit expects a positive integer, received ${JSON.stringify(values.limit)}`)
  const lokiUrl = values['data-dir'] === undefined ? (values['loki-url'] ?? (env.LOKI_URL || undefined)) : undefined
  return {
    id,
    lines: lokiUrl ? { kind: 'loki', options: lokiLookupOptions(lokiUrl, env) } : { kind: 'store', dataDir: values['data-dir'] ?? '.threadline' },
    redisUrl: values['redis-url'],
    streams: values.stream.length > 0 ? values.stream : DEFAULT_STREAMS,
    sinceMs,
    since,
    limit,
    json: values.json,
  }
}

const fail = (message: string, code: 1 | 2): number => {
  process.stderr.write(`threadline trace: ${message}\n`)
  return code
}

async function runTrace(flags: TraceFlags, env: NodeJS.ProcessEnv): Promise<number> {
  const endMs = Date.now()
  let timeline
  try {
    timeline = await lookUpTrace({
      correlationId: flags.id,
      lines: flags.lines,
      ...(flags.redisUrl ? { redis: { url: flags.redisUrl, streams: flags.streams } } : {}),
      window: { startMs: endMs - flags.sinceMs, endMs },
      limit: flags.limit,
    })
  } catch (error) {
    if (error instanceof BackendUnreachableError) return fail(error.message, 2)
    throw error
  }
  if (timeline.rows.length === 0) {
    const where = flags.lines.kind === 'store' ? `the store in ${flags.lines.dataDir}` : `Loki over the last ${flags.since}`
    return fail(`nothing found for correlation id ${flags.id} in ${where}${flags.redisUrl ? ` or the Redis streams ${flags.streams.join(', ')}` : ''}`, 1)
  }
  process.stdout.write(flags.json ? renderNdjson(timeline) : renderText(timeline, { color: process.stdout.isTTY === true && !env.NO_COLOR }))
  return 0
}

export const traceCommand = defineCommand({
  name: 'trace',
  summary: SUMMARIES.trace,
  args: 'ID',
  description: [
    'Prints every log line (and, with --redis-url, every stream entry) carrying the correlation id ID as one timeline:',
    'time, +ms since the first event, service or stream, level, event, message and symbol/order_id/status; errors',
    'marked with "!" (red on a terminal), a submit without a response and the submit -> response gap called out.',
    'The lines come from the agent\'s store, or from Loki with --loki-url (or LOKI_URL).',
    '',
    'Exit status: 0 found, 1 nothing found, 2 bad flags, an invalid id or a backend that cannot be reached.',
  ].join('\n'),
  flags: TRACE_FLAGS,
  env: {
    ...LOKI_ENV_HELP,
    NO_COLOR: 'no red on a terminal',
  },
  examples: [
    'threadline trace 4bf92f35-77b3-4da6-a3ce-929d0e0e4736 --data-dir /var/lib/threadline',
    'threadline trace 4bf92f35-77b3-4da6-a3ce-929d0e0e4736 --loki-url http://loki:3100 --since 6h --redis-url redis://127.0.0.1:6379',
    'threadline trace 4bf92f35-77b3-4da6-a3ce-929d0e0e4736 --json | jq .event',
  ],
  run: async (values, positionals) => runTrace(toTraceFlags(values, positionals, process.env), process.env),
})
