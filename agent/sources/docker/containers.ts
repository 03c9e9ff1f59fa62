/**
 * Which json-file logs belong to containers whose name matches: Docker keeps
 * the name in `<root>/<id>/config.v2.json` (`"Name": "/quantum_api"`) and the
 * log in `<root>/<id>/<id>-json.log`, rotated by renaming to `-json.log.1`…
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { nameMatcher } from '../glob.js'

export interface ContainerLogs {
  /** Log files (current and rotated, uncompressed) of the matching containers. */
  list(): Promise<string[]>
  /** The container name a log file belongs to. */
  nameOf(path: string): string | undefined
}

interface Known {
  mtimeMs: number
  name: string | undefined
}

/** Lists matching containers' logs; config.v2.json is re-read only when it changes (a `docker rename`). */
export function containerLogs(root: string, patterns: readonly string[], onError: (error: unknown, path: string) => void): ContainerLogs {
  const matchers = patterns.map(nameMatcher)
  const known = new Map<string, Known>()
  const nameById = new Map<string, string>()

  async function nameFor(id: string): Promise<string | undefined> {
    const configPath = join(root, id, 'config.v2.json')
    const { mtimeMs } = await stat(configPath)
    const cached = known.get(id)
    if (cached?.mtimeMs === mtimeMs) return cached.name
    const config = JSON.parse(await readFile(configPath, 'utf8')) as { Name?: unknown }
    const name = typeof config.Name === 'string' ? config.Name.replace(/^\//, '') : undefined
    known.set(id, { mtimeMs, name })
    return name
  }

  return {
    async list() {
      let ids: string[]
      try {
        ids = await readdir(root)
      } catch (error) {
        onError(error, root)
        return []
      }
      const files: string[] = []
      for (const id of ids) {
        try {
          const name = await nameFor(id)
          if (name === undefined || !matchers.some((matches) => matches(name))) continue
          nameById.set(id, name)
          const logName = new RegExp(`^${id}-json\\.log(?:\\.\\d+)?$`)
          for (const entry of await readdir(join(root, id))) if (logName.test(entry)) files.push(join(root, id, entry))
        } catch (error) {
          // A container being created or removed has no (or a half-written) config: it is retried next poll.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) onError(error, join(root, id))
        }
      }
      for (const id of known.keys()) if (!ids.includes(id)) (known.delete(id), nameById.delete(id))
      return files
    },
    nameOf(path) {
      const id = path.slice(root.length + 1).split('/')[0]!
      return nameById.get(id)
    },
  }
}
