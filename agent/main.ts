/**
 * `threadline agent`: the only place in the agent that exits the process.
 * Start-up problems (bad flags, bad config, a port in use) exit 2 or 1 with a
 * message naming what is at fault; after start-up nothing exits but a signal
 * (SIGTERM/SIGINT: stop reading, flush within the deadline, exit 0) or the
 * end of every source's input (stdin), which flushes and exits 0 the same way.
 */
import pino from 'pino'
import type { Agent } from './agent.js'
import { AGENT_FLAGS, toAgentFlags, type AgentFlags } from './cli/agent-args.js'
import { defineCommand } from './cli/command.js'
import { SUMMARIES } from './cli/commands.js'
import { ConfigError } from './config/errors.js'
import type { LoadedConfig } from './config/load.js'
import { loadAgentConfigInChild } from './config/load-in-child.js'
import { AgentMetrics } from './metrics/internal.js'
import { createPluginsOnlyAgent, isPluginsOnly } from './plugins-agent.js'
import { createPluginHost } from './plugins/host.js'
import { LOKI_ENV_HELP } from './sinks/loki/env-help.js'
import { endStartUpTiering, START_UP_FLAG } from './cli/start-up-tiering.js'

export const agentCommand = defineCommand({
  name: 'agent',
  summary: SUMMARIES.agent,
  flags: AGENT_FLAGS,
  env: {
    ...LOKI_ENV_HELP,
    NODE_OPTIONS: `node flags when started as "node dist/agent/cli/threadline.js": pass the shebang's --max-semi-space-size=4 --max-old-space-size=1536 --v8-pool-size=1 ${START_UP_FLAG} --no-incremental-marking-task (and set MALLOC_ARENA_MAX=2)`,
  },
  examples: [
    'threadline agent --tail "/var/log/quantum/*.log" --service auto_executor --loki-url http://127.0.0.1:3100',
    'node service.js | threadline agent --stdin --service batch-job',
    'threadline agent --config /etc/threadline/agent.yaml --check-config',
  ],
  run: (values) => runAgent(toAgentFlags(values)),
})

async function runAgent(flags: AgentFlags): Promise<number> {
  let loaded
  try {
    loaded = loadAgentConfigInChild(flags)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`threadline agent: ${error.message}\n`)
      return 2
    }
    throw error
  }
  if (flags.checkConfig) {
    process.stdout.write(`config ok (${loaded.origin}): ${Object.keys(loaded.config.sources).length} sources, ${Object.keys(loaded.config.sinks).length} sinks, ${Object.keys(loaded.config.plugins).length} plugins\n`)
    return 0
  }

  const log = pino({ name: 'threadline-agent', base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }))
  const agent = await createAgentFor(loaded, log)
  // Every module the agent runs on is loaded: from here on V8 optimises at its usual pace.
  endStartUpTiering()
  try {
    await agent.start()
  } catch (error) {
    log.fatal({ err: error }, 'agent failed to start')
    await agent.stop(0).catch(() => undefined)
    return 1
  }

  const reason = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'))
    process.once('SIGINT', () => resolve('SIGINT'))
    agent.sourcesEnded.then(() => resolve('end of input'))
  })
  log.info({ reason }, 'stopping: no more reading, flushing the sinks')
  const deadline = setTimeout(() => {
    log.error({ shutdown_timeout_ms: loaded.config.shutdown_timeout }, 'shutdown deadline passed; exiting with lines still undelivered (they stay in the store)')
    process.exit(1)
  }, loaded.config.shutdown_timeout + 1_000)
  deadline.unref()
  await agent.stop()
  log.info('stopped')
  return 0
}

/**
 * A plugins-only agent never loads the log pipeline's modules (store,
 * sources, sinks, transforms, metrics engine): about 10 MB of RSS it would
 * not use, in a process whose budget is the Python exporter's (README, "Plugins").
 */
async function createAgentFor(loaded: LoadedConfig, log: pino.Logger): Promise<Agent> {
  if (isPluginsOnly(loaded.config)) return createPluginsOnlyAgent(loaded.config, await createPluginHost(loaded.config.plugins, log), log, new AgentMetrics())
  const { createAgent } = await import('./agent.js')
  return createAgent(loaded, log)
}
