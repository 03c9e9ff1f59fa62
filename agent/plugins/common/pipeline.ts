/** One round trip for many commands; the first failed command fails the read (a partial snapshot is never applied). */
import type { ChainableCommander } from 'ioredis'

export async function execAll(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? []
  return replies.map(([error, value]) => {
    if (error) throw error
    return value
  })
}

/** A stream entry as XRANGE returns it: `[id, [field, value, field, value, …]]`. */
export type RawEntry = [id: string, fields: string[]]

/** The value of `field` in an entry's flat field list. */
export function fieldOf(fields: readonly string[], field: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === field) return fields[i + 1]
  return undefined
}
