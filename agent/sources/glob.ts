/**
 * A small glob matcher and directory walker for the sources' `include` /
 * `exclude` patterns (Node 20 has no `fs.promises.glob`). Supports `*`, `?`,
 * `**` (any number of directories), `{a,b}` and `[abc]` classes on absolute
 * or relative paths.
 */
import { readdir } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'

const MAGIC = /[*?{[]/

/** A compiled pattern: where to start walking, how deep to go, and the full-path test. */
export interface CompiledGlob {
  pattern: string
  base: string
  /** Directory levels below `base` a match may sit at; Infinity with `**`. */
  maxDepth: number
  regex: RegExp
}

/** Compiles a glob; relative patterns are resolved against the working directory. */
export function compileGlob(pattern: string): CompiledGlob {
  const absolute = resolve(pattern)
  const segments = absolute.split(sep)
  const firstMagic = segments.findIndex((segment) => MAGIC.test(segment))
  const baseSegments = firstMagic === -1 ? segments.slice(0, -1) : segments.slice(0, firstMagic)
  const rest = segments.slice(baseSegments.length)
  return {
    pattern,
    base: baseSegments.join(sep) || sep,
    maxDepth: rest.includes('**') ? Infinity : rest.length,
    regex: new RegExp(`^${segments.map(segmentSource).join('')}$`),
  }
}

function segmentSource(segment: string, index: number): string {
  const slash = index === 0 ? '' : '\\/'
  if (segment === '**') return `(?:${slash}[^/]+)*`
  return slash + translate(segment)
}

/** A matcher for one path segment or a name, e.g. a container name pattern such as `quantum_*`. */
export function nameMatcher(pattern: string): RegExp {
  return new RegExp(`^${translate(pattern)}$`)
}

function translate(segment: string): string {
  let out = ''
  let braces = 0
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!
    if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else if (c === '{') (braces++, (out += '(?:'))
    else if (c === '}' && braces > 0) (braces--, (out += ')'))
    else if (c === ',' && braces > 0) out += '|'
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2)
      if (end === -1) out += '\\['
      else {
        const body = segment.slice(i + 1, end).replace(/\\/g, '\\\\')
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`
        i = end
      }
    } else out += c.replace(/[.+^$()|\\\]]/g, '\\$&')
  }
  return out
}

/** True when the absolute path matches any of the compiled patterns. */
export function matchesAny(path: string, globs: readonly CompiledGlob[]): boolean {
  return globs.some((glob) => glob.regex.test(path))
}

/**
 * Files (absolute paths, sorted) matching any include and no exclude.
 * Unreadable directories are skipped and reported through `onError`.
 */
export async function findFiles(
  include: readonly CompiledGlob[],
  exclude: readonly CompiledGlob[],
  onError: (error: NodeJS.ErrnoException, dir: string) => void,
): Promise<string[]> {
  const found = new Set<string>()
  for (const glob of include) await walk(glob.base, 1, glob, exclude, found, onError)
  return [...found].sort()
}

async function walk(
  dir: string,
  depth: number,
  glob: CompiledGlob,
  exclude: readonly CompiledGlob[],
  found: Set<string>,
  onError: (error: NodeJS.ErrnoException, dir: string) => void,
): Promise<void> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error as NodeJS.ErrnoException, dir)
    return
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    // Symlinked directories are not descended into, so a link loop under `**` cannot recurse forever.
    if (entry.isDirectory()) {
      if (depth < glob.maxDepth) await walk(path, depth + 1, glob, exclude, found, onError)
    } else if ((entry.isFile() || entry.isSymbolicLink()) && glob.regex.test(path) && !matchesAny(path, exclude)) {
      found.add(path)
    }
  }
}
