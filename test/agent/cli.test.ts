/** The `threadline agent` command line as users call it: the built CLI in a child process. */
import t from 'tap'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Store } from '../../agent/store/store.js'
import { CLI, waitFor } from '../support/agent-process.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-cli-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const env = { ...process.env, LOKI_URL: '' }
const run = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, env })

t.test('--check-config: 0 for a valid config, 2 with each error and its path', async (t) => {
  const good = join(dir, 'good.yaml')
  writeFileSync(good, 'sources:\n  app: { type: file, include: ["/tmp/*.log"] }\n')
  const ok = run(['agent', '--config', good, '--check-config'])
  t.equal(ok.status, 0)
  t.match(ok.stdout, /config ok .*1 sources, 0 sinks/)

  const bad = join(dir, 'bad.yaml')
  writeFileSync(bad, 'sinks:\n  loki: { type: loki, endpiont: "http://127.0.0.1:3100" }\nlisten: nowhere\n')
  const failed = run(['agent', '--config', bad, '--check-config'])
  t.equal(failed.status, 2)
  t.match(failed.stderr, /sinks\.loki\.endpiont: unknown key, did you mean "endpoint"\?/)
  t.match(failed.stderr, /listen: expected HOST:PORT/)
  t.match(failed.stderr, new RegExp(`invalid config \\(${bad.replace(/[/.]/g, '\\$&')}\\)`))
})

t.test('the built executable runs through its shebang, with the node flags it sets', async (t) => {
  const probe = join(dir, 'flags.mjs')
  writeFileSync(probe, 'process.stdout.write(JSON.stringify({ flags: process.execArgv, arenas: process.env.MALLOC_ARENA_MAX }))\n')
  const shebang = spawnSync('head', ['-1', CLI], { encoding: 'utf8' }).stdout.trim()
  t.match(shebang, /^#!\/usr\/bin\/env -S MALLOC_ARENA_MAX=2 node (--[\w-]+(=\d+)? ?)+$/)
  const flags = shebang.replace('#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node ', '').split(' ')
  // The same interpreter line, run on a probe script: node accepts the flags and applies them, and sees the environment it sets.
  const applied = spawnSync('/usr/bin/env', ['-S', `MALLOC_ARENA_MAX=2 node ${flags.join(' ')}`, probe], { encoding: 'utf8' })
  t.equal(applied.status, 0, applied.stderr)
  t.same(JSON.parse(applied.stdout), { flags, arenas: '2' })
  const direct = spawnSync(CLI, ['agent', '--help'], { encoding: 'utf8', env })
  t.equal(direct.status, 0, `executable bit and shebang work: ${direct.error ?? direct.stderr}`)
  t.match(direct.stdout, /usage: threadline agent/)
  // The help for starting node by hand lists the same flags, so the two cannot drift apart.
  t.ok(direct.stdout.replace(/\s+/g, ' ').includes(`pass the shebang's ${flags.join(' ')} (and set MALLOC_ARENA_MAX=2)`), 'NODE_OPTIONS help names the shebang\'s flags')
  // The README lists them twice too: where it says what the shebang starts node with, and in its NODE_OPTIONS line.
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  t.ok(readme.includes(`its shebang starts node with \`${flags.join(' ')}\``), "the README's flag list is the shebang's")
  t.ok(readme.includes(`NODE_OPTIONS="${flags.join(' ')}"`), "the README's NODE_OPTIONS line is the shebang's flags")
})

t.test('bad flags and unknown commands exit 2 with a did-you-mean; --help exits 0', async (t) => {
  const badFlag = run(['agent', '--tial', 'x'])
  t.equal(badFlag.status, 2)
  t.match(badFlag.stderr, /unknown flag --tial, did you mean --tail\?[\s\S]*usage: threadline agent/)
  const badValue = run(['agent', '--read-from', 'middle'])
  t.equal(badValue.status, 2)
  t.match(badValue.stderr, /--read-from expects beginning or end, received "middle"/)
  const unknown = run(['agnet'])
  t.equal(unknown.status, 2)
  t.match(unknown.stderr, /unknown command "agnet", did you mean "agent"\?/)
  const none = run([])
  t.equal(none.status, 2)
  t.match(none.stderr, /usage: threadline <command>/)
})

t.test('--help explains every flag with its default and the environment it reads; --version names the build', async (t) => {
  const top = run(['--help'])
  t.equal(top.status, 0)
  t.match(top.stdout, /commands:\n\s+agent\s+run the sidecar agent/)
  t.match(top.stdout, /--version/)
  const help = run(['agent', '--help'])
  t.equal(help.status, 0)
  for (const flag of ['--config FILE', '--tail GLOB', '--read-from beginning|end', '--stdin', '--service NAME', '--label KEY=VALUE', '--loki-url URL', '--data-dir DIR', '--listen HOST:PORT', '--check-config']) {
    t.ok(help.stdout.includes(flag), `help lists ${flag}`)
  }
  t.match(help.stdout, /--listen HOST:PORT\s+[^\n]*\(default: 127\.0\.0\.1:9480\)/)
  t.match(help.stdout, /environment:[\s\S]*LOKI_URL\s+as --loki-url[\s\S]*LOKI_PASSWORD_FILE/)
  const version = run(['--version'])
  t.equal(version.status, 0)
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  const commit = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).stdout.trim()
  t.equal(version.stdout, `threadline ${pkg.version} (${commit})\n`)
})

