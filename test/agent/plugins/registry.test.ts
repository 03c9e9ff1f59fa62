/**
 * Every registered plugin passes the shared contract: its defaults validate,
 * stop() is safe before start() and twice, and a scrape with Redis away
 * answers with the health families (up 0, the error counted, build info).
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import pino from 'pino'
import { PluginConfig } from '../../../agent/config/schema.js'
import { createPluginHost } from '../../../agent/plugins/host.js'
import { loadDefinition } from '../../../agent/core/lazy-registry.js'
import { plugins, type PluginType } from '../../../agent/plugins/index.js'
import { freePort } from '../../support/prometheus.js'
import { createPlugin, promtoolCheck, sample } from '../../support/plugin-harness.js'

const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version
const PREFIXES: Record<PluginType, string> = { safety_telemetry: 'quantum_safety', harvest: 'quantum_harvest' }

for (const type of Object.keys(plugins) as PluginType[]) {
  t.test(`${type}: the plugin contract`, async (t) => {
    const definition = await loadDefinition(plugins, type)
    t.equal(definition.type, type, 'registered under its own type')
    t.ok(definition.description.length > 20, 'described')
    t.ok(PluginConfig.safeParse({ type }).success, 'defaults validate')

    const idle = await createPlugin(type, {})
    await idle.stop()
    await idle.stop()
    t.pass('stop before start, and twice')

    // Nothing listens on this port: every read fails at once.
    const plugin = await createPlugin(type, { redis: { url: `redis://127.0.0.1:${await freePort()}`, deadline: '300ms' } })
    await plugin.start()
    await plugin.start()
    const text = await plugin.registry.metrics()
    await plugin.stop()
    await plugin.stop()
    const prefix = PREFIXES[type]
    t.equal(sample(text, `${prefix}_redis_up`), 0)
    t.equal(sample(text, `${prefix}_exporter_scrapes_total`), 1)
    const errors = ['timeout', 'connection'].map((errorType) => sample(text, `${prefix}_exporter_errors_total{error_type="${errorType}"}`) ?? 0)
    t.equal(errors[0]! + errors[1]!, 1, 'the failure counted once')
    t.match(text, new RegExp(`^${prefix}_exporter_build_info\\{version="${version.replace(/\./g, '\\.')}",git="[^"]+",deployment="[^"]+"\\} 1$`, 'm'))
    t.same(promtoolCheck(text), { status: 0, output: '' })
  })
}

t.test('the host serves plugins on their own port or on the agent, and stops cleanly', async (t) => {
  const redis = { url: `redis://127.0.0.1:${await freePort()}`, deadline: '200ms' }
  const host = await createPluginHost(
    {
      own: PluginConfig.parse({ type: 'safety_telemetry', listen: '127.0.0.1:0', redis }),
      shared: PluginConfig.parse({ type: 'harvest', listen: 'agent', redis }),
    },
    pino({ level: 'silent' }),
  )
  await host.stop()
  await host.start()
  const { own, shared } = host.addresses()
  t.equal(shared, undefined, 'a plugin on the agent has no address of its own')
  const response = await fetch(`http://127.0.0.1:${own!.port}/metrics`)
  t.equal(response.status, 200)
  const text = await response.text()
  t.match(text, /^quantum_safety_redis_up 0$/m)
  t.notMatch(text, /quantum_harvest/, 'the shared one is not on the other port')
  t.equal((await fetch(`http://127.0.0.1:${own!.port}/ready`)).status, 200)
  t.match(await host.renderOnAgent(), /^quantum_harvest_redis_up 0$/m)
  await host.stop()
  await host.stop()
  await t.rejects(fetch(`http://127.0.0.1:${own!.port}/metrics`), 'its port is closed after stop')
})
