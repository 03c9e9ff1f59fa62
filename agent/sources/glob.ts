/**
 * The sources' `include` / `exclude` patterns, with the field's libraries:
 * picomatch matches (the syntax of Vite, chokidar, Jest and most of npm:
 * `*`, `?`, `**`, `{a,b}`, `[abc]`, extglobs such as `!(*.gz)` and
 * `@(app|api).log`, and a leading `!` to negate an include) and tinyglobby
 * walks (fdir under it). Measured on 10,000 files, 8,001 matching
 * `**\/*.log`: 25–43 ms of CPU a listing against 28–35 ms for the
 * hand-written walker this replaced (0.88–1.22× over five rounds), for a
 * syntax people already know.
 *
 * An include without glob syntax, a log file's own path as most configs name
 * it, is one stat a poll rather than a walk of its directory with every
 * pattern compiled again (tinyglobby compiles on each call): the walk, four
 * times a second, kept picomatch and node's path code hot in an agent that
 * had nothing to read (bench/PERFORMANCE-LOG.md). The two libraries load with
 * the first pattern that has glob syntax or an exclude: an agent tailing
 * named files does without them, and their code, at idle.
 */
import { readdir, type Dirent } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import type Picomatch from 'picomatch'
import type * as Tinyglobby from 'tinyglobby'

const require = createRequire(import.meta.url)
const picomatch = () => require('picomatch') as typeof Picomatch
const tinyglobby = () => require('tinyglobby') as typeof Tinyglobby

/** Characters any glob syntax needs (picomatch's and its extglobs'); a pattern without them names one path. */
const GLOB_CHARACTERS = /[*?[\]{}()!+@\\]/

/** `*` matches dot files too, as shell globs with dotglob and Docker's log names need. */
const MATCH_OPTIONS = { dot: true } as const

export interface FileGlobs {
  /**
   * Files (absolute paths, sorted) matching an include and no exclude.
   * Symlinked directories are not descended into, so a link loop under `**`
   * cannot recurse forever. Directories that cannot be read are skipped and
   * reported through `onError`.
   */
  list(onError: (error: NodeJS.ErrnoException, dir: string) => void): Promise<string[]>
}

/**
 * A pattern relative to `/`: relative patterns are taken from the working
 * directory, and a leading `!` (not an extglob `!(…)`) stays in front.
 * tinyglobby walks from the patterns' common static prefix below its cwd; with
 * absolute patterns outside the working directory it walked from `/` instead.
 */
function fromRoot(pattern: string): string {
  const negated = pattern.startsWith('!') && !pattern.startsWith('!(')
  const absolute = resolve(negated ? pattern.slice(1) : pattern)
  return `${negated ? '!' : ''}${absolute.slice(1)}`
}

/** A pattern with nothing to expand: no glob syntax and no escapes, so it names one path. */
function isLiteral(pattern: string): boolean {
  if (!GLOB_CHARACTERS.test(pattern)) return true
  return !pattern.startsWith('!') && !pattern.includes('\\') && !picomatch().scan(pattern).isGlob
}

/** `path` when it is a file (or a link to one); a missing path is silence, any other failure is reported. */
async function fileAt(path: string, onError: (error: NodeJS.ErrnoException, dir: string) => void): Promise<string | undefined> {
  try {
    return (await stat(path)).isFile() ? path : undefined
  } catch (error) {
    const failure = error as NodeJS.ErrnoException
    if (failure.code !== 'ENOENT') onError(failure, dirname(path))
    return undefined
  }
}

export function fileGlobs(include: readonly string[], exclude: readonly string[]): FileGlobs {
  const fromRootPatterns = include.map(fromRoot)
  const literal = fromRootPatterns.filter(isLiteral)
  // Negated includes stay with the walked patterns (they narrow those) and also narrow the literal paths.
  const patterns = fromRootPatterns.filter((pattern) => !isLiteral(pattern))
  const ignore = exclude.map(fromRoot)
  const literalExclusions = [...ignore, ...patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1))]
  const isExcluded = literalExclusions.length === 0 ? () => false : picomatch()(literalExclusions, MATCH_OPTIONS)
  const walks = patterns.some((pattern) => !pattern.startsWith('!'))
  return {
    async list(onError) {
      // tinyglobby swallows directory errors; its fs hook is where they can still be seen.
      const reportingReaddir = ((path: string, options: { withFileTypes: true }, callback: (error: NodeJS.ErrnoException | null, entries: Dirent[]) => void) =>
        readdir(path, options, (error, entries) => {
          if (error && error.code !== 'ENOENT') onError(error, path)
          callback(error, entries)
        })) as typeof readdir
      const walked = walks
        ? tinyglobby().glob(patterns, {
            ...MATCH_OPTIONS,
            ignore,
            cwd: '/',
            absolute: true,
            onlyFiles: true,
            followSymbolicLinks: false,
            expandDirectories: false,
            fs: { readdir: reportingReaddir },
          })
        : []
      const named = literal.filter((pattern) => !isExcluded(pattern)).map((pattern) => fileAt(`/${pattern}`, onError))
      const files = new Set(await walked)
      for (const file of await Promise.all(named)) if (file !== undefined) files.add(file)
      return [...files].sort()
    },
  }
}

/** A matcher for a name, e.g. a container name pattern such as `quantum_*`. */
export function nameMatcher(pattern: string): (name: string) => boolean {
  return picomatch()(pattern, MATCH_OPTIONS)
}
