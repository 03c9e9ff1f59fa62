/**
 * Wires a validated config into a running agent: the store, the sinks reading
 * from it, the HTTP endpoints, the metrics engine, the exporter plugins, and
 * last the sources (so nothing is read before there is somewhere durable to
 * put it). Stops in the reverse order within a deadline. Never exits the
 * process: main.ts does. An agent with plugins and no sources is only an
 * exporter (./plugins-agent.ts): no store, no sink threads.
 */
import { resolve } from 'node:path'
import type { Logger } from 'pino'
import type { LoadedConfig } from './config/load.js'
import type { SourceConfig } from './config/schema.js'
import { guarded } from './core/guarded.js'
import { loadDefinitionsFor } from './core/lazy-registry.js'
import { isEnding, type Lifecycle, type SourceContext, type SourceDefinition } from './core/types.js'
import { createHttpServer, type AgentHttpServer } from './http/server.js'
import { traceRoutes } from './http/trace-routes.js'
import { AgentMetrics } from './metrics/internal.js'
import { PairStateStore, pairChangesToCommit } from './metrics/pair-state.js'
import { createMetricsEngine, type MetricsEngine } from './metrics/rules/engine.js'
import { createPipeline, type Tap } from './pipeline.js'
import { createPluginsOnlyAgent, isPluginsOnly } from './plugins-agent.js'
import { createPluginHost, type PluginHost } from './plugins/host.js'
import { createSink, cursorNameOf } from './sinks/index.js'
import { sources } from './sources/index.js'
import { enforceRetention } from './store/retention.js'
import { Store, WAL_CHECKPOINT_INTERVAL_MS } from './store/store.js'
import { eventsFromStore } from './trace/store-lookup.js'
import { buildTimeline } from './trace/timeline.js'
import { createTransform } from './transforms/index.js'

export interface Agent {
  start(): Promise<void>
  /** Stops reading, lets the sinks deliver what is stored until the deadline, closes the store. */
  stop(deadlineMs?: number): Promise<void>
  isReady(): boolean
  /** The embedded store; undefined for a plugins-only agent. */
  readonly store: Store | undefined
  readonly metrics: AgentMetrics
  /** Bound address of the HTTP endpoints, once started. */
  address(): { host: string; port: number }
  /** Resolves when every source has ended on its own (stdin at end of input); never, for tailing sources. */
  readonly sourcesEnded: Promise<void>
}

const ENGINE_TICK_MS = 1_000
/** Most lines GET /api/trace/<id> and /trace/<id> show: the store query's own default. */
const TRACE_LIMIT = 10_000

/** The agent for a loaded config; only the source and plugin types it names are loaded. */
export async function createAgent(loaded: LoadedConfig, log: Logger, metrics = new AgentMetrics()): Promise<Agent> {
  const { config } = loaded
  const plugins = await createPluginHost(config.plugins, log)
  if (isPluginsOnly(config)) return createPluginsOnlyAgent(config, plugins, log, metrics)
  return createLogAgent(loaded, await loadDefinitionsFor(sources, Object.values(config.sources)), plugins, log, metrics)
}

function createLogAgent(
  { config, sinks: resolvedSinks }: LoadedConfig,
  sourceDefinitions: ReadonlyMap<SourceConfig['type'], SourceDefinition<never>>,
  plugins: PluginHost,
  log: Logger,
  metrics: AgentMetrics,
): Agent {
  const dataDir = resolve(config.data_dir)
  const store = new Store(resolve(dataDir, 'store.db'))
  const engine: MetricsEngine = createMetricsEngine(config.metrics)
  const pairState = new PairStateStore(store.db)
  engine.restore(pairState.load(), pairState.newestSeq())
  const metricsTap: Tap = {
    observe(events) {
      engine.observe(events)
      return pairChangesToCommit(engine, pairState)
    },
  }

  let running = false
  let ready = false
  const transform = createTransform(config.transforms, { metrics })
  const pipeline = createPipeline({ store, transform, taps: [metricsTap], metrics, log, running: () => running })

  // Sinks ship on this thread, reading what was just stored from the store's memory (README, "Performance":
  // a worker thread per sink cost 40 MB of RSS and more CPU per line than it saved).
  const sinks = Object.entries(resolvedSinks).map(([id, resolved]) => createSink(resolved, { id, feed: store, metrics, log }))
  const readers = Object.entries(resolvedSinks).map(([id, resolved]) => cursorNameOf(resolved.type, id))

  const sourceEnds: Promise<void>[] = []
  const sources: Lifecycle[] = Object.entries(config.sources).map(([id, sourceConfig]) => {
    const context: SourceContext = {
      id,
      log: log.child({ source: id }),
      metrics,
      dataDir,
      checkpoint: (key) => store.checkpoint(key),
      emit: pipeline.emitterFor(id),
    }
    // The schema's discriminated union guarantees the config matches the definition its `type` names.
    const create = sourceDefinitions.get(sourceConfig.type)!.create as (config: SourceConfig, ctx: SourceContext) => Lifecycle
    const source = create(sourceConfig, context)
    sourceEnds.push(isEnding(source) ? source.ended : new Promise<void>(() => {}))
    return source
  })
  const sourcesEnded = sourceEnds.length === 0 ? new Promise<void>(() => {}) : Promise.all(sourceEnds).then(() => undefined)

  const http: AgentHttpServer = createHttpServer({
    listen: config.listen,
    renderMetrics: async () => (await metrics.registry.metrics()) + (await engine.registry.metrics()) + (await plugins.renderOnAgent()),
    isReady: () => ready,
    routes: [traceRoutes((correlationId) => buildTimeline(correlationId, eventsFromStore(store, correlationId, TRACE_LIMIT)))],
  })

  const housekeeping = guarded(log, 'retention failed; it will be tried again', () => {
    const policy = { maxAgeMs: config.store.retention.max_age, maxBytes: config.store.retention.max_bytes }
    enforceRetention(store, policy, readers, metrics)
  })
  const tickEngine = guarded(log, 'persisting metrics state failed; it will be tried again', () => {
    engine.tick()
    store.commit(pairChangesToCommit(engine, pairState))
  })
  const checkpointWal = guarded(log, 'store WAL checkpoint failed; it will be tried again', () => store.checkpointWal())
  const timers: NodeJS.Timeout[] = []

  return {
    store,
    metrics,
    sourcesEnded,
    isReady: () => ready,
    address: () => http.address(),
    async start() {
      running = true
      housekeeping()
      for (const sink of sinks) await sink.start()
      await http.start()
      await plugins.start()
      for (const source of sources) await source.start()
      timers.push(setInterval(housekeeping, config.store.retention.interval).unref())
      timers.push(setInterval(tickEngine, ENGINE_TICK_MS).unref())
      timers.push(setInterval(checkpointWal, WAL_CHECKPOINT_INTERVAL_MS).unref())
      ready = true
      log.info({ listen: http.address(), sources: Object.keys(config.sources), sinks: Object.keys(config.sinks), data_dir: dataDir }, 'agent started')
    },
    async stop(deadlineMs = config.shutdown_timeout) {
      ready = false
      const deadline = Date.now() + deadlineMs
      for (const timer of timers.splice(0)) clearInterval(timer)
      await Promise.allSettled(sources.map((source) => source.stop()))
      running = false
      await Promise.allSettled(sinks.map((sink) => sink.stop(Math.max(0, deadline - Date.now()))))
      await plugins.stop()
      await http.stop()
      if (store.db.open) {
        tickEngine()
        store.close()
      }
    },
  }
}
