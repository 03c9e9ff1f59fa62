/**
 * `npm start`: the agent on its embedded default (no Loki needed) next to a
 * demo trading service that logs through the SDK. Within seconds it shows
 * lines arriving in the store, the agent's /metrics, and one request's path
 * across services by its correlation id, with the URL of its timeline page. Extra flags go to the agent
 * (`npm start -- --loki-url http://127.0.0.1:3100`).
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import pino from 'pino'
import { startDemo } from '../../examples/demo-service.js'
import { createAgent } from '../agent.js'
import { ConfigError } from '../config/errors.js'
import { loadAgentConfig } from '../config/load.js'
import { parseAgentFlags, type AgentFlags } from './agent-args.js'
import { UsageError } from './command.js'

let flags: AgentFlags
try {
  flags = parseAgentFlags(process.argv.slice(2))
} catch (error) {
  if (!(error instanceof UsageError)) throw error
  process.stderr.write(`npm start: ${error.message} (extra flags go to the agent: threadline agent --help)\n`)
  process.exit(2)
}
const dataDir = resolve(flags.dataDir ?? '.threadline')
const logFile = join(dataDir, 'demo', 'demo-service.log')
mkdirSync(join(dataDir, 'demo'), { recursive: true })

let loaded
try {
  loaded = loadAgentConfig({ ...flags, dataDir, tail: [...flags.tail, logFile] })
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  process.stderr.write(`${error.message}\n`)
  process.exit(2)
}
const log = pino({ name: 'threadline-agent', level: 'warn' }, pino.destination({ fd: 2, sync: true }))
const agent = await createAgent(loaded, log)
await agent.start()
const demo = await startDemo({ logFile })
const { host, port } = agent.address()
const sinks = Object.keys(loaded.sinks)
process.stdout.write(
  [
    `threadline: agent running on its embedded store in ${dataDir}${sinks.length ? `, shipping to ${sinks.join(', ')}` : ' (no Loki configured)'}`,
    `  tailing the demo service's log: ${logFile}`,
    `  metrics: http://${host}:${port}/metrics   ready: http://${host}:${port}/ready`,
    `  Ctrl-C stops both.`,
    '',
  ].join('\n'),
)

/** Every few seconds: how much is stored, and one recent request's path across services. */
const report = setInterval(() => {
  // The demo config has sources, so the agent has its store.
  const store = agent.store!
  const recent = store.newestCorrelationId('ORDER_RESPONSE')
  process.stdout.write(`stored ${store.lineCount()} lines\n`)
  if (!recent) return
  process.stdout.write(`  request ${recent}:\n`)
  for (const line of store.linesByCorrelationId(recent)) {
    process.stdout.write(`    ${new Date(line.tsMs).toISOString()}  ${line.service.padEnd(14)} ${line.level.padEnd(5)} ${line.event}\n`)
  }
  process.stdout.write(`  its timeline: http://${host}:${port}/trace/${recent}   or: npx threadline trace ${recent} --data-dir ${dataDir}\n`)
}, 3_000)

const stop = async () => {
  clearInterval(report)
  await demo.stop()
  await agent.stop()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
