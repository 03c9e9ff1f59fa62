/**
 * picomatch and tinyglobby load with the first pattern that needs them: an
 * agent tailing named files keeps neither, nor their code, at idle (README,
 * "Performance"). A file of its own: every test process loads its modules once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { fileGlobs } from '../../../agent/sources/glob.js'

const loaded = (name: string) => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(`/node_modules/${name}/`))

t.test('named files are listed without the glob libraries; the first pattern loads them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-glob-loading-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const name of ['app.log', 'app+1.log', 'api.log']) writeFileSync(join(dir, name), 'x\n')
  const list = (include: string[]) => fileGlobs(include.map((name) => join(dir, name)), []).list(() => undefined)

  t.same(await list(['app.log', 'missing.log']), [join(dir, 'app.log')], 'a named file, and a missing one is silence')
  t.notOk(loaded('picomatch') || loaded('tinyglobby'), 'neither library loaded')
  t.same(await list(['app+1.log']), [join(dir, 'app+1.log')], 'a name with a glob character is asked of picomatch, which finds no glob in it')
  t.ok(loaded('picomatch'), 'picomatch loaded for it')
  t.notOk(loaded('tinyglobby'), 'nothing walked yet')
  t.same(await list(['a*.log']), [join(dir, 'api.log'), join(dir, 'app+1.log'), join(dir, 'app.log')])
  t.ok(loaded('tinyglobby'), 'tinyglobby loaded with the first walk')
})
