import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import t from 'tap'
import { fileGlobs, nameMatcher } from '../../../agent/sources/glob.js'

const dir = mkdtempSync(join(tmpdir(), 'threadline-glob-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
for (const file of ['app.log', 'api.log', 'app.log.1', 'app.log.2.gz', '.hidden.log', 'a/b/deep.log', 'a/notes.txt', 'worker/out.json.log']) {
  mkdirSync(join(dir, file, '..'), { recursive: true })
  writeFileSync(join(dir, file), 'x\n')
}
symlinkSync(dir, join(dir, 'a', 'loop'))

const list = async (include: string[], exclude: string[] = []) => {
  const errors: string[] = []
  const inDir = (pattern: string) => (pattern.startsWith('!') ? `!${join(dir, pattern.slice(1))}` : join(dir, pattern))
  const files = await fileGlobs(include.map(inDir), exclude.map(inDir)).list((error) => errors.push(error.code ?? 'unknown'))
  return { files: files.map((file) => relative(dir, file)), errors }
}

t.test('the syntax people know from picomatch: *, **, braces, classes, extglobs, negation, dot files', async (t) => {
  t.same((await list(['*.log'])).files, ['.hidden.log', 'api.log', 'app.log'], '* matches dot files too')
  t.same((await list(['**/*.log'])).files, ['.hidden.log', 'a/b/deep.log', 'api.log', 'app.log', 'worker/out.json.log'], '** descends, never through the symlink loop')
  t.same((await list(['{app,api}.log'])).files, ['api.log', 'app.log'])
  t.same((await list(['ap[ip].log'])).files, ['api.log', 'app.log'])
  t.same((await list(['app.log*'], ['*.gz'])).files, ['app.log', 'app.log.1'], 'exclude wins over include')
  t.same((await list(['app.log!(*.gz)'])).files, ['app.log', 'app.log.1'], 'extglob negation')
  t.same((await list(['@(app|api).log'])).files, ['api.log', 'app.log'])
  t.same((await list(['*.log', '!a*.log'])).files, ['.hidden.log'], 'a leading ! negates an include')
})

t.test('relative patterns are taken from the working directory', async (t) => {
  const files = await fileGlobs([join(relative(process.cwd(), dir), '*.log')], []).list(() => {})
  t.same(files, ['.hidden.log', 'api.log', 'app.log'].map((file) => join(dir, file)))
})

t.test('a directory that cannot be listed is reported, not thrown; a missing one is silence', async (t) => {
  const notADirectory = await list(['app.log/*.log'])
  t.same(notADirectory, { files: [], errors: ['ENOTDIR'] })
  t.same(await list(['missing/*.log']), { files: [], errors: [] })
})

t.test('a path without glob syntax names one file: links to files count, directories and missing paths do not', async (t) => {
  symlinkSync(join(dir, 'app.log'), join(dir, 'current.log'))
  t.teardown(() => rmSync(join(dir, 'current.log')))
  t.same(await list(['app.log']), { files: ['app.log'], errors: [] })
  t.same((await list(['current.log', 'a', 'missing.log', 'a/b/deep.log'])).files, ['a/b/deep.log', 'current.log'])
  t.same((await list(['app.log', 'app.log'])).files, ['app.log'], 'named twice, listed once')
  t.same((await list(['app.log', 'api.log'], ['app*'])).files, ['api.log'], 'excludes apply to named paths')
  t.same((await list(['app.log', 'api.log', '!ap?.log'])).files, [], 'so does a negated include')
  t.same((await list(['app.log', 'worker/*.log'])).files, ['app.log', 'worker/out.json.log'], 'named paths and walked patterns together')
  t.same(await list(['app.log/inner.log']), { files: [], errors: ['ENOTDIR'] }, 'a path through a file is reported, as a walk reports it')
  t.same((await list(['ap\\p.log'])).files, ['app.log'], 'an escaped character is glob syntax: walked')
})

t.test('name patterns match container names', async (t) => {
  const matches = nameMatcher('quantum_*')
  t.ok(matches('quantum_api'))
  t.notOk(matches('redis'))
  t.ok(nameMatcher('quantum_{api,worker}')('quantum_worker'))
})