t.test('--tail on an existing file ships what it already holds, once; --read-from end skips it', async (t) => {
  const log = join(dir, 'existing.log')
  const lines = Array.from({ length: 3_000 }, (_, i) => JSON.stringify({ level: 'info', service: 'app', msg: `old ${i}` }))
  writeFileSync(log, lines.join('\n') + '\n')
  const storedLines = (dataDir: string) => {
    const db = new Database(join(dataDir, 'store.db'), { readonly: true })
    try {
      return db.prepare('SELECT coalesce(sum(count), 0) FROM batches').pluck().get() as number
    } finally {
      db.close()
    }
  }
  const runTail = async (dataDir: string, extra: string[] = []) => {
    const agent = spawn(process.execPath, [CLI, 'agent', '--tail', log, '--data-dir', dataDir, '--listen', '127.0.0.1:0', ...extra], { env })
    let stderr = ''
    agent.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    await waitFor('the agent to start', () => stderr.includes('"agent started"'))
    return { agent, stderr: () => stderr }
  }
  const stop = async (agent: ChildProcess) => {
    agent.kill('SIGTERM')
    const [code] = (await once(agent, 'exit')) as [number]
    return code
  }

  const fromStart = join(dir, 'tail-default')
  const first = await runTail(fromStart)
  await waitFor('every existing line stored', () => existsSync(join(fromStart, 'store.db')) && storedLines(fromStart) === lines.length)
  t.equal(await stop(first.agent), 0, first.stderr())
  // A second start resumes from the stored position: nothing is read twice.
  appendFileSync(log, JSON.stringify({ level: 'info', service: 'app', msg: 'new' }) + '\n')
  const second = await runTail(fromStart)
  await waitFor('the new line stored', () => storedLines(fromStart) === lines.length + 1)
  t.equal(await stop(second.agent), 0)
  t.equal(storedLines(fromStart), lines.length + 1)

  const fromEnd = join(dir, 'tail-end')
  const skipping = await runTail(fromEnd, ['--read-from', 'end'])
  // The first scan sets where "end" is; a line appended before it would be skipped too.
  await waitFor('the first scan', () => skipping.stderr().includes('file source: following file'))
  appendFileSync(log, JSON.stringify({ level: 'info', service: 'app', msg: 'after start' }) + '\n')
  await waitFor('the line written after start stored', () => storedLines(fromEnd) === 1)
  t.equal(await stop(skipping.agent), 0)
})

t.test('a port already in use fails start-up with exit 1, not a crash later', async (t) => {
  const first = spawn(process.execPath, [CLI, 'agent', '--data-dir', join(dir, 'a'), '--listen', '127.0.0.1:0'], { env })
  t.teardown(() => first.kill('SIGKILL'))
  const port = await new Promise<number>((resolve) => {
    let stderr = ''
    first.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
      const match = /"port":(\d+)/.exec(stderr)
      if (match) resolve(Number(match[1]))
    })
  })
  const second = run(['agent', '--data-dir', join(dir, 'b'), '--listen', `127.0.0.1:${port}`])
  t.equal(second.status, 1)
  t.match(second.stderr, /EADDRINUSE/)
})

t.test('stdin: every piped line is stored, then the agent exits 0 at end of input', async (t) => {
  const dataDir = join(dir, 'stdin')
  const lines = Array.from({ length: 5_000 }, (_, i) => JSON.stringify({ level: 'info', service: 'batch', correlation_id: `req-${i % 7}`, msg: `n${i}` }))
  const result = run(['agent', '--stdin', '--service', 'fallback', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], lines.join('\n') + '\nlast line without newline')
  t.equal(result.status, 0, result.stderr)
  const db = new Database(join(dataDir, 'store.db'), { readonly: true })
  t.teardown(() => db.close())
  t.equal(db.prepare('SELECT sum(count) FROM batches').pluck().get(), 5_001)
  t.equal(db.prepare(`SELECT count(*) FROM correlations WHERE correlation_id = 'req-3'`).pluck().get(), lines.filter((_, i) => i % 7 === 3).length)
  const store = new Store(join(dataDir, 'store.db'))
  t.teardown(() => store.close())
  const last = store.readAfter(store.lastId() - 1, 1)[0]!
  t.equal(last.line, 'last line without newline')
  t.match(last.labels, /service="fallback"/)
})
