/**
 * Running one exporter plugin in-process against a test's redis-server, and
 * comparing its /metrics text with a golden file (UPDATE_GOLDEN=1 rewrites
 * the golden files from the current output; review the diff).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { Redis } from 'ioredis'
import pino from 'pino'
import type { Test } from 'tap'
import { PluginConfig } from '../../agent/config/schema.js'
import type { PluginInstance } from '../../agent/plugins/define.js'
import { loadDefinition } from '../../agent/core/lazy-registry.js'
import { plugins, type PluginType } from '../../agent/plugins/index.js'
import { startRedis, type RedisServer } from './redis-server.js'

/** A plugin of `type` built from raw (YAML-shaped) config, its clock pinned to `now()`. */
export async function createPlugin(type: PluginType, raw: Record<string, unknown>, now: () => number = Date.now): Promise<PluginInstance> {
  const definition = await loadDefinition(plugins, type)
  const config = PluginConfig.parse({ type, ...raw })
  const create = definition.create as (config: unknown, ctx: Parameters<typeof definition.create>[1]) => PluginInstance
  return create(config, { id: type, log: pino({ level: 'silent' }), now })
}

/** A redis-server of the test file's own and a client to seed it, both gone when `t` ends. */
export async function redisForTest(t: Test): Promise<{ server: RedisServer; redis: Redis }> {
  const server = await startRedis()
  const redis = new Redis(server.url)
  t.teardown(async () => {
    redis.disconnect()
    await server.stop()
  })
  return { server, redis }
}

/** createPlugin, started, and stopped at the end of test `t`. */
export async function startPlugin(t: Test, type: PluginType, raw: Record<string, unknown>, now?: () => number): Promise<PluginInstance> {
  const plugin = await createPlugin(type, raw, now)
  t.teardown(() => plugin.stop())
  await plugin.start()
  return plugin
}

/** The build-info labels differ between checkouts and builds: golden files hold placeholders. */
export function withoutBuildLabels(text: string): string {
  return text.replace(/(_exporter_build_info)\{[^}]*\}/g, '$1{version="V",git="G",deployment="D"}')
}

/** Compares `text` with the golden file at `path` (a URL next to the test). */
export function matchGolden(t: Test, path: URL, text: string): void {
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, text)
  const name = path.pathname.split('/').pop()
  if (!existsSync(path)) return void t.fail(`golden file ${name} is missing: run with UPDATE_GOLDEN=1 and review it`)
  t.equal(text, readFileSync(path, 'utf8'), `matches ${name}`)
}

/** `promtool check metrics` over an exposition: its exit status and complaints. */
export function promtoolCheck(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

/** One sample's value in an exposition, e.g. `quantum_safety_redis_up`; undefined when absent. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}
