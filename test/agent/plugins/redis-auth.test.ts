/** A Redis that wants a password: read from password_file or password_env, and never written to the log. */
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pino from 'pino'
import { PluginConfig } from '../../../agent/config/schema.js'
import { createPluginHost } from '../../../agent/plugins/host.js'
import { sample } from '../../support/plugin-harness.js'
import { startRedis } from '../../support/redis-server.js'

const PASSWORD = 'correct-horse-battery-staple'
const dir = mkdtempSync(join(tmpdir(), 'threadline-redis-auth-'))
const server = await startRedis()
t.teardown(async () => {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})
const admin = new Redis(server.url)
await admin.set('quantum:safety:safe_mode', '1')
await admin.config('SET', 'requirepass', PASSWORD)
admin.disconnect()
const passwordFile = join(dir, 'password')
writeFileSync(passwordFile, `${PASSWORD}\n`)
process.env.THREADLINE_TEST_REDIS_PASSWORD = PASSWORD

t.test('password_file, password_env, and none', async (t) => {
  const lines: string[] = []
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) })
  const safety = (redis: Record<string, unknown>) => PluginConfig.parse({ type: 'safety_telemetry', listen: 'agent', redis: { url: server.url, deadline: '1s', ...redis } })
  const hosts = {
    file: await createPluginHost({ file: safety({ password_file: passwordFile }) }, log),
    env: await createPluginHost({ env: safety({ password_env: 'THREADLINE_TEST_REDIS_PASSWORD' }) }, log),
    none: await createPluginHost({ none: safety({}) }, log),
  }
  for (const host of Object.values(hosts)) {
    t.teardown(() => host.stop())
    await host.start()
  }
  t.equal(sample(await hosts.file.renderOnAgent(), 'quantum_safety_safe_mode'), 1, 'authenticated with the file')
  t.equal(sample(await hosts.env.renderOnAgent(), 'quantum_safety_safe_mode'), 1, 'authenticated with the variable')
  const refused = await hosts.none.renderOnAgent()
  t.equal(sample(refused, 'quantum_safety_redis_up'), 0, 'no password: not up')
  t.equal(sample(refused, 'quantum_safety_safe_mode'), 0)
  t.ok(lines.length > 0, 'the refused connection was logged')
  t.notMatch(lines.join('\n'), new RegExp(PASSWORD), 'the password is in no log line')
})
